"""What the queue can tell about a record, and whether it has work left."""

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from host.extensions import db
from host.plugins import Plugin
from host.plugins.registry import enabled_names
from host.sync.models import EntryState, ResultState, SyncEntry, SyncResult
from host.sync.outbox import plugin_name
from host.sync.pauses import active_pauses
from host.timestamps import as_utc

#: How often :func:`wait_until_drained` looks.
DRAIN_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class RecordStatus:
    """A record's sync state, for the plugin's record pages and the admin's Sync page.

    ``state`` is one of ``pending``, ``in_flight`` (queued, not tried yet or being
    sent), ``retrying`` (a transient fault; it will be tried again), ``done``,
    ``dead`` (given up; an admin can retry it) or ``discarded``.
    """

    state: str
    message: str
    #: The record's id in the other system, once any delivery reported it.
    external_id: str | None
    #: When the last delivery attempt ended; None if none has yet.
    at: datetime | None
    attempts: int


def record_status(plugin: Plugin | str, kind: str, record_id: str) -> RecordStatus | None:
    """The record's last sync result, or None if it was never queued."""
    name, record_id = plugin_name(plugin), str(record_id)
    entry = db.session.scalar(
        select(SyncEntry).where(SyncEntry.plugin == name, SyncEntry.kind == kind, SyncEntry.record_id == record_id)
    )
    result = db.session.get(SyncResult, (name, kind, record_id))
    external_id = result.external_id if result else None
    at = as_utc(result.at) if result else None
    if entry is None:
        if result is None:
            return None
        return RecordStatus(str(result.state), result.message, external_id, at, result.attempts)
    if entry.state == EntryState.DEAD:
        state = ResultState.DEAD.value
    elif entry.state == EntryState.PENDING and entry.attempts:
        state = ResultState.RETRYING.value
    else:
        state = str(entry.state)
    return RecordStatus(state, entry.last_error or "", external_id, at, entry.attempts)


def undelivered() -> int:
    """Entries that a worker will still deliver: pending or in flight, for plugins that
    are enabled and not paused."""
    deliverable = enabled_names() - set(active_pauses())
    query = (
        select(SyncEntry.plugin, func.count())
        .where(SyncEntry.state.in_([EntryState.PENDING, EntryState.IN_FLIGHT]))
        .group_by(SyncEntry.plugin)
    )
    return sum(count for plugin, count in db.session.execute(query) if plugin in deliverable)


def wait_until_drained(timeout: float = 30.0) -> None:
    """Block until no entry is waiting for delivery (dead entries, and entries of
    disabled or paused plugins, do not count), polling; for tests and scripts.

    Ends the session's transaction at each look, so it sees other processes' commits.

    :raises TimeoutError: if entries are still waiting after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        left = undelivered()
        if not left:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{left} sync entries still undelivered after {timeout} s")
        time.sleep(DRAIN_POLL_SECONDS)
