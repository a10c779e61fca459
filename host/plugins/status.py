"""A plugin's status for its Marketplace card, from the host's knowledge and its own.

The host knows whether the plugin is enabled, the last error it raised, and whether
its required settings are filled in (an enabled plugin missing one "needs setup"); the plugin adds what only it knows (connected,
needs reauthorization) through the ``plugin_status`` hook. The host's knowledge
comes first: a plugin that raises cannot claim to be fine.
"""

from host.contributions import PluginStatus, StatusKind
from host.extensions import db
from host.plugins.base import Plugin
from host.plugins.dispatch import collect, report_failure
from host.plugins.manager import current_plugin_host
from host.plugins.models import PluginState
from host.plugins.registry import enabled_names
from host.plugins.settings_page import settings_url


def _reported_statuses() -> dict[str, PluginStatus]:
    reported = {}
    for plugin, status in collect("plugin_status"):
        if isinstance(status, PluginStatus):
            reported[plugin.name] = status
        else:
            report_failure(
                plugin, "plugin_status", TypeError(f"returned a {type(status).__name__}, not a PluginStatus")
            )
    return reported


def _status(plugin: Plugin, enabled: bool, reported: PluginStatus | None) -> PluginStatus:
    startup_error = current_plugin_host().startup_errors.get(plugin.name)
    state = db.session.get(PluginState, plugin.name)
    last_error = state.last_error if state else None
    missing = ", ".join(setting.label for setting in plugin.settings.missing_required())
    if startup_error:
        return PluginStatus(StatusKind.ERROR, f"Failed while the site started: {startup_error}")
    if not enabled:
        if last_error:
            return PluginStatus(StatusKind.DISABLED, f"Last error: {last_error}")
        return PluginStatus(StatusKind.DISABLED, "Not in use.")
    if last_error:
        return PluginStatus(StatusKind.ERROR, last_error)
    if missing:
        return PluginStatus(
            StatusKind.NEEDS_SETUP,
            f"Fill in its settings: {missing}.",
            settings_url(plugin, enabled=True),
            "Open the settings",
        )
    return reported or PluginStatus(StatusKind.ENABLED, "Running.")


def plugin_statuses() -> dict[str, PluginStatus]:
    """The status of every installed plugin, by name."""
    reported = _reported_statuses()
    enabled = enabled_names()
    return {
        name: _status(plugin, name in enabled, reported.get(name))
        for name, plugin in current_plugin_host().plugins.items()
    }
