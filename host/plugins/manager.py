"""Discovery: finding installed plugins and registering them with pluggy."""

import inspect
import logging
from collections.abc import Callable, Iterable
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


def _read_every_attribute(plugin: Plugin) -> None:
    """Read each public attribute once, so a property that raises fails here, not mid-request."""
    for attribute in dir(plugin):
        if not attribute.startswith("_"):
            getattr(plugin, attribute)


def _required_parameters(function: Callable[..., object]) -> list[str]:
    """The parameters a call must supply, as pluggy passes them: by name, those without a default."""
    return [
        parameter.name
        for parameter in inspect.signature(function).parameters.values()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]


def _check_hookimpls(pm: pluggy.PluginManager, plugin: Plugin) -> None:
    """Refuse a plugin whose hook implementations pluggy would misplace or the host cannot call.

    Checked here rather than left to ``pm.register``, whose checks differ between pluggy
    releases: every implementation must name a known hook, ask only for arguments the hook
    gives, and be a plain implementation (the host calls each one on its own, isolated, so
    wrappers around the others have nothing to wrap).
    """
    for attribute in dir(plugin):
        options = pm.parse_hookimpl_opts(plugin, attribute)
        if options is None:
            continue
        hook_name = options.get("specname") or attribute
        caller = getattr(pm.hook, hook_name, None)
        if caller is None or caller.spec is None:
            # An optional hook (``@hookimpl(optionalhook=True)``) implements a hook of
            # another plugin that may be absent; any other hook without a spec is a typo.
            if options.get("optionalhook"):
                continue
            raise pluggy.PluginValidationError(plugin, f"no hook is named {hook_name!r}")
        if options.get("wrapper") or options.get("hookwrapper"):
            raise pluggy.PluginValidationError(
                plugin, f"{hook_name}: hook wrappers are not supported; implement the hook plainly"
            )
        offered = set(caller.spec.argnames)
        unknown = [name for name in _required_parameters(getattr(plugin, attribute)) if name not in offered]
        if unknown:
            raise pluggy.PluginValidationError(
                plugin,
                f"{hook_name} asks for {', '.join(map(repr, unknown))}, which the hook does not give "
                f"(it gives {', '.join(caller.spec.argnames) or 'nothing'})",
            )


class PluginHost:
    """The installed plugins of one application, registered with one PluginManager.

    Registering reads every attribute of a plugin and checks its hooks against the
    specs; a plugin that fails there (a property that raises, a hook with a wrong
    signature or a misspelt name, a hook wrapper, a name already taken) is listed as
    broken, with its error, and the site starts without it.
    """

    def __init__(self, plugins: Iterable[Plugin], broken: Iterable[BrokenPlugin] = ()) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = {}
        self.broken = list(broken)
        plugins = [plugin for plugin in plugins if self._add_hookspecs(plugin)]
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
        #: The plugin each registered plugin blueprint belongs to, by blueprint name.
        self.blueprint_owners: dict[str, str] = {}

    def _add_hookspecs(self, plugin: Plugin) -> bool:
        """Add the hooks a plugin defines for others, before any plugin is registered.

        All specs come first so that a plugin implementing another's hook registers
        whichever of the two is found first. A plugin whose specs fail is broken.
        """
        try:
            specs = getattr(plugin, "hookspecs", None)
            if specs is not None:
                self.pm.add_hookspecs(specs)
        except Exception as error:  # a third-party plugin can fail in any way
            log.exception("plugin %s failed to add its hook specifications", _label(plugin))
            self.broken.append(BrokenPlugin(_label(plugin), f"failed to add its hooks: {error}"))
            return False
        return True

    def _register(self, plugin: Plugin) -> None:
        name, title = getattr(plugin, "name", None), getattr(plugin, "title", None)
        if not (isinstance(name, str) and name and isinstance(title, str)):
            raise TypeError(f"{type(plugin).__name__} needs a name and a title")
        if name in self.plugins or self.pm.has_plugin(name):
            raise ValueError(f"another installed plugin is named {name!r}")
        _read_every_attribute(plugin)
        _check_hookimpls(self.pm, plugin)
        try:
            self.pm.register(plugin, name=name)
        except Exception:
            # pluggy may have added some of the plugin's hooks before it failed.
            if self.pm.has_plugin(name):
                self.pm.unregister(name=name)
            raise
        self.plugins[name] = plugin

    def get(self, name: str) -> Plugin | None:
        return self.plugins.get(name)

    def mark_broken(self, name: str, error: str) -> None:
        """Take an installed plugin out after a failure at start-up: its hooks stop, its card says why."""
        log.error("plugin %s is broken: %s", name, error)
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)
        self.plugins.pop(name, None)
        self.broken.append(BrokenPlugin(name, error))


def current_plugin_host() -> PluginHost:
    """The plugin host of the current application."""
    return current_app.extensions["plughost"]


def is_installed(name: str) -> bool:
    """Whether the plugin ``name`` is installed on this site (enabled or not), so a
    plugin can offer what only works beside another one."""
    return current_plugin_host().get(name) is not None
