"""Plugins' own tables: each plugin's Alembic history, applied after the host's.

A plugin that keeps rows of records declares tables on ``db.Model`` (one metadata, so a
foreign key to ``users.id`` works), names them after itself, marks them with
``__table_args__ = {"info": {"plugin": name}}`` and names a folder of Alembic revisions
(:attr:`host.plugins.Plugin.migrations`). Those revisions form a history of their own,
recorded in a version table of its own, so installing, upgrading or removing a plugin
never touches the host's history or another plugin's. They run in the host's migration
environment, which limits what each history compares to the tables it owns: the
host's autogenerate ignores the plugins' tables, and a plugin's sees only its own.
"""

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from flask import Flask, current_app, has_app_context
from sqlalchemy import Connection, inspect

from host.extensions import db

if TYPE_CHECKING:
    from host.plugins.base import Plugin

#: The host's migration environment (``env.py`` and the revision template), shared by every history.
ENVIRONMENT_DIRECTORY = str(Path(__file__).parent / "migrations")
#: A plugin's version table is this followed by its name.
VERSION_TABLE_PREFIX = "alembic_version_"
#: Where a plugin's Alembic configuration carries the plugin's name to ``env.py``.
PLUGIN_ATTRIBUTE = "plughost_plugin"

log = logging.getLogger(__name__)

#: Alembic's ``include_object`` callable: whether autogenerate compares a schema object.
IncludeObject = Callable[[Any, str | None, str, bool, Any], bool]


def version_table(plugin_name: str) -> str:
    """The table recording which of the plugin's revisions the database has."""
    return f"{VERSION_TABLE_PREFIX}{plugin_name}"


def migrating_plugins(app: Flask) -> list["Plugin"]:
    """The installed plugins (enabled or not) that own tables, in the order they are migrated."""
    host = app.extensions.get("plughost")
    plugins = host.plugins.values() if host is not None else ()
    return sorted((plugin for plugin in plugins if plugin.migrations is not None), key=lambda plugin: plugin.name)


def migrations_folder(plugin: "Plugin") -> Path:
    """The folder of the plugin's revisions."""
    if plugin.migrations is None:
        raise ValueError(f"the plugin {plugin.name!r} names no migrations folder")
    return Path(plugin.migrations).resolve()


def plugin_config(plugin: "Plugin") -> Config:
    """The Alembic configuration of one plugin's history: the host's environment, the plugin's revisions."""
    config = Config()
    config.set_main_option("script_location", ENVIRONMENT_DIRECTORY)
    # One folder, spaces and all: not a list to split.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.fspath(migrations_folder(plugin)))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes[PLUGIN_ATTRIBUTE] = plugin.name
    return config


def upgrade_plugins(app: Flask, *, sql: bool = False) -> dict[str, str]:
    """Apply every installed plugin's pending revisions; run after the host's.

    A plugin whose revisions fail is taken out as broken, its card saying why, and the
    others go on, as for any other failure of a plugin at start. Returns those errors,
    by plugin name.
    """
    failures: dict[str, str] = {}
    with app.app_context():
        for plugin in migrating_plugins(app):
            try:
                command.upgrade(plugin_config(plugin), "heads", sql=sql)
            except Exception as error:  # a third-party revision can fail in any way
                log.exception("the migrations of plugin %s failed", plugin.name)
                failures[plugin.name] = f"its migrations failed: {error}"
    for name, sentence in failures.items():
        app.extensions["plughost"].mark_broken(name, sentence)
    return failures


def plugins_are_current(app: Flask, connection: Connection) -> bool:
    """Whether the database has every installed plugin's newest revisions."""
    for plugin in migrating_plugins(app):
        heads = set(ScriptDirectory.from_config(plugin_config(plugin)).get_heads())
        context = MigrationContext.configure(connection, opts={"version_table": version_table(plugin.name)})
        if set(context.get_current_heads()) != heads:
            return False
    return True


def write_revision(plugin: "Plugin", message: str | None, *, rev_id: str | None = None) -> Script | None:
    """Write a revision into the plugin's folder with what its models add to its tables.

    With no difference the revision is empty, to be filled in by hand (a data migration).
    """
    folder = migrations_folder(plugin)
    folder.mkdir(parents=True, exist_ok=True)
    written = command.revision(
        plugin_config(plugin), message, autogenerate=True, rev_id=rev_id, version_path=os.fspath(folder)
    )
    return written if isinstance(written, Script) else None


def table_owners(connection: Connection | None) -> frozenset[str]:
    """The plugins that own tables: the models', the installed ones and those with a version table."""
    owners = {str(table.info["plugin"]) for table in db.metadata.tables.values() if "plugin" in table.info}
    if has_app_context():
        owners.update(plugin.name for plugin in migrating_plugins(current_app))
    if connection is not None:
        owners.update(
            name.removeprefix(VERSION_TABLE_PREFIX)
            for name in inspect(connection).get_table_names()
            if name.startswith(VERSION_TABLE_PREFIX)
        )
    return frozenset(owners)


def _owner(table: Any, name: str, only_in_database: bool, owners: Iterable[str]) -> str | None:
    """The plugin owning a table, None for the host's.

    A table of the models says so in its ``info``; one only in the database (a model
    removed, a plugin uninstalled) belongs to the plugin whose name prefixes it.
    """
    if not only_in_database:
        return table.info.get("plugin")
    return max((owner for owner in owners if name.startswith(f"{owner}_")), key=len, default=None)


def tables_of(plugin_name: str | None, connection: Connection | None) -> IncludeObject:
    """An ``include_object`` limiting autogenerate to one history's tables (None: the host's).

    The owners are looked up at the first table compared, inside autogenerate's
    transaction: an upgrade, which compares nothing, never reads them.
    """
    owners: list[frozenset[str]] = []

    def include(table: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ != "table":
            return True
        if name is not None and name.startswith(VERSION_TABLE_PREFIX):
            return False  # Alembic's bookkeeping, no one's model
        if not owners:
            owners.append(table_owners(connection))
        return _owner(table, name or "", reflected and compare_to is None, owners[0]) == plugin_name

    return include
