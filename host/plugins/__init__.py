"""The plugin system: plugin objects, their settings, discovery and dispatch."""

from host.hookspecs import hookspec
from host.plugins.base import ActivationError, Plugin, hookimpl
from host.plugins.settings import FieldKind, SettingField, SettingsValidationError

__all__ = [
    "ActivationError",
    "FieldKind",
    "Plugin",
    "SettingField",
    "SettingsValidationError",
    "hookimpl",
    "hookspec",
]
