"""Time as the queue stores it: timezone-aware UTC."""

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """The same moment, timezone-aware.

    SQLite hands stored timestamps back without their zone; the queue only ever
    stores UTC, so a naive value is UTC.
    """
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
