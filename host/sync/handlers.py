"""The contract between the sync queue and the plugins that deliver its entries.

A plugin returns one :class:`SyncHandler` per kind of record from its
``sync_handlers`` hook. The queue claims due entries of that kind, up to the handler's
``batch_size``, calls the handler with them, and applies the outcome the handler gives
for each entry. Handlers must be idempotent: an entry whose worker died mid-batch is
delivered again once its claim expires.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy import Select


@dataclass(frozen=True)
class Entry:
    """One record that needs syncing, as handed to a handler.

    The handler reads the record's current state itself (so the latest state is what
    is sent); ``payload`` carries what cannot be read any more, such as the fields of
    a deleted record.
    """

    id: int
    plugin: str
    kind: str
    record_id: str
    payload: Mapping[str, Any] | None
    #: Deliveries already tried and answered with :class:`RetryLater`.
    attempts: int


@dataclass(frozen=True)
class Done:
    """The record was synced.

    :param message: shown to admins, e.g. ``"Updated Lead"``.
    :param external_id: the id of the record in the other system, kept for the
        record's sync status (``None`` keeps the one known from earlier deliveries).
    """

    message: str = ""
    external_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """A transient fault (timeout, outage, lock): try again after a backoff.

    :param reason: why, shown to admins while the entry waits and if it is given up.
    :param not_before: the earliest time to try again, when the other system said so
        (e.g. a ``Retry-After`` header); otherwise the queue's backoff decides.
    """

    reason: str
    not_before: datetime | None = None


@dataclass(frozen=True)
class Failed:
    """A permanent fault: retrying cannot help, so the entry is dead-lettered at once.

    :param message: a sentence an admin understands and can act on, e.g. ``"Salesforce
        rejected the Lead: Company is required."``
    """

    message: str


@dataclass(frozen=True)
class Pause:
    """The whole plugin must stop delivering for a while.

    Used when the connection needs reauthorization or the API limit is exhausted. The
    entry, and every other entry of the plugin, waits without using up an attempt.

    :param reason: shown to admins on the Sync page.
    :param until: when delivery resumes by itself; ``None`` waits for
        :func:`host.sync.resume` (e.g. after reauthorization).
    """

    reason: str
    until: datetime | None = None


Outcome = Done | RetryLater | Failed | Pause


class SettleNow:
    """Yielded by a stream (:class:`StreamsEntries`) to have its answers so far settled at once.

    Answers are otherwise settled ``chunk_size`` at a time, so some wait unsettled, and
    their entries are still held. A stream yields this before it reads the held entries
    again to find the ones it has not answered yet.
    """

    __slots__ = ()


#: The one :class:`SettleNow` a stream yields.
SETTLE_NOW = SettleNow()


@runtime_checkable
class SyncHandler(Protocol):
    """Delivers entries of one kind for one plugin."""

    #: The most entries the handler takes in one call (the Salesforce plugins take
    #: 100,000: a backfill goes out as one Bulk API job). A lone entry is never held
    #: back to fill a batch.
    batch_size: int

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        """Deliver ``entries`` and answer with an outcome per entry id.

        An entry missing from the answer is retried later. An exception retries every
        entry of the batch and is logged.
        """
        ...


class ClaimedEntries(Protocol):
    """The entries of a streamed batch, read from the database a chunk at a time.

    Iterating reads the entries the worker still holds, oldest id first; it may be
    done more than once (each pass reads again), and an entry already answered and
    settled is no longer among them.
    """

    @property
    def count(self) -> int:
        """How many entries the batch held when it was claimed."""
        ...

    def __iter__(self) -> Iterator[Entry]: ...

    def entries_for(self, record_ids: Iterable[str]) -> Mapping[str, Entry]:
        """The held entries of these records, by record id: one query per few thousand ids."""
        ...


@runtime_checkable
class StreamsEntries(Protocol):
    """A handler whose batches are too large to hold: entries in and outcomes out as streams.

    Instead of ``__call__``, the queue calls :meth:`stream` with the claimed entries
    as :class:`ClaimedEntries` and settles the ``(entry id, outcome)`` pairs it yields
    ``chunk_size`` at a time, each chunk in a transaction of its own that also commits
    the handler's writes so far. So neither side ever holds the whole batch. A worker
    that dies mid-stream loses only the entries not yet settled, which are delivered
    again once its lease lapses. Entries left unanswered when the stream ends are
    retried (or wait, if the stream yielded a :class:`Pause`); an exception retries
    every entry not yet settled, and the writes since the last chunk are rolled back.
    Iterating the entries again gives only those still held: not yet settled, which
    the answers since the last chunk are not, unless the stream yielded
    :data:`SETTLE_NOW` after them.
    """

    batch_size: int
    #: Entries read, and outcomes settled, together.
    chunk_size: int

    def stream(self, entries: ClaimedEntries) -> Iterable[tuple[int, Outcome] | SettleNow]:
        """Deliver ``entries``, yielding each entry's outcome once known."""
        ...


@runtime_checkable
class BackfillSource(Protocol):
    """A handler that can list every existing record of its kind, for backfills.

    ``plughost sync backfill PLUGIN KIND`` enqueues each id it yields. Yield ids
    lazily from a streaming query (``yield_per``), so memory stays flat however many
    records there are.
    """

    def record_count(self) -> int:
        """How many records :meth:`record_ids` will yield, for the progress bar."""
        ...

    def record_ids(self) -> Iterable[str]:
        """The id of every record of the handler's kind, as strings."""
        ...


@runtime_checkable
class SelectsRecordIds(Protocol):
    """A :class:`BackfillSource` whose ids are one SQL query, so the host can count in SQL.

    The Sync page counts the records a plugin has never sent on every view; with the
    ids as a query that is one anti-join, not every id read into memory.
    """

    def record_id_select(self) -> "Select[str]":
        """A query of one column: the id of every record of the handler's kind, as a string."""
        ...


@dataclass(frozen=True)
class RecordLabel:
    """How the Sync pages name a record: a person's name, say, linked to their page."""

    text: str
    url: str | None = None


@runtime_checkable
class NamesRecords(Protocol):
    """A handler that can name its records for the Sync pages (else they read "user 7").

    :func:`host.sync.labels.user_labels` and :func:`~host.sync.labels.affiliate_labels`
    name the host's own records, for handlers of users and affiliates.
    """

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        """A label for each record id it knows, read in one query for the whole page."""
        ...


@dataclass(frozen=True)
class BatchWait:
    """How long due entries may wait to fill a batch, and why (shown on the Sync page)."""

    seconds: float
    reason: str
    #: The batch worth waiting for, when smaller than the handler's ``batch_size`` (a
    #: handler taking huge batches for bulk loads fills one call's worth).
    fill_to: int | None = None


@runtime_checkable
class FillsBatches(Protocol):
    """A handler that may let entries wait a little to go in fuller batches.

    For a destination that counts calls (an API with a daily limit): under a steady
    stream, one call for many records instead of one each. The queue sends a batch
    once it is full or its oldest entry has waited ``seconds``; asked on every pass,
    so it reads stored state only.
    """

    def batch_wait(self) -> BatchWait | None:
        """The wait allowed now; None sends whatever is due at once."""
        ...
