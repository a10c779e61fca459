"""Registering plugin routes at start-up, and hiding those of disabled plugins."""

from flask import Blueprint, Flask, abort

from host.plugins.dispatch import collect
from host.plugins.registry import is_enabled


def _only_while_enabled(plugin_name: str):
    def guard() -> None:
        if not is_enabled(plugin_name):
            abort(404)

    return guard


def register_plugin_blueprints(app: Flask) -> None:
    """Register every installed plugin's blueprints, each guarded by its enabled flag.

    Flask allows no new routes once it has served a request, so all are registered
    now; a disabled plugin's routes answer 404 until it is enabled.
    """
    for plugin, blueprints in collect("plugin_blueprints", enabled_only=False):
        for blueprint in blueprints:
            if not isinstance(blueprint, Blueprint) or not blueprint.name.startswith(plugin.name):
                raise ValueError(f"plugin {plugin.name!r} returned a blueprint not named after it")
            blueprint.before_request(_only_while_enabled(plugin.name))
            app.register_blueprint(blueprint)
