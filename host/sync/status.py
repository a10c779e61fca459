"""What the queue can tell about a record, and whether it has work left."""

import time
from collections.abc import Iterable
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


def _status(entry: SyncEntry | None, result: SyncResult | None) -> RecordStatus | None:
    """What the queue's entry (work left) and last result (work done) say together."""
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


def record_statuses(plugin: Plugin | str, kind: str, record_ids: Iterable[str]) -> dict[str, RecordStatus]:
    """The sync state of many records in two queries, by record id; records never queued are left out."""
    name, wanted = plugin_name(plugin), [str(record_id) for record_id in record_ids]
    if not wanted:
        return {}
    entries = {
        entry.record_id: entry
        for entry in db.session.scalars(
            select(SyncEntry).where(SyncEntry.plugin == name, SyncEntry.kind == kind, SyncEntry.record_id.in_(wanted))
        )
    }
    results = {
        result.record_id: result
        for result in db.session.scalars(
            select(SyncResult).where(
                SyncResult.plugin == name, SyncResult.kind == kind, SyncResult.record_id.in_(wanted)
            )
        )
    }
    statuses = {record_id: _status(entries.get(record_id), results.get(record_id)) for record_id in wanted}
    return {record_id: status for record_id, status in statuses.items() if status is not None}


def record_status(plugin: Plugin | str, kind: str, record_id: str) -> RecordStatus | None:
    """The record's last sync result, or None if it was never queued."""
    return record_statuses(plugin, kind, [str(record_id)]).get(str(record_id))


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
