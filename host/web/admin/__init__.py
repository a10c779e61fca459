"""The admin pages, one blueprint per concern, all under ``/admin``."""
