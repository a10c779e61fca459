"""Tables of the sync queue.

``sync_entries`` is the outbox: one row per record that still needs syncing (or was
given up). A delivered entry is deleted; what its delivery gave is kept in
``sync_results``, one row per record, for record pages and the admin's Sync page.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from host.extensions import Model
from host.timestamps import utcnow


class EntryState(enum.StrEnum):
    """Where an outbox entry stands."""

    #: Waiting for a worker, from ``not_before`` on.
    PENDING = "pending"
    #: Claimed by a worker until ``claimed_until``; after that any worker may claim it.
    IN_FLIGHT = "in_flight"
    #: Given up (a permanent fault, or too many attempts); waits for an admin.
    DEAD = "dead"


class ResultState(enum.StrEnum):
    """The last thing a delivery attempt said about a record."""

    DONE = "done"
    RETRYING = "retrying"
    DEAD = "dead"
    DISCARDED = "discarded"


def _state_column(enum_class: type[enum.StrEnum]) -> Any:
    return mapped_column(Enum(enum_class, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))


class SyncEntry(Model):
    """A record that needs syncing by one plugin.

    Unique per (plugin, kind, record_id): enqueuing a record that is already waiting
    updates the waiting row instead of adding one, so a burst of changes to one
    record is sent once, with its latest state.
    """

    __tablename__ = "sync_entries"
    __table_args__ = (
        UniqueConstraint("plugin", "kind", "record_id"),
        Index("ix_sync_entries_queue", "plugin", "kind", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[str] = mapped_column(String(255))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[EntryState] = _state_column(EntryState)
    #: Deliveries answered with a transient fault so far; a dead entry whose record
    #: changes again starts over, a waiting one keeps its count and its backoff.
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Set while in flight: the claim's random token, and when the claim lapses. Indexed:
    #: a streamed claim finds its entries by the token alone, for every chunk it reads and
    #: every renewal of its lease.
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The record changed again while in flight: deliver it once more afterwards.
    changed_in_flight: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    enqueued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncResult(Model):
    """The last delivery result of one record, kept after its entry is gone."""

    __tablename__ = "sync_results"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[ResultState] = _state_column(ResultState)
    message: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SyncPause(Model):
    """A plugin whose deliveries are on hold, and why."""

    __tablename__ = "sync_pauses"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    #: When the pause ends by itself; None waits for :func:`host.sync.resume`.
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncHourlyCount(Model):
    """Deliveries and failed attempts of one plugin in one hour, for the Sync chart.

    Counting per hour keeps the history small whatever the volume.
    """

    __tablename__ = "sync_hourly_counts"

    plugin: Mapped[str] = mapped_column(String(80), primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    delivered: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
