"""Registering plugin routes at start-up, and hiding those of disabled plugins."""

from flask import Blueprint, Flask, abort, has_request_context, request

from host.plugins.base import Plugin
from host.plugins.dispatch import collect_items
from host.plugins.manager import current_plugin_host
from host.plugins.registry import is_enabled
from host.plugins.settings_page import settings_endpoint_problem


def _owner_of_request() -> str | None:
    """The name of the plugin whose blueprint serves the current request, if any."""
    if not has_request_context() or not request.blueprints:
        return None
    return current_plugin_host().blueprint_owners.get(request.blueprints[-1])


def _only_while_enabled() -> None:
    """One guard on the application for every plugin's routes, by the blueprint's owner.

    Kept on the application rather than on each blueprint, so a plugin's blueprint is
    left as the plugin made it and a module-level one can serve several applications.
    """
    owner = _owner_of_request()
    if owner is not None and not is_enabled(owner):
        abort(404)


def current_plugin() -> Plugin:
    """The plugin whose blueprint serves the current request.

    A module-level blueprint is shared by every application that registers it, so its
    views find their plugin object here, in the application serving the request.
    """
    owner = _owner_of_request()
    plugin = current_plugin_host().get(owner) if owner is not None else None
    if plugin is None:
        raise LookupError("current_plugin() is for a plugin's views; no plugin's blueprint serves this request")
    return plugin


def _blueprint_problem(app: Flask, plugin_name: str, blueprints: list[Blueprint]) -> str | None:
    """Why these blueprints cannot be registered for the plugin, or None if they can."""
    names = [blueprint.name for blueprint in blueprints]
    for name in names:
        if name != plugin_name and not name.startswith(f"{plugin_name}_"):
            return f"blueprint {name!r} is not named after the plugin (use {plugin_name!r} or {plugin_name}_…)"
        if name in app.blueprints or names.count(name) > 1:
            return f"blueprint {name!r} is registered already"
    return None


def register_plugin_blueprints(app: Flask) -> None:
    """Register every installed plugin's blueprints, each guarded by its enabled flag.

    Flask allows no new routes once it has served a request, so all are registered
    now; a disabled plugin's routes answer 404 until it is enabled. A plugin with a
    blueprint not named after it (its name, or its name and ``_``) or whose name is taken
    is marked broken with none of its blueprints registered, so plugins cannot take each
    other's endpoints and one mistake does not stop the site.
    A plugin's own settings page is linked only once found among its routes.
    """
    host = current_plugin_host()
    by_plugin: dict[str, list[Blueprint]] = {name: [] for name in host.plugins}
    for plugin, blueprint in collect_items("plugin_blueprints", Blueprint, enabled_only=False):
        by_plugin[plugin.name].append(blueprint)
    registered: dict[str, set[str]] = {}
    for name, blueprints in by_plugin.items():
        problem = _blueprint_problem(app, name, blueprints)
        if problem:
            host.mark_broken(name, f"plugin_blueprints: {problem}")
            continue
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
            host.blueprint_owners[blueprint.name] = name
        registered[name] = {blueprint.name for blueprint in blueprints}
    app.before_request(_only_while_enabled)
    for name, plugin in host.plugins.items():
        problem = settings_endpoint_problem(app, plugin, registered[name])
        if problem:
            host.startup_errors[name] = problem
        elif plugin.settings_endpoint:
            host.settings_endpoints[name] = plugin.settings_endpoint
