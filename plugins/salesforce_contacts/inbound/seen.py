"""Notification ids already received, so a redelivered notification is applied once.

Salesforce delivers at least once and retries for up to 24 hours, so an id is
remembered for a few days: one row per id, its key starting with the day it came
(``inbound.seen.<YYYYMMDD>.<id>``), which makes forgetting old ones one range delete.
The row's primary key settles two simultaneous deliveries of one id.
"""

from datetime import UTC, datetime, timedelta

from host.api import PluginStore

PREFIX = "inbound.seen."
#: Longer than Salesforce's 24-hour retry window, with a margin.
KEEP_DAYS = 3


def _key(day: datetime, notification_id: str) -> str:
    return f"{PREFIX}{day:%Y%m%d}.{notification_id}"


def first_time(plugin: str, notification_id: str, now: datetime | None = None) -> bool:
    """Remember ``notification_id``; False if it was already received."""
    now = now or datetime.now(UTC)
    recent = [_key(now - timedelta(days=days), notification_id) for days in range(KEEP_DAYS)]
    store = PluginStore(plugin)
    if store.get_many(recent):
        return False
    return store.add(recent[0], True)


def forget_old(plugin: str, now: datetime | None = None) -> None:
    """Drop ids older than the retry window."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)
    PluginStore(plugin).delete_before(PREFIX, f"{PREFIX}{cutoff:%Y%m%d}")
