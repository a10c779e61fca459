"""The plugin object: what a plugin package's entry point points at."""

import os
from functools import cached_property
from importlib import metadata
from types import ModuleType
from typing import ClassVar

import pluggy

from host.hookspecs import PROJECT_NAME
from host.plugins.settings import PluginStore, SettingField, SettingsProxy

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class ActivationError(Exception):
    """Raised by :meth:`Plugin.activate` to refuse being enabled; the message is shown."""


class Plugin:
    """Base class of every plugin.

    A plugin package exposes one instance of a subclass through the entry-point group
    ``plughost.plugins``. The instance carries the plugin's metadata and settings and
    its ``@hookimpl`` methods; the host registers it with pluggy under :attr:`name`.
    """

    #: Unique slug: the pluggy name, the settings key and the URL segment.
    name: ClassVar[str]
    #: Shown on the Marketplace card.
    title: ClassVar[str]
    description: ClassVar[str] = ""
    author: ClassVar[str] = ""
    #: The installed distribution the version is read from.
    distribution: ClassVar[str | None] = None
    #: The plugin's settings; the host builds the settings form from them.
    settings_fields: ClassVar[tuple[SettingField, ...]] = ()
    #: The endpoint of the plugin's own settings page (one of its blueprints' routes,
    #: without URL parameters), for a page that shows more than the host's form; the
    #: Marketplace card and the admin menu link to it while the plugin is enabled.
    settings_endpoint: ClassVar[str | None] = None
    #: Hooks the plugin defines for other plugins: a module (or class) of functions
    #: marked with :data:`host.plugins.hookspec`, added to the host's before any plugin
    #: registers. The plugin fires them with :func:`host.plugins.dispatch.notify` (events)
    #: or :func:`host.plugins.dispatch.collect` (contributions), as the host fires its own.
    hookspecs: ClassVar[ModuleType | type | None] = None
    #: The folder of the plugin's Alembic revisions, for tables of its own (declared on
    #: ``db.Model``, named after the plugin, ``__table_args__ = {"info": {"plugin": name}}``),
    #: e.g. ``Path(__file__).parent / "migrations"``. They form a history of their own,
    #: applied after the host's for every installed plugin, enabled or not.
    migrations: ClassVar[str | os.PathLike[str] | None] = None

    @cached_property
    def version(self) -> str:
        """The version of the distribution that ships the plugin."""
        if self.distribution is None:
            return "unknown"
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return "unknown"

    @cached_property
    def settings(self) -> SettingsProxy:
        """The plugin's settings, read and written through a strict accessor."""
        return SettingsProxy(self.name, self.settings_fields)

    @cached_property
    def store(self) -> PluginStore:
        """The plugin's own key-value state."""
        return PluginStore(self.name)

    def activate(self) -> None:
        """Called when an admin enables the plugin, inside the enabling transaction.

        Raise :class:`ActivationError` to refuse; the plugin then stays disabled and
        the Marketplace shows the message. Any other exception is refused the same way.
        """

    def deactivate(self) -> None:
        """Called when an admin disables the plugin; stored settings are kept."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
