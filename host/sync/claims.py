"""Claiming due entries, so that no two workers deliver the same entry at once.

A claim marks entries in flight under a random token until ``claimed_until``: a
lease. The worker renews it while its handler runs; a worker that dies stops
renewing, and once the lease lapses any worker may claim the entries again.

On PostgreSQL, ``SELECT ... FOR UPDATE SKIP LOCKED`` lets any number of workers claim
side by side, each skipping the rows another is claiming; elsewhere a claim is one
UPDATE, which the database runs as one writer's.
"""

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from more_itertools import chunked
from sqlalchemy import ColumnElement, Select, Update, and_, func, or_, select, update
from sqlalchemy.engine import CursorResult

from host.database import VALUES_PER_STATEMENT
from host.extensions import db
from host.sync.handlers import Entry
from host.sync.models import EntryState, SyncEntry
from host.sync.upsert import dialect_name
from host.timestamps import as_utc, utcnow


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction of its own on ``db.session``, committed on success.

    The session's current transaction, which must hold nothing uncommitted, is ended first.
    """
    db.session.commit()
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def is_due(now: datetime) -> ColumnElement[bool]:
    """Entries a worker may claim now: waiting and due, or in flight on a lapsed lease."""
    return or_(
        and_(SyncEntry.state == EntryState.PENDING, SyncEntry.not_before <= now),
        and_(SyncEntry.state == EntryState.IN_FLIGHT, SyncEntry.claimed_until < now),
    )


def due_queues() -> list[tuple[str, str]]:
    """The (plugin, kind) pairs that have entries to claim now."""
    query = select(SyncEntry.plugin, SyncEntry.kind).where(is_due(utcnow())).group_by(SyncEntry.plugin, SyncEntry.kind)
    return [(plugin, kind) for plugin, kind in db.session.execute(query)]


def next_due_by_queue() -> dict[tuple[str, str], datetime]:
    """For each (plugin, kind) with entries waiting or in flight, when one is next claimable."""
    waiting = (
        select(SyncEntry.plugin, SyncEntry.kind, func.min(SyncEntry.not_before))
        .where(SyncEntry.state == EntryState.PENDING)
        .group_by(SyncEntry.plugin, SyncEntry.kind)
    )
    lapsing = (
        select(SyncEntry.plugin, SyncEntry.kind, func.min(SyncEntry.claimed_until))
        .where(SyncEntry.state == EntryState.IN_FLIGHT)
        .group_by(SyncEntry.plugin, SyncEntry.kind)
    )
    soonest: dict[tuple[str, str], datetime] = {}
    for plugin, kind, moment in [*db.session.execute(waiting), *db.session.execute(lapsing)]:
        queue = (plugin, kind)
        if moment is not None and (queue not in soonest or as_utc(moment) < soonest[queue]):
            soonest[queue] = as_utc(moment)
    return soonest


def batch_ready(plugin: str, kind: str, batch_size: int, wait_seconds: float, now: datetime) -> datetime | None:
    """When a queue that fills its batches may be claimed: ``now`` if a full batch is due
    or its oldest due entry has waited ``wait_seconds``, else the moment that entry will have."""
    due = select(SyncEntry.not_before).where(SyncEntry.plugin == plugin, SyncEntry.kind == kind, is_due(now))
    count = db.session.scalar(select(func.count()).select_from(due.limit(batch_size).subquery())) or 0
    oldest = db.session.scalar(select(func.min(due.subquery().c.not_before)))
    if oldest is None:
        return None
    ready_at = as_utc(oldest) + timedelta(seconds=wait_seconds)
    return now if count >= batch_size or ready_at <= now else ready_at


@dataclass(frozen=True)
class Claim:
    """Entries one worker holds, and the token that proves it."""

    token: str
    entries: Sequence[Entry]

    @property
    def entry_ids(self) -> list[int]:
        return [entry.id for entry in self.entries]


@dataclass(frozen=True)
class StreamedClaim:
    """Entries one worker holds, read from the database a chunk at a time instead of held.

    Implements :class:`host.sync.handlers.ClaimedEntries`.
    """

    plugin: str
    kind: str
    token: str
    count: int
    chunk_size: int

    def __iter__(self) -> Iterator[Entry]:
        after = 0
        while True:
            rows = db.session.execute(
                _held(self.token).where(SyncEntry.id > after).order_by(SyncEntry.id).limit(self.chunk_size)
            ).all()
            yield from (self._entry(row) for row in rows)
            if len(rows) < self.chunk_size:
                return
            after = rows[-1].id

    def entries_for(self, record_ids: Iterable[str]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for chunk in chunked(record_ids, VALUES_PER_STATEMENT):
            rows = db.session.execute(_held(self.token).where(SyncEntry.record_id.in_(chunk)))
            found.update({row.record_id: self._entry(row) for row in rows})
        return found

    def entries(self, entry_ids: Iterable[int]) -> list[Entry]:
        """The held entries among ``entry_ids``, by id."""
        found: list[Entry] = []
        for chunk in chunked(entry_ids, VALUES_PER_STATEMENT):
            rows = db.session.execute(_held(self.token).where(SyncEntry.id.in_(chunk)).order_by(SyncEntry.id))
            found.extend(self._entry(row) for row in rows)
        return found

    def _entry(self, row: Any) -> Entry:
        return Entry(row.id, self.plugin, self.kind, row.record_id, row.payload, row.attempts)


_ENTRY_COLUMNS = (SyncEntry.id, SyncEntry.record_id, SyncEntry.payload, SyncEntry.attempts)


def _held(token: str) -> Select[Any]:
    return select(*_ENTRY_COLUMNS).where(SyncEntry.claim_token == token)


def _take_due(plugin: str, kind: str, limit: int, lease_seconds: float, token: str) -> Update:
    """The UPDATE that marks up to ``limit`` due entries of a queue in flight under ``token``."""
    now = utcnow()
    due = (
        select(SyncEntry.id)
        .where(SyncEntry.plugin == plugin, SyncEntry.kind == kind, is_due(now))
        .order_by(SyncEntry.not_before, SyncEntry.id)
        .limit(limit)
    )
    if dialect_name() == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (
        update(SyncEntry)
        .where(SyncEntry.id.in_(due.scalar_subquery()))
        .values(
            state=EntryState.IN_FLIGHT,
            claim_token=token,
            claimed_until=now + timedelta(seconds=lease_seconds),
            changed_in_flight=False,
        )
        .execution_options(synchronize_session=False)
    )


def claim(plugin: str, kind: str, limit: int, lease_seconds: float) -> Claim:
    """Claim up to ``limit`` due entries of one queue, oldest first; commits.

    Whatever is due goes at once, even a single entry: nothing waits to fill a batch.
    The claim reads each entry's current payload and clears its "changed in flight"
    mark, since this delivery will carry the latest change. It is one UPDATE; on
    PostgreSQL its subquery skips rows other workers are claiming.
    """
    token = uuid.uuid4().hex
    with write_transaction():
        rows = db.session.execute(_take_due(plugin, kind, limit, lease_seconds, token).returning(*_ENTRY_COLUMNS)).all()
    entries = [Entry(row.id, plugin, kind, row.record_id, row.payload, row.attempts) for row in rows]
    return Claim(token, sorted(entries, key=lambda entry: entry.id))


def claim_streamed(plugin: str, kind: str, limit: int, lease_seconds: float, chunk_size: int) -> StreamedClaim:
    """Claim as :func:`claim` does, without reading the entries: they are read as streamed."""
    token = uuid.uuid4().hex
    with write_transaction():
        result = cast(CursorResult[Any], db.session.execute(_take_due(plugin, kind, limit, lease_seconds, token)))
    return StreamedClaim(plugin, kind, token, result.rowcount, chunk_size)


def renew(claim: Claim | StreamedClaim, lease_seconds: float) -> int:
    """Extend a live claim's lease; commits.

    :return: how many of its entries the claim still holds.
    """
    with write_transaction():
        until = utcnow() + timedelta(seconds=lease_seconds)
        held = SyncEntry.claim_token == claim.token
        if isinstance(claim, StreamedClaim):
            return _rows_updated(update(SyncEntry).where(held).values(claimed_until=until))
        return sum(
            _rows_updated(update(SyncEntry).where(SyncEntry.id.in_(ids), held).values(claimed_until=until))
            for ids in chunked(claim.entry_ids, VALUES_PER_STATEMENT)
        )


def _rows_updated(statement: Update) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount


def hold(claim: Claim) -> dict[int, bool]:
    """Lock the claim's entries that no other worker has taken over.

    Call first inside :func:`write_transaction` before settling, so a worker whose
    lease lapsed (it stalled, and another worker reclaimed its entries) changes
    nothing. It writes (an UPDATE that changes no value) to take the locks.

    :return: for each entry still held, whether its record changed while in flight.
    """
    held: dict[int, bool] = {}
    for ids in chunked(claim.entry_ids, VALUES_PER_STATEMENT):
        rows = db.session.execute(
            update(SyncEntry)
            .where(SyncEntry.id.in_(ids), SyncEntry.claim_token == claim.token)
            .values(claim_token=claim.token)
            .returning(SyncEntry.id, SyncEntry.changed_in_flight)
            .execution_options(synchronize_session=False)
        )
        held.update({entry_id: changed for entry_id, changed in rows})
    return held
