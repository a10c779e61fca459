"""Notification ids already received, so a redelivered notification is applied once.

Salesforce delivers at least once and retries for up to 24 hours, so an id is
remembered for a few days: one row per id with the time it came
(:class:`~plugins.salesforce_contacts.tables.SeenNotification`), which makes
forgetting old ones one delete. The id is the primary key, so of two simultaneous
deliveries of one id exactly one is the first.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete

from host.api import db, insert_for, utcnow
from plugins.salesforce_contacts.tables import SeenNotification

#: Longer than Salesforce's 24-hour retry window, with a margin.
KEEP_DAYS = 3


def first_time(notification_id: str, now: datetime | None = None) -> bool:
    """Remember ``notification_id``; False if it was received within :data:`KEEP_DAYS`."""
    now = now or utcnow()
    insert = insert_for(SeenNotification).values(notification_id=notification_id, received_at=now)
    # An id received long ago and not yet forgotten counts as new, as it would once forgotten.
    remembered = insert.on_conflict_do_update(
        index_elements=[SeenNotification.notification_id],
        set_={"received_at": insert.excluded.received_at},
        where=SeenNotification.received_at < now - timedelta(days=KEEP_DAYS),
    ).returning(SeenNotification.notification_id)
    return db.session.scalar(remembered) is not None


def forget_old(now: datetime | None = None) -> None:
    """Drop ids older than the retry window."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    db.session.execute(delete(SeenNotification).where(SeenNotification.received_at < cutoff))
