"""Signup webhook: a Plughost plugin. The entry point names :data:`plugin`."""

from signup_webhook.plugin import SignupWebhook

plugin = SignupWebhook()
