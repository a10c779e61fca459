"""The sync queue: durable, batched delivery of record changes to other systems.

Plugins put records on the queue from their hooks with :func:`enqueue`, in the
transaction of the change; workers hand them in batches to the handlers the plugins
return from the ``sync_handlers`` hook (see :mod:`host.sync.handlers`). The queue
knows nothing of where records go.
"""

from flask import Flask

from host.sync import (
    models,  # noqa: F401  (registers the tables with the metadata)
    views,
)
from host.sync.deadletters import discard, retry
from host.sync.engines import create_engine
from host.sync.outbox import enqueue
from host.sync.pauses import is_paused, pause, pause_reason, resume
from host.sync.runtime import EXTENSION_KEY, SyncRuntime, sync_runtime
from host.sync.settings import SyncSettings, apply_defaults
from host.sync.status import RecordStatus, record_status, record_statuses, wait_until_drained

__all__ = [
    "RecordStatus",
    "discard",
    "enqueue",
    "init_app",
    "is_paused",
    "pause",
    "pause_reason",
    "record_status",
    "record_statuses",
    "resume",
    "retry",
    "stop",
    "wait_until_drained",
]


def init_app(app: Flask) -> None:
    """Start the sync engine chosen by configuration."""
    apply_defaults(app)
    app.extensions[EXTENSION_KEY] = SyncRuntime(SyncSettings.of(app), create_engine(app))
    views.init_app(app)


def stop(app: Flask, timeout: float = 10.0) -> None:
    """Stop delivering in this process (a batch in flight is finished first)."""
    sync_runtime(app).engine.stop(timeout)
