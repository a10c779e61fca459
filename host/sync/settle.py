"""Applying a handler's answer to the entries of a batch.

Everything a batch's answer changes (the entries, the records' last results, the
hourly counts, a pause) is written in one transaction, and only for the entries the
worker still holds: a worker that lost its lease changes nothing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from more_itertools import chunked
from sqlalchemy import Table, bindparam, delete, func

from host.database import VALUES_PER_STATEMENT
from host.extensions import db
from host.sync.backoff import retry_delay
from host.sync.claims import Claim, hold, write_transaction
from host.sync.handlers import Done, Entry, Failed, Outcome, Pause, RetryLater
from host.sync.models import EntryState, ResultState, SyncEntry, SyncHourlyCount, SyncResult
from host.sync.pauses import pause
from host.sync.settings import SyncSettings
from host.sync.upsert import insert_for
from host.timestamps import utcnow

NO_ANSWER = "The plugin's handler gave no answer for this record."


@dataclass
class _Changes:
    """What settling one batch writes, gathered before anything is written."""

    delete_ids: list[int] = field(default_factory=list)
    entry_updates: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    delivered: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Settlement:
    """How a batch ended, for logs and benchmarks."""

    delivered: int
    failed: int
    paused: bool


def _entry_update(
    entry_id: int, state: EntryState, attempts: int, not_before: datetime, error: str | None
) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "new_state": state,
        "new_attempts": attempts,
        "new_not_before": not_before,
        "new_error": error,
    }


def _result(
    entry: Entry, state: ResultState, message: str, now: datetime, external_id: str | None = None
) -> dict[str, Any]:
    return {
        "plugin": entry.plugin,
        "kind": entry.kind,
        "record_id": entry.record_id,
        "state": state,
        "message": message,
        "external_id": external_id,
        "attempts": entry.attempts + 1,
        "at": now,
    }


def _plan(
    entries: Sequence[Entry],
    outcomes: Mapping[int, Outcome],
    changed_in_flight: Mapping[int, bool],
    settings: SyncSettings,
) -> _Changes:
    changes = _Changes()
    now = utcnow()
    batch_paused = any(isinstance(outcome, Pause) for outcome in outcomes.values())
    for entry in entries:
        outcome = outcomes.get(entry.id) or (Pause("") if batch_paused else RetryLater(NO_ANSWER))
        changed = changed_in_flight[entry.id]
        match outcome:
            case Done(message=message, external_id=external_id):
                changes.delivered += 1
                changes.results.append(_result(entry, ResultState.DONE, message, now, external_id))
                if changed:
                    changes.entry_updates.append(_entry_update(entry.id, EntryState.PENDING, 0, now, None))
                else:
                    changes.delete_ids.append(entry.id)
            case RetryLater(reason=reason, not_before=not_before):
                changes.failed += 1
                attempts = 0 if changed else entry.attempts + 1
                if attempts >= settings.max_attempts:
                    changes.results.append(_result(entry, ResultState.DEAD, reason, now))
                    changes.entry_updates.append(_entry_update(entry.id, EntryState.DEAD, attempts, now, reason))
                else:
                    delay = retry_delay(entry.attempts + 1, settings.retry_base_seconds, settings.retry_max_seconds)
                    retry_at = not_before or now + timedelta(seconds=delay)
                    changes.results.append(_result(entry, ResultState.RETRYING, reason, now))
                    changes.entry_updates.append(
                        _entry_update(entry.id, EntryState.PENDING, attempts, retry_at, reason)
                    )
            case Failed(message=message):
                changes.failed += 1
                if changed:
                    # The record changed since: its new state may well be accepted.
                    changes.results.append(_result(entry, ResultState.RETRYING, message, now))
                    changes.entry_updates.append(_entry_update(entry.id, EntryState.PENDING, 0, now, message))
                else:
                    changes.results.append(_result(entry, ResultState.DEAD, message, now))
                    changes.entry_updates.append(
                        _entry_update(entry.id, EntryState.DEAD, entry.attempts + 1, now, message)
                    )
            case Pause():
                changes.entry_updates.append(_entry_update(entry.id, EntryState.PENDING, entry.attempts, now, None))
    return changes


def _write_entries(changes: _Changes) -> None:
    for ids in chunked(changes.delete_ids, VALUES_PER_STATEMENT):
        db.session.execute(delete(SyncEntry).where(SyncEntry.id.in_(ids)).execution_options(synchronize_session=False))
    if changes.entry_updates:
        table = cast(Table, SyncEntry.__table__)
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("entry_id"))
            .values(
                state=bindparam("new_state"),
                attempts=bindparam("new_attempts"),
                not_before=bindparam("new_not_before"),
                last_error=bindparam("new_error"),
                claim_token=None,
                claimed_until=None,
                changed_in_flight=False,
            ),
            changes.entry_updates,
        )


def _write_results(results: list[dict[str, Any]]) -> None:
    if not results:
        return
    insert = insert_for(SyncResult)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[SyncResult.plugin, SyncResult.kind, SyncResult.record_id],
            set_={
                "state": insert.excluded.state,
                "message": insert.excluded.message,
                "external_id": func.coalesce(insert.excluded.external_id, SyncResult.external_id),
                "attempts": insert.excluded.attempts,
                "at": insert.excluded.at,
            },
        ),
        results,
    )


def _count(plugin: str, delivered: int, failed: int) -> None:
    if not delivered and not failed:
        return
    insert = insert_for(SyncHourlyCount)
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    db.session.execute(
        insert.values(plugin=plugin, hour=hour, delivered=delivered, failed=failed).on_conflict_do_update(
            index_elements=[SyncHourlyCount.plugin, SyncHourlyCount.hour],
            set_={
                "delivered": SyncHourlyCount.delivered + insert.excluded.delivered,
                "failed": SyncHourlyCount.failed + insert.excluded.failed,
            },
        )
    )


def settle(claim: Claim, outcomes: Mapping[int, Outcome], settings: SyncSettings) -> Settlement:
    """Record the outcome of each entry of ``claim``; commits.

    * Done: the entry is deleted, or pending again if the record changed meanwhile.
    * RetryLater: pending again after a backoff; dead after too many attempts.
    * Failed: dead at once, with the handler's message for the admin.
    * Pause: the plugin is paused and the entry waits, its attempts untouched.

    An entry missing from the answer waits too if the batch paused the plugin, and is
    retried otherwise. A record that changed while in flight is never given up: its
    entry is pending again so that the new state is delivered.
    """
    with write_transaction():
        held = hold(claim)
        entries = [entry for entry in claim.entries if entry.id in held]
        changes = _plan(entries, outcomes, held, settings)
        _write_entries(changes)
        _write_results(changes.results)
        if entries:
            _count(entries[0].plugin, changes.delivered, changes.failed)
        pause_outcome = next((outcome for outcome in outcomes.values() if isinstance(outcome, Pause)), None)
        if pause_outcome is not None and entries:
            pause(entries[0].plugin, pause_outcome.reason, pause_outcome.until)
    return Settlement(changes.delivered, changes.failed, pause_outcome is not None)
