"""Putting records on the queue, in the transaction of the change that caused it.

Entries are written with the caller's ``db.session``: they commit with the change or
roll back with it (a transactional outbox). The engine is woken only after the
commit, so a worker never looks for an entry that is not visible yet.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from flask import has_app_context
from sqlalchemy import case, event
from sqlalchemy.orm import Session, SessionTransaction

from host.extensions import db
from host.plugins import Plugin
from host.sync.models import EntryState, SyncEntry
from host.sync.runtime import sync_runtime
from host.sync.upsert import insert_for
from host.timestamps import utcnow

#: Session flag: this transaction changed the queue, so wake the engine on commit.
_WAKE_ON_COMMIT = "plughost_sync_wake"


def plugin_name(plugin: Plugin | str) -> str:
    return plugin if isinstance(plugin, str) else plugin.name


def wake_after_commit() -> None:
    """Have the engine look for work once the current transaction commits."""
    db.session.info[_WAKE_ON_COMMIT] = True


@event.listens_for(Session, "after_commit")
def _wake_engine(session: Session) -> None:
    # SQLAlchemy reports a savepoint's release (a plugin's hook ending) as a commit
    # too; only the outermost commit makes the entries visible to the workers.
    if session.in_nested_transaction():
        return
    if session.info.pop(_WAKE_ON_COMMIT, False) and has_app_context():
        sync_runtime().engine.signal()


@event.listens_for(Session, "after_soft_rollback")
def _forget_wake(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only when the whole transaction is undone: a savepoint's rollback (a plugin's
    # failed hook) leaves the rest of the transaction's entries to commit.
    if previous_transaction.parent is None:
        session.info.pop(_WAKE_ON_COMMIT, None)


def _coalescing_insert(session: Session | None = None) -> Any:
    """An INSERT that, for a record already queued, updates its row instead.

    A waiting entry takes the new payload. An entry in flight keeps going with the
    state its handler already read, and is marked to be delivered once more after,
    so the latest state always arrives last. A dead entry comes back to life: the
    record changed, so the new state deserves a fresh set of attempts.
    """
    insert = insert_for(SyncEntry, session)
    in_flight = SyncEntry.state == EntryState.IN_FLIGHT
    dead = SyncEntry.state == EntryState.DEAD
    return insert.on_conflict_do_update(
        index_elements=[SyncEntry.plugin, SyncEntry.kind, SyncEntry.record_id],
        set_={
            "payload": insert.excluded.payload,
            "state": case((in_flight, EntryState.IN_FLIGHT.value), else_=EntryState.PENDING.value),
            "changed_in_flight": in_flight,
            "attempts": case((dead, 0), else_=SyncEntry.attempts),
            "not_before": case((dead, insert.excluded.not_before), else_=SyncEntry.not_before),
            "last_error": case((dead, None), else_=SyncEntry.last_error),
            "updated_at": insert.excluded.updated_at,
        },
    )


def _row(plugin: str, kind: str, record_id: str, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "plugin": plugin,
        "kind": kind,
        "record_id": record_id,
        "payload": dict(payload) if payload is not None else None,
        "state": EntryState.PENDING.value,
        "attempts": 0,
        "not_before": now,
        "changed_in_flight": False,
        "enqueued_at": now,
        "updated_at": now,
    }


def enqueue(plugin: Plugin | str, kind: str, record_id: str, payload: Mapping[str, Any] | None = None) -> None:
    """Queue ``record_id`` of ``kind`` for delivery by ``plugin``'s handler.

    Call it from a hook, in the transaction of the change: the entry commits or rolls
    back with it, and the engine is woken after the commit. Entries for one record
    coalesce while they wait; the handler reads the record's state when it delivers.

    :param payload: a small JSON object for what the handler cannot read any more
        (e.g. the fields of a deleted record); the newest one wins.
    """
    db.session.execute(_coalescing_insert(), [_row(plugin_name(plugin), kind, str(record_id), payload)])
    wake_after_commit()


def enqueue_many(plugin: Plugin | str, kind: str, record_ids: Iterable[str], *, session: Session) -> None:
    """Queue many records of one kind with one bulk insert (a backfill chunk).

    The engine is not woken: workers find the entries on their next regular look, so
    a backfill run from the command line starts no worker of its own.
    """
    name = plugin_name(plugin)
    rows = [_row(name, kind, str(record_id), None) for record_id in record_ids]
    if rows:
        session.execute(_coalescing_insert(session), rows)
