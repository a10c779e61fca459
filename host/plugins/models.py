"""Tables of the plugin system: which plugins are enabled, and their stored values."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from host.extensions import Model


class PluginState(Model):
    """Whether an installed plugin is enabled, and the last error it raised."""

    __tablename__ = "plugin_states"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why the last activation failed, or the last error a hook raised.
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PluginRegistryVersion(Model):
    """A counter bumped whenever any plugin is enabled or disabled.

    Every process compares it with the version it last loaded, one indexed read, to
    see enable/disable changes made by other processes without a restart.
    """

    __tablename__ = "plugin_registry_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class PluginSettings(Model):
    """A plugin's settings, as one JSON document; secret values are encrypted."""

    __tablename__ = "plugin_settings"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PluginData(Model):
    """A plugin's own state that is not a setting (connection details, caches)."""

    __tablename__ = "plugin_data"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
