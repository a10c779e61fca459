"""The sync queue's per-application state: its settings, engine and handlers."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import TYPE_CHECKING

from flask import Flask, current_app

from host.plugins.dispatch import collect
from host.sync.handlers import SyncHandler
from host.sync.settings import SyncSettings

if TYPE_CHECKING:
    from host.sync.engines import Engine

EXTENSION_KEY = "plughost_sync"

#: Handlers by (plugin name, kind).
HandlerTable = Mapping[tuple[str, str], SyncHandler]


@dataclass
class SyncRuntime:
    settings: SyncSettings
    engine: "Engine"
    _handlers: HandlerTable | None = None
    _handlers_lock: Lock = field(default_factory=Lock)

    def handlers(self) -> HandlerTable:
        """Every installed plugin's handlers, asked for once per application.

        Asked lazily, inside an application context, because a plugin that raises is
        recorded in the database, which may not exist yet while the app is built.
        """
        with self._handlers_lock:
            if self._handlers is None:
                self._handlers = {
                    (plugin.name, kind): handler
                    for plugin, handlers in collect("sync_handlers", enabled_only=False)
                    for kind, handler in handlers.items()
                }
            return self._handlers


def sync_runtime(app: Flask | None = None) -> SyncRuntime:
    """The queue state of ``app``, or of the current application."""
    return (app or current_app).extensions[EXTENSION_KEY]
