"""Registering plugin routes at start-up, and hiding those of disabled plugins."""

from collections.abc import Callable

from flask import Blueprint, Flask, abort

from host.plugins.dispatch import collect_items
from host.plugins.manager import current_plugin_host
from host.plugins.registry import is_enabled
from host.plugins.settings_page import settings_endpoint_problem


def _only_while_enabled(plugin_name: str) -> Callable[[], None]:
    def guard() -> None:
        if not is_enabled(plugin_name):
            abort(404)

    return guard


def register_plugin_blueprints(app: Flask) -> None:
    """Register every installed plugin's blueprints, each guarded by its enabled flag.

    Flask allows no new routes once it has served a request, so all are registered
    now; a disabled plugin's routes answer 404 until it is enabled. A blueprint not
    named after its plugin is refused, so plugins cannot take each other's endpoints.
    A plugin's own settings page is linked only once found among its routes.
    """
    host = current_plugin_host()
    registered: dict[str, set[str]] = {name: set() for name in host.plugins}
    for plugin, blueprint in collect_items("plugin_blueprints", Blueprint, enabled_only=False):
        if not blueprint.name.startswith(plugin.name):
            host.startup_errors[plugin.name] = (
                f"plugin_blueprints: blueprint {blueprint.name!r} is not named after the plugin"
            )
            continue
        blueprint.before_request(_only_while_enabled(plugin.name))
        app.register_blueprint(blueprint)
        registered[plugin.name].add(blueprint.name)
    for name, plugin in host.plugins.items():
        problem = settings_endpoint_problem(app, plugin, registered[name])
        if problem:
            host.startup_errors[name] = problem
        elif plugin.settings_endpoint:
            host.settings_endpoints[name] = plugin.settings_endpoint
