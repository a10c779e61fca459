"""``plughost db``: Flask-Migrate's commands, taught about the plugins' own histories.

``upgrade`` to the newest revision brings every installed plugin's tables up to date
after the host's, and ``revision --plugin NAME`` writes a revision of that plugin's
tables into its migrations folder. Every other command is Flask-Migrate's, on the
host's history.
"""

from typing import Any

import click
import flask_migrate
from alembic.util import CommandError
from flask import current_app, g
from flask.cli import with_appcontext
from flask_migrate import cli as migrate_cli

from host.plugin_migrations import upgrade_plugins, write_revision
from host.plugins.manager import current_plugin_host

#: Options of ``revision`` that have no meaning for a plugin's revision.
_HOST_ONLY_REVISION_OPTIONS = ("directory", "sql", "version_path", "head", "splice", "branch_label")


@with_appcontext
def _upgrade(directory: str | None, sql: bool, tag: str | None, x_arg: tuple[str, ...], revision: str) -> None:
    """Upgrade to a later version; to the newest, the installed plugins' tables too."""
    flask_migrate.upgrade(directory or g.directory, revision, sql, tag, x_arg or g.x_arg)
    if revision == "head" and (failures := upgrade_plugins(current_app, sql=sql)):
        raise click.ClickException("; ".join(f"{name}: {error}" for name, error in failures.items()))


@with_appcontext
def _revision(plugin: str | None, **options: Any) -> None:
    """Create a new revision file; with --plugin NAME, of that plugin's tables, compared with its models.

    A plugin's revision goes into its migrations folder, holding what its models add
    to the database, or nothing to fill in by hand when they match (a data migration).
    """
    if plugin is None:
        flask_migrate.revision(
            options["directory"] or g.directory,
            options["message"],
            options["autogenerate"],
            options["sql"],
            options["head"],
            options["splice"],
            options["branch_label"],
            options["version_path"],
            options["rev_id"],
        )
        return
    given = [name for name in _HOST_ONLY_REVISION_OPTIONS if options[name] not in (None, False, "head")]
    if given:
        names = ", ".join(f"--{name.replace('_', '-')}" for name in given)
        raise click.UsageError(f"{names} cannot be used with --plugin")
    found = current_plugin_host().get(plugin)
    if found is None:
        raise click.ClickException(f"no installed plugin is named {plugin!r}; see `plughost plugins list`")
    if found.migrations is None:
        raise click.ClickException(
            f'{plugin} names no migrations folder: set `migrations = Path(__file__).parent / "migrations"` on its Plugin'
        )
    try:
        written = write_revision(found, options["message"], rev_id=options["rev_id"])
    except CommandError as error:
        raise click.ClickException(f"{error} (run `plughost db upgrade` first)") from error
    if written is not None:
        click.echo(f"Wrote {written.path}")


def _command(name: str, callback: Any, *extra: click.Parameter) -> click.Command:
    """Flask-Migrate's command ``name`` with its options (and ``extra``), run by ``callback``."""
    original = migrate_cli.db.commands[name]
    return click.Command(name, callback=callback, params=[*original.params, *extra], help=callback.__doc__)


db_cli = click.Group(
    "db",
    commands={
        **migrate_cli.db.commands,
        "upgrade": _command("upgrade", _upgrade),
        "revision": _command(
            "revision",
            _revision,
            click.Option(["--plugin"], default=None, help="Write a revision of this installed plugin's tables."),
        ),
    },
    callback=migrate_cli.db.callback,
    params=migrate_cli.db.params,
    help=migrate_cli.db.help,
)
