"""The ``plughost`` command line: serve the site, manage admins, plugins and the schema.

Built on Flask's command group, so ``plughost db ...`` (Flask-Migrate's, taught the
plugins' histories in :mod:`host.database_cli`) and the plugins' commands, which the
application registers, run inside its context.

Other distributions add top-level commands (a development server, a demo) through
the entry-point group ``plughost.commands``, one line in their ``pyproject.toml``::

    [project.entry-points."plughost.commands"]
    demo = "mypackage.cli:demo"

They are imported only when asked for, so no command's imports slow the others down
and a command does not build the site unless it asks for it.
"""

from contextvars import ContextVar
from importlib import metadata
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, pass_script_info, routes_command, shell_command, with_appcontext
from werkzeug.serving import run_simple

from host import create_app
from host.contributions import PluginStatus
from host.database import has_schema, schema_was_upgraded
from host.database_cli import db_cli
from host.extensions import db
from host.models import Role
from host.plugins import ActivationError, registry
from host.plugins.manager import current_plugin_host
from host.plugins.status import plugin_statuses
from host.scaffold import ScaffoldError, plugin_names, write_plugin
from host.services.errors import InvalidValue
from host.services.users import register_user
from host.sync.cli import sync_cli

COMMAND_ENTRY_POINT_GROUP = "plughost.commands"


def _contributed_commands() -> dict[str, metadata.EntryPoint]:
    return {entry_point.name: entry_point for entry_point in metadata.entry_points(group=COMMAND_ENTRY_POINT_GROUP)}


#: Commands that only look at the site: they build it without creating the instance
#: folder, its keys or its database, and without migrating (each as its names after ``plughost``).
INSPECTING_COMMANDS = frozenset({("routes",), ("plugins", "list")})


#: Set while the help lists the commands, which needs the site only for the plugins' commands.
_listing_commands: ContextVar[bool] = ContextVar("plughost_listing_commands", default=False)


def _invoked_command() -> tuple[str, ...]:
    """The names of the command being run, after ``plughost`` (empty for the group itself)."""
    names: list[str] = []
    context = click.get_current_context(silent=True)
    while context is not None and context.parent is not None:
        names.insert(0, context.info_name or "")
        context = context.parent
    return tuple(names)


class PlughostGroup(FlaskGroup):
    """Flask's group, plus the commands installed under ``plughost.commands``."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry_point = _contributed_commands().get(name)
        if entry_point is not None and name not in self.commands:
            return entry_point.load()
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_contributed_commands()})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The help's list of commands; the plugins' come from a site built only to be looked at."""
        token = _listing_commands.set(True)
        try:
            super().format_commands(ctx, formatter)
        finally:
            _listing_commands.reset(token)


def _app_factory() -> Flask:
    """The site, which brings its schema up to date where that is automatic, saying so.

    A command that only looks (:data:`INSPECTING_COMMANDS`) gets a site that writes nothing.
    """
    if _listing_commands.get() or _invoked_command() in INSPECTING_COMMANDS:
        return create_app(inspect_only=True)
    app = create_app()
    if schema_was_upgraded(app):
        click.echo("plughost: the database schema was brought up to date.", err=True)
    return app


main = PlughostGroup(
    create_app=_app_factory,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Plughost: a site whose plugins extend it.",
)
main.add_command(shell_command)
main.add_command(routes_command)
main.add_command(sync_cli)
# Before the application's own ``db`` (Flask-Migrate's), which knows only the host's history.
main.add_command(db_cli)
click.version_option(package_name="plughost")(main)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The interface to listen on.")
@click.option("--port", default=5000, show_default=True, help="The port to listen on.")
@pass_script_info
def run(info: ScriptInfo, host: str, port: int) -> None:
    """Serve the site (on SQLite, its schema is brought up to date first).

    A development-grade server for one machine; behind a real deployment, point a
    WSGI server at ``host:create_app()``.
    """
    app = info.load_app()
    click.echo(f"Plughost is serving at http://{host}:{port}/ (press Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--first-name", prompt=True)
@click.option("--last-name", prompt=True)
@click.password_option(envvar="PLUGHOST_ADMIN_PASSWORD")
@with_appcontext
def create_admin(email: str, first_name: str, last_name: str, password: str) -> None:
    """Create an admin account (the site owner, on a site set up from the command line)."""
    try:
        admin = register_user(
            email=email, password=password, first_name=first_name, last_name=last_name, role=Role.ADMIN
        )
    except InvalidValue as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    db.session.commit()
    click.echo(f"Admin {admin.email} created.")


@main.group()
def plugins() -> None:
    """List, enable and disable the installed plugins."""


def _known_plugin(name: str) -> str:
    if current_plugin_host().get(name) is None:
        raise click.ClickException(f"no installed plugin is named {name!r}; see `plughost plugins list`")
    return name


def _plain(status: PluginStatus) -> str:
    """A status's message with its hover text after it, for a terminal."""
    return f"{status.message} ({status.title})" if status.title else status.message


@plugins.command("list")
@with_appcontext
def list_plugins() -> None:
    """Every installed plugin with its status."""
    host = current_plugin_host()
    if not host.plugins and not host.broken:
        click.echo("No plugins are installed.")
    if has_schema(current_app):
        # A plugin's status may link to its page, and URLs are built in a request.
        with current_app.test_request_context():
            statuses = {name: (status.kind.value, _plain(status)) for name, status in plugin_statuses().items()}
        db.session.commit()
    else:
        statuses = dict.fromkeys(host.plugins, ("disabled", "Not in use (the site has no database yet)."))
    for name, plugin in sorted(host.plugins.items()):
        kind, message = statuses[name]
        click.echo(f"{name:<24} {plugin.version:<10} {kind:<22} {message}")
    for broken in current_plugin_host().broken:
        click.echo(f"{broken.name:<24} {'-':<10} {'error':<22} {broken.error}")


@plugins.command("new", with_appcontext=False)
@click.argument("name")
@click.option("--title", help="The name people see, e.g. on the Marketplace (default: from NAME).")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the plugin's folder.",
)
def new_plugin(name: str, title: str | None, directory: Path) -> None:
    """Create a plugin distribution NAME: a setting, a hook, a page, a sync handler and tests."""
    try:
        target = write_plugin(plugin_names(name, title), directory)
    except ScaffoldError as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Created {target}. Next:\n  cd {target}\n  pip install -e '.[test]'\n  pytest")


@plugins.command()
@click.argument("name")
@with_appcontext
def enable(name: str) -> None:
    """Enable a plugin in every process of the site."""
    try:
        registry.enable(_known_plugin(name))
    except ActivationError as refusal:
        db.session.commit()
        raise click.ClickException(f"{name} was not enabled: {refusal}") from refusal
    db.session.commit()
    click.echo(f"{name} is enabled.")


@plugins.command()
@click.argument("name")
@with_appcontext
def disable(name: str) -> None:
    """Disable a plugin in every process of the site; its settings are kept."""
    registry.disable(_known_plugin(name))
    db.session.commit()
    click.echo(f"{name} is disabled.")
