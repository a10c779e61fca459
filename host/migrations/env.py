"""Alembic environment: migrates the application's database to the host's models, or a plugin's.

Runs inside the application context Flask-Migrate pushes, so the engine (with its
SQLite connection rules) and the metadata are the application's own. SQLite alters
tables by copying them ("batch" mode), which every migration here uses.

The host's history and each plugin's (see :mod:`host.plugin_migrations`) run here; a
plugin's configuration names the plugin, whose revisions are recorded in a version
table of its own. Each history compares only the tables it owns.
"""

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection

from host.extensions import db
from host.plugin_migrations import PLUGIN_ATTRIBUTE, tables_of, version_table

# Logging as alembic.ini says only where nothing set it up: a site migrating as it is
# built keeps the logging of the server (or test run) it is built in.
if context.config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

#: The plugin whose history runs, or None for the host's.
PLUGIN: str | None = context.config.attributes.get(PLUGIN_ATTRIBUTE)


def options(connection: Connection | None) -> dict[str, Any]:
    """What every run of this history is configured with."""
    chosen: dict[str, Any] = {
        "target_metadata": db.metadata,
        "render_as_batch": True,
        "compare_type": True,
        "include_object": tables_of(PLUGIN, connection),
    }
    if PLUGIN is not None:
        chosen["version_table"] = version_table(PLUGIN)
    return chosen


def skip_empty_revision(_context: Any, _revision: Any, directives: list[Any]) -> None:
    """Write no revision file when autogenerate finds nothing to change."""
    if getattr(context.config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("The models match the migrations; no revision written.")


def run_offline() -> None:
    """Print the SQL of the migrations instead of running it."""
    context.configure(url=db.engine.url.render_as_string(hide_password=False), literal_binds=True, **options(None))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with db.engine.connect() as connection:
        context.configure(connection=connection, process_revision_directives=skip_empty_revision, **options(connection))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
