"""Plugins' commands on the ``plughost`` command line, under ``plughost <plugin name>``."""

import click
from flask import Flask
from flask.cli import with_appcontext

from host.plugins.base import Plugin
from host.plugins.dispatch import collect_items
from host.plugins.registry import is_enabled


def _plugin_group(plugin: Plugin) -> click.Group:
    """A group named after the plugin whose commands refuse to run while it is disabled."""

    @with_appcontext
    def require_enabled() -> None:
        if not is_enabled(plugin.name):
            raise click.ClickException(
                f"the {plugin.title} plugin is disabled; enable it with `plughost plugins enable {plugin.name}`"
            )

    return click.Group(plugin.name, callback=require_enabled, help=f"Commands of the {plugin.title} plugin.")


def register_plugin_commands(app: Flask) -> None:
    """Add every installed plugin's commands to the application's command line."""
    groups: dict[str, click.Group] = {}
    for plugin, command in collect_items("plugin_cli_commands", click.Command, enabled_only=False):
        if plugin.name not in groups:
            groups[plugin.name] = _plugin_group(plugin)
            app.cli.add_command(groups[plugin.name])
        groups[plugin.name].add_command(command)
