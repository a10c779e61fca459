"""What an admin does with entries the queue gave up on: retry them or discard them.

Both write through the caller's ``db.session`` and take effect when it commits.
"""

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, delete, select, tuple_, update
from sqlalchemy.engine import CursorResult

from host.extensions import db
from host.sync.models import EntryState, ResultState, SyncEntry, SyncResult
from host.sync.outbox import wake_after_commit
from host.timestamps import utcnow


def _send_again(*criteria: ColumnElement[bool]) -> int:
    now = utcnow()
    count = cast(
        CursorResult[Any],
        db.session.execute(
            update(SyncEntry)
            .where(*criteria)
            .values(state=EntryState.PENDING, attempts=0, not_before=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if count:
        wake_after_commit()
    return count


def retry(entry_ids: Iterable[int]) -> int:
    """Send dead (or backing-off) entries again now, with a fresh set of attempts.

    :return: how many entries were rescheduled; entries in flight are left alone.
    """
    return _send_again(SyncEntry.id.in_(list(entry_ids)), SyncEntry.state.in_([EntryState.DEAD, EntryState.PENDING]))


def retry_all(plugin: str) -> int:
    """Send all of a plugin's dead entries again now, with a fresh set of attempts.

    :return: how many entries were rescheduled.
    """
    return _send_again(SyncEntry.plugin == plugin, SyncEntry.state == EntryState.DEAD)


def discard(entry_ids: Iterable[int]) -> int:
    """Drop dead entries for good; their records' status says they were discarded.

    :return: how many entries were discarded; only dead entries can be.
    """
    ids = list(entry_ids)
    dead = (SyncEntry.id.in_(ids), SyncEntry.state == EntryState.DEAD)
    records = [
        tuple(row)
        for row in db.session.execute(select(SyncEntry.plugin, SyncEntry.kind, SyncEntry.record_id).where(*dead))
    ]
    if not records:
        return 0
    db.session.execute(
        update(SyncResult)
        .where(tuple_(SyncResult.plugin, SyncResult.kind, SyncResult.record_id).in_(records))
        .values(state=ResultState.DISCARDED, at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(SyncEntry).where(*dead).execution_options(synchronize_session=False))
    return len(records)
