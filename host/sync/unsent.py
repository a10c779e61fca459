"""Records a plugin has never sent: counted for the Sync page, queued by its Send button.

A record counts as sent once the queue holds a result for it (delivered or failed), and
as on its way while an entry for it waits. The rest existed before the plugin was
connected, or came while it was disabled: the owner sends them from the page, through
the queue, as ``plughost sync backfill`` would.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from more_itertools import chunked
from sqlalchemy import Select, select

from host.extensions import db
from host.sync.backfill import DEFAULT_CHUNK_SIZE
from host.sync.handlers import BackfillSource
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


def _ids(query: Select[str]) -> set[str]:
    return set(db.session.scalars(query))


def _waiting_ids(plugin: str, kind: str) -> set[str]:
    return _ids(
        select(SyncEntry.record_id).where(
            SyncEntry.plugin == plugin, SyncEntry.kind == kind, SyncEntry.state != EntryState.DEAD
        )
    )


def _never_sent(plugin: str, kind: str, source: BackfillSource, waiting: set[str]) -> Iterator[str]:
    known = _ids(select(SyncResult.record_id).where(SyncResult.plugin == plugin, SyncResult.kind == kind)) | waiting
    return (record_id for record_id in source.record_ids() if record_id not in known)


def unsent_records(plugin: str) -> list[UnsentRecords]:
    """For each kind the plugin can list, how many records it has never sent and how many are on their way."""
    counts = []
    for kind, source in _sources(plugin):
        waiting = _waiting_ids(plugin, kind)
        never = sum(1 for _ in _never_sent(plugin, kind, source, waiting))
        counts.append(UnsentRecords(plugin, kind, source.record_count(), never, len(waiting)))
    return counts


def send_unsent(plugin: str, kind: str) -> int:
    """Queue every record of ``kind`` the plugin has never sent, in the current transaction; how many."""
    source = dict(_sources(plugin)).get(kind)
    if source is None:
        return 0
    ids = list(_never_sent(plugin, kind, source, _waiting_ids(plugin, kind)))
    for chunk in chunked(ids, DEFAULT_CHUNK_SIZE):
        enqueue_many(plugin, kind, chunk, session=db.session())
    wake_after_commit()
    return len(ids)
