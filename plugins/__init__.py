"""The plugins that ship with Plughost, and the libraries they share."""
