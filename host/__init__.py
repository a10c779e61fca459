"""Plughost: a WordPress-style Flask site whose plugins extend it through pluggy hooks."""

import os
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask

from host import sync, themes, web
from host.config import default_settings, ensure_keys, environment_settings, mail_settings
from host.database import init_database, migrate_if_automatic
from host.extensions import csrf, login_manager, mail
from host.plugins import Plugin, hookimpl
from host.plugins.blueprints import register_plugin_blueprints
from host.plugins.commands import register_plugin_commands
from host.plugins.manager import PluginHost, discover_plugins
from host.services.passwords import hasher_for
from host.themes.environment import ThemedEnvironment
from host.web.paging import IdConverter

__all__ = ["create_app", "hookimpl"]


def create_app(
    config: Mapping[str, Any] | None = None,
    *,
    plugins: Iterable[Plugin] = (),
    instance_path: str | None = None,
    inspect_only: bool = False,
) -> Flask:
    """Build the site.

    :param config: settings that override the defaults and the environment.
    :param plugins: plugin objects to install in addition to the entry points
        (tests pass theirs here and set ``PLUGHOST_LOAD_ENTRYPOINTS`` to False).
    :param instance_path: the folder for the SQLite database and generated keys;
        ``PLUGHOST_INSTANCE_PATH`` when not given, else Flask's default.
    :param inspect_only: build the site only to look at it (the command line's help,
        ``routes``, ``plugins list``): the instance folder and its keys are not created
        and the schema is not migrated.

    Where migrations are automatic (on SQLite unless ``PLUGHOST_AUTO_MIGRATE`` says
    otherwise) the schema, the installed plugins' tables included, is brought up to date here; elsewhere pages answer 503 until
    ``plughost db upgrade`` has run.
    """
    instance_path = instance_path or os.environ.get("PLUGHOST_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    # Before any route is added: an id in a path beyond the tables' range is "not found".
    app.url_map.converters["int"] = IdConverter
    # Created on first use, after the configuration below names the theme folder.
    app.jinja_environment = ThemedEnvironment
    app.config.update(default_settings(app.instance_path))
    app.config.update(environment_settings())
    app.config.update(config or {})
    app.config.update(mail_settings(app.config, app.instance_path))
    hasher_for(app.config["PLUGHOST_PASSWORD_HASH_COST"])
    if not inspect_only:
        os.makedirs(app.instance_path, exist_ok=True)
    ensure_keys(app, keep=not inspect_only)

    init_database(app)
    installed, broken = discover_plugins() if app.config["PLUGHOST_LOAD_ENTRYPOINTS"] else ([], [])
    app.extensions["plughost"] = PluginHost([*installed, *plugins], broken)
    # After the plugins are known: the tables of every installed one are migrated too.
    if not inspect_only:
        migrate_if_automatic(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)

    with app.app_context():
        register_plugin_blueprints(app)
        register_plugin_commands(app)
    themes.init_app(app)
    web.init_app(app)
    sync.init_app(app)
    return app
