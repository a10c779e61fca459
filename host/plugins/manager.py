"""Discovery: finding installed plugins and registering them with pluggy."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from threading import Lock

import pluggy
from flask import current_app

from host import hookspecs
from host.plugins.base import Plugin

ENTRY_POINT_GROUP = "plughost.plugins"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokenPlugin:
    """An installed entry point that could not be loaded; listed so admins see it."""

    name: str
    error: str


def discover_plugins() -> tuple[list[Plugin], list[BrokenPlugin]]:
    """Load every plugin installed under the ``plughost.plugins`` entry-point group.

    A package that fails to import, or whose entry point is not a :class:`Plugin`,
    is reported rather than allowed to stop the site from starting.
    """
    plugins: list[Plugin] = []
    broken: list[BrokenPlugin] = []
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry_point.load()
        except Exception as error:  # a third-party import can fail in any way
            log.exception("plugin %s failed to load", entry_point.name)
            broken.append(BrokenPlugin(entry_point.name, f"failed to load: {error}"))
            continue
        if not isinstance(loaded, Plugin):
            broken.append(BrokenPlugin(entry_point.name, f"{entry_point.value} is not a plughost Plugin"))
            continue
        plugins.append(loaded)
    return plugins, broken


@dataclass
class EnabledCache:
    """The enabled set a process last read, and the registry version it read it at."""

    version: int = -1
    names: frozenset[str] = frozenset()
    lock: Lock = field(default_factory=Lock)


class PluginHost:
    """The installed plugins of one application, registered with one PluginManager."""

    def __init__(self, plugins: Iterable[Plugin], broken: Iterable[BrokenPlugin] = ()) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = {}
        for plugin in plugins:
            if plugin.name in self.plugins:
                raise ValueError(f"two installed plugins are named {plugin.name!r}")
            self.pm.register(plugin, name=plugin.name)
            self.plugins[plugin.name] = plugin
        # A hookimpl whose name matches no spec (a typo) fails here, loudly.
        self.pm.check_pending()
        self.broken = list(broken)
        self.enabled_cache = EnabledCache()
        #: Errors plugins raised in start-up hooks in this process, by plugin name.
        self.startup_errors: dict[str, str] = {}
        #: Each plugin's own settings page, by plugin name, once found among its routes.
        self.settings_endpoints: dict[str, str] = {}

    def get(self, name: str) -> Plugin | None:
        return self.plugins.get(name)


def current_plugin_host() -> PluginHost:
    """The plugin host of the current application."""
    return current_app.extensions["plughost"]
