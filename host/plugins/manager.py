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
    """An installed plugin that could not be loaded or registered; listed so admins see it."""

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


def _label(plugin: Plugin) -> str:
    """The plugin's name for the Marketplace, even when reading its name fails."""
    try:
        return str(plugin.name)
    except Exception:
        return type(plugin).__name__


class PluginHost:
    """The installed plugins of one application, registered with one PluginManager.

    Registering reads every attribute of a plugin and checks its hooks against the
    specs; a plugin that fails there (a property that raises, a hook with a wrong
    signature or a misspelt name, a name already taken) is listed as broken, with
    its error, and the site starts without it.
    """

    def __init__(self, plugins: Iterable[Plugin], broken: Iterable[BrokenPlugin] = ()) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = {}
        self.broken = list(broken)
        for plugin in plugins:
            try:
                self._register(plugin)
            except Exception as error:  # a third-party plugin can fail in any way
                log.exception("plugin %s failed to register", _label(plugin))
                self.broken.append(BrokenPlugin(_label(plugin), f"failed to register: {error}"))
        self.enabled_cache = EnabledCache()
        #: Errors plugins raised in start-up hooks in this process, by plugin name.
        self.startup_errors: dict[str, str] = {}
        #: Each plugin's own settings page, by plugin name, once found among its routes.
        self.settings_endpoints: dict[str, str] = {}

    def _register(self, plugin: Plugin) -> None:
        name, title = getattr(plugin, "name", None), getattr(plugin, "title", None)
        if not (isinstance(name, str) and name and isinstance(title, str)):
            raise TypeError(f"{type(plugin).__name__} needs a name and a title")
        if name in self.plugins:
            raise ValueError(f"another installed plugin is named {name!r}")
        try:
            self.pm.register(plugin, name=name)
            unknown = [caller.name for caller in self.pm.get_hookcallers(plugin) or () if not caller.has_spec()]
            if unknown:
                raise pluggy.PluginValidationError(plugin, f"no hook is named {', '.join(map(repr, unknown))}")
        except Exception:
            # pluggy may have added some of the plugin's hooks before it failed.
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            raise
        self.plugins[name] = plugin

    def get(self, name: str) -> Plugin | None:
        return self.plugins.get(name)


def current_plugin_host() -> PluginHost:
    """The plugin host of the current application."""
    return current_app.extensions["plughost"]
