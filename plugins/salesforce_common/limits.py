"""Salesforce's API allowance: read from every response, shown to admins.

Every REST response carries ``Sforce-Limit-Info: api-usage=USED/MAX`` (sometimes
followed by other counters), the org's calls in the last 24 hours against its
allowance. The client keeps the latest reading and stores it for the Marketplace
card, so running out never comes as a surprise.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

LIMIT_INFO_HEADER = "Sforce-Limit-Info"

_API_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(\d+)/(\d+)")

#: Salesforce counts a rolling 24 hours and does not say when room frees up; an hour
#: later a slice of the oldest calls has aged out, so that is when to look again.
DAILY_LIMIT_PAUSE = timedelta(hours=1)
#: Too many long-running requests at once clears as soon as those requests finish.
CONCURRENCY_LIMIT_PAUSE = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiUsage:
    """The org's API calls in the last 24 hours, as of one response."""

    used: int
    allowed: int
    observed_at: datetime

    @property
    def summary(self) -> str:
        return f"API usage today: {self.used:,} / {self.allowed:,}"

    def to_json(self) -> dict[str, Any]:
        return {"used": self.used, "allowed": self.allowed, "observed_at": self.observed_at.isoformat()}

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> "ApiUsage":
        return cls(stored["used"], stored["allowed"], datetime.fromisoformat(stored["observed_at"]))


def parse_limit_info(header: str | None, observed_at: datetime) -> ApiUsage | None:
    """The ``api-usage`` counter of a ``Sforce-Limit-Info`` header, if it has one."""
    match = _API_USAGE.search(header or "")
    if match is None:
        return None
    return ApiUsage(int(match.group(1)), int(match.group(2)), observed_at)


def suggested_resume_time(salesforce_message: str, now: datetime) -> datetime:
    """When to try again after ``REQUEST_LIMIT_EXCEEDED``.

    The same code covers the daily allowance ("TotalRequests Limit exceeded") and
    too many concurrent long requests ("ConcurrentPerOrgLongTxn ..."), which pass
    at very different speeds.
    """
    if "concurrent" in salesforce_message.lower():
        return now + CONCURRENCY_LIMIT_PAUSE
    return now + DAILY_LIMIT_PAUSE
