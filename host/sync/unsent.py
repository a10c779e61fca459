"""Records a plugin has never sent: counted for the Sync page, queued by its Send button.

A record counts as sent once the queue holds a result for it (delivered or failed), and
as on its way while an entry for it waits. A handler whose ids are one SQL query
(:class:`~host.sync.handlers.SelectsRecordIds`) is counted by an anti-join in the
database; any other has its ids read and compared here. The rest existed before the plugin was
connected, or came while it was disabled: the owner sends them from the page, through
the queue, as ``plughost sync backfill`` would.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from more_itertools import chunked
from sqlalchemy import Select, func, select

from host.extensions import db
from host.sync.backfill import DEFAULT_CHUNK_SIZE
from host.sync.handlers import BackfillSource, SelectsRecordIds
from host.sync.models import EntryState, SyncEntry, SyncResult
from host.sync.outbox import enqueue_many, wake_after_commit
from host.sync.runtime import sync_runtime


@dataclass(frozen=True)
class UnsentRecords:
    """One kind of a plugin's records, by where they stand."""

    plugin: str
    kind: str
    total: int
    never_sent: int
    waiting: int

    @property
    def arrived(self) -> int:
        return self.total - self.never_sent - self.waiting

    def count_of(self, number: int) -> str:
        """``3 users``, ``1 user``: the kind is the record's name."""
        return f"{number:,} {self.kind}{'' if number == 1 else 's'}"


def _sources(plugin: str) -> Iterator[tuple[str, BackfillSource]]:
    for (name, kind), handler in sorted(sync_runtime().handlers().items()):
        if name == plugin and isinstance(handler, BackfillSource):
            yield kind, handler


def _waiting(plugin: str, kind: str) -> Select[str]:
    return select(SyncEntry.record_id).where(
        SyncEntry.plugin == plugin, SyncEntry.kind == kind, SyncEntry.state != EntryState.DEAD
    )


def _known(plugin: str, kind: str) -> Select[str]:
    return select(SyncResult.record_id).where(SyncResult.plugin == plugin, SyncResult.kind == kind)


def _never_sent_select(plugin: str, kind: str, source: SelectsRecordIds) -> Select[str]:
    """The ids with neither a result nor a waiting entry, as one anti-join."""
    ids = source.record_id_select().subquery()
    record_id = ids.c[0]
    return select(record_id).where(
        record_id.not_in(_known(plugin, kind).scalar_subquery()),
        record_id.not_in(_waiting(plugin, kind).scalar_subquery()),
    )


def _never_sent(plugin: str, kind: str, source: BackfillSource) -> Iterator[str]:
    if isinstance(source, SelectsRecordIds):
        query = _never_sent_select(plugin, kind, source).execution_options(yield_per=DEFAULT_CHUNK_SIZE)
        return iter(db.session.scalars(query))
    known = set(db.session.scalars(_known(plugin, kind))) | set(db.session.scalars(_waiting(plugin, kind)))
    return (record_id for record_id in source.record_ids() if record_id not in known)


def _counts(plugin: str, kind: str, source: BackfillSource) -> tuple[int, int]:
    """How many records were never sent, and how many are on their way.

    An entry waiting for a record deleted meanwhile is not on its way.
    """
    if isinstance(source, SelectsRecordIds):
        never = _never_sent_select(plugin, kind, source).subquery()
        ids = source.record_id_select().scalar_subquery()
        waiting = _waiting(plugin, kind).where(SyncEntry.record_id.in_(ids)).subquery()
        count = select(func.count())
        return (db.session.scalar(count.select_from(never)) or 0, db.session.scalar(count.select_from(waiting)) or 0)
    listed = set(source.record_ids())
    waiting_ids = set(db.session.scalars(_waiting(plugin, kind)))
    known = set(db.session.scalars(_known(plugin, kind)))
    return len(listed - known - waiting_ids), len(listed & waiting_ids)


def unsent_records(plugin: str) -> list[UnsentRecords]:
    """For each kind the plugin can list, how many records it has never sent and how many are on their way."""
    counts = []
    for kind, source in _sources(plugin):
        never, waiting = _counts(plugin, kind, source)
        counts.append(UnsentRecords(plugin, kind, source.record_count(), never, waiting))
    return counts


def send_unsent(plugin: str, kind: str) -> int:
    """Queue every record of ``kind`` the plugin has never sent, in the current transaction; how many."""
    source = dict(_sources(plugin)).get(kind)
    if source is None:
        return 0
    ids = list(_never_sent(plugin, kind, source))
    for chunk in chunked(ids, DEFAULT_CHUNK_SIZE):
        enqueue_many(plugin, kind, chunk, session=db.session())
    wake_after_commit()
    return len(ids)
