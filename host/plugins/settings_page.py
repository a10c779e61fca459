"""Where a plugin's settings are edited: its own page, or the host's generated form.

A plugin's routes answer 404 while it is disabled, so its own page is linked only
while it is enabled; before that the host's form stands in, so an owner can set a
plugin up before enabling it.
"""

from flask import Flask, url_for

from host.plugins.base import Plugin
from host.plugins.manager import current_plugin_host


def settings_url(plugin: Plugin, *, enabled: bool) -> str | None:
    """The page where an admin edits the plugin's settings; None when it has none."""
    own = current_plugin_host().settings_endpoints.get(plugin.name)
    if enabled and own:
        return url_for(own)
    if plugin.settings_fields:
        return url_for("admin_plugin_settings.edit", name=plugin.name)
    return None


def settings_endpoint_problem(app: Flask, plugin: Plugin, blueprint_names: set[str]) -> str | None:
    """Why the plugin's ``settings_endpoint`` cannot be linked to, if it cannot."""
    endpoint = plugin.settings_endpoint
    if endpoint is None:
        return None
    if endpoint not in app.view_functions or endpoint.rpartition(".")[0] not in blueprint_names:
        return f"settings_endpoint {endpoint!r} is not a route of the plugin's blueprints"
    if not any(not rule.arguments for rule in app.url_map.iter_rules(endpoint)):
        return f"settings_endpoint {endpoint!r} needs URL parameters"
    return None
