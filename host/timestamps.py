"""Timestamps: always timezone-aware UTC, the one place the site makes or reads them."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC.

    SQLite hands stored timestamps back without their zone, and the site only ever
    stores UTC, so a naive value is UTC; an aware one is converted.
    """
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
