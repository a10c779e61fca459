"""A clock with an adjustable offset, so tests expire tokens and codes without sleeping."""

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, shifted by the offset set through the admin API."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def timestamp(self) -> str:
        """The current time in Salesforce's datetime format, ``2013-05-20T20:49:32.000+0000``."""
        return format_datetime(self.now())


def format_datetime(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
