"""Queueing every existing record of a kind, e.g. after a plugin is first connected.

The records come from the plugin's handler, which implements
:class:`~host.sync.handlers.BackfillSource`. Ids are read as a stream and written in
chunks, each one bulk insert committed on its own, so memory stays flat and the site
keeps working however many records there are. The entries coalesce with any already
queued, and workers pick them up on their next regular look.
"""

from collections.abc import Iterator
from typing import Any, ClassVar

from more_itertools import chunked
from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from host.extensions import db
from host.sync.handlers import BackfillSource
from host.sync.outbox import enqueue_many
from host.sync.runtime import sync_runtime

DEFAULT_CHUNK_SIZE = 1000


class RecordsOfTable:
    """The :class:`BackfillSource` (and :class:`SelectsRecordIds`) of records that are the rows of one table.

    A handler whose records are, say, every user sets ``table = User`` and inherits the
    three methods; the table needs an integer primary key called ``id``.
    """

    table: ClassVar[Any]

    def record_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.table)) or 0

    def record_ids(self) -> Iterator[str]:
        for record_id in db.session.scalars(
            select(self.table.id).order_by(self.table.id).execution_options(yield_per=1000)
        ):
            yield str(record_id)

    def record_id_select(self) -> Select[str]:
        return select(cast(self.table.id, String))


class BackfillError(Exception):
    """The plugin cannot backfill that kind; the message says why."""


def backfill_source(plugin: str, kind: str) -> BackfillSource:
    """The handler that lists ``plugin``'s records of ``kind``."""
    handler = sync_runtime().handlers().get((plugin, kind))
    if handler is None:
        raise BackfillError(f"Plugin {plugin!r} has no sync handler for {kind!r} records.")
    if not isinstance(handler, BackfillSource):
        raise BackfillError(f"Plugin {plugin!r} cannot list its {kind!r} records for a backfill.")
    return handler


def backfill(plugin: str, kind: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[int]:
    """Queue every record the source lists, one committed chunk at a time.

    The source streams through ``db.session``; the chunks are written through a
    session of their own, so committing one does not end the stream's cursor.

    :return: an iterator of chunk sizes, for progress reporting.
    """
    source = backfill_source(plugin, kind)
    with Session(db.engine) as writer:
        for chunk in chunked(source.record_ids(), chunk_size):
            enqueue_many(plugin, kind, chunk, session=writer)
            writer.commit()
            yield len(chunk)
