"""Reading Sforce-Limit-Info and choosing when to resume after REQUEST_LIMIT_EXCEEDED."""

from datetime import UTC, datetime, timedelta

import pytest

from plugins.salesforce_common.batching import wait_under_pressure
from plugins.salesforce_common.limits import ApiUsage, parse_limit_info, suggested_resume_time

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "header",
    [
        "api-usage=1234/15000",
        "api-usage=1234/15000; api-bursts=1/750",
        "per-app-api-usage=17/250(appName=sample); api-usage=1234/15000",
    ],
)
def test_the_api_usage_counter_is_read_whatever_follows_or_precedes_it(header: str) -> None:
    assert parse_limit_info(header, NOW) == ApiUsage(1234, 15000, NOW)


@pytest.mark.parametrize("header", [None, "", "per-app-api-usage=17/250(appName=sample)"])
def test_a_missing_counter_is_no_reading(header: str | None) -> None:
    assert parse_limit_info(header, NOW) is None


def test_usage_reads_as_admins_expect() -> None:
    assert ApiUsage(1234, 15000, NOW).summary == "API usage today: 1,234 / 15,000"


def test_usage_survives_storage() -> None:
    usage = ApiUsage(7, 100, NOW)
    assert ApiUsage.from_json(usage.to_json()) == usage


def test_the_daily_allowance_is_looked_at_again_an_hour_later() -> None:
    assert suggested_resume_time("TotalRequests Limit exceeded.", NOW) == NOW + timedelta(hours=1)


def test_too_many_concurrent_requests_resumes_within_minutes() -> None:
    assert suggested_resume_time("ConcurrentPerOrgLongTxn Limit exceeded.", NOW) == NOW + timedelta(minutes=1)


def test_batches_wait_only_once_half_the_daily_limit_is_used():
    now = datetime.now(UTC)
    assert wait_under_pressure(ApiUsage(49_999, 100_000, now), 30) is None
    assert wait_under_pressure(None, 30) is None
    pressed = wait_under_pressure(ApiUsage(62_000, 100_000, now), 30)
    assert pressed is not None and pressed.seconds == 30
    assert pressed.reason == "The org has used 62% of its daily API requests (62,000 of 100,000)."
    assert wait_under_pressure(ApiUsage(99_000, 100_000, now), 0) is None, "0 turns waiting off"
