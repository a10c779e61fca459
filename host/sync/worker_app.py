"""Building the site in a process that only delivers (a Celery worker, ``python -m host.sync``).

Such a process has no ``create_app`` caller to hand it plugin objects, so besides the
installed entry points it loads the ones ``PLUGHOST_SYNC_EXTRA_PLUGINS`` names, as
comma-separated ``module:attribute`` references (used by tests, and by sites whose
plugins are not installed as distributions).
"""

import os
from importlib import import_module

from flask import Flask

from host.plugins import Plugin

EXTRA_PLUGINS_ENV = "PLUGHOST_SYNC_EXTRA_PLUGINS"


def load_plugin(reference: str) -> Plugin:
    """The plugin object ``module:attribute`` refers to."""
    module_name, _, attribute = reference.strip().partition(":")
    loaded = getattr(import_module(module_name), attribute)
    if not isinstance(loaded, Plugin):
        raise TypeError(f"{reference} is not a plughost Plugin")
    return loaded


def create_worker_app() -> Flask:
    """The site as configured by the environment, with the extra plugins loaded."""
    from host import create_app

    references = [reference for reference in os.environ.get(EXTRA_PLUGINS_ENV, "").split(",") if reference.strip()]
    return create_app(plugins=[load_plugin(reference) for reference in references])
