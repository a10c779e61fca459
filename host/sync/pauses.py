"""Holding a whole plugin's deliveries, e.g. while its connection needs reauthorization.

A paused plugin's entries stay pending: they are never failed and use up no attempts.
Pausing and resuming write through the caller's ``db.session`` and take effect when
it commits, which wakes the engine.
"""

from datetime import datetime

from sqlalchemy import delete, or_, select

from host.extensions import db
from host.plugins import Plugin
from host.sync.models import SyncPause
from host.sync.outbox import plugin_name, wake_after_commit
from host.sync.upsert import insert_for
from host.timestamps import as_utc, utcnow


def pause(plugin: Plugin | str, reason: str, until: datetime | None = None) -> None:
    """Hold ``plugin``'s deliveries until ``until``, or until :func:`resume` if None."""
    insert = insert_for(SyncPause)
    db.session.execute(
        insert.values(plugin=plugin_name(plugin), reason=reason, until=until, paused_at=utcnow()).on_conflict_do_update(
            index_elements=[SyncPause.plugin],
            set_={
                "reason": insert.excluded.reason,
                "until": insert.excluded.until,
                "paused_at": insert.excluded.paused_at,
            },
        )
    )
    # The engine computes when to look again from the pause's end.
    wake_after_commit()


def resume(plugin: Plugin | str) -> None:
    """Lift ``plugin``'s pause; its waiting entries go out as soon as this commits."""
    db.session.execute(delete(SyncPause).where(SyncPause.plugin == plugin_name(plugin)))
    wake_after_commit()


def active_pauses() -> dict[str, SyncPause]:
    """Pauses in force now, by plugin name."""
    now = utcnow()
    query = select(SyncPause).where(or_(SyncPause.until.is_(None), SyncPause.until > now))
    return {row.plugin: row for row in db.session.scalars(query)}


def is_paused(plugin: Plugin | str) -> bool:
    return plugin_name(plugin) in active_pauses()


def pause_reason(plugin: Plugin | str) -> str | None:
    """Why ``plugin``'s deliveries are held, for its pages; None when they are not."""
    pause = active_pauses().get(plugin_name(plugin))
    return None if pause is None else pause.reason


def pause_end(row: SyncPause) -> datetime | None:
    """When a pause ends by itself, timezone-aware; None if it waits for a resume."""
    return as_utc(row.until) if row.until else None
