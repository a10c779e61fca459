"""SOQL literals: every value reaches a query through one escaping helper."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from plugins.salesforce_common.soql import quote


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("o'brien@example.com", r"'o\'brien@example.com'"),
        ("back\\slash", r"'back\\slash'"),
        ('say "hi"', r"'say \"hi\"'"),
        ("line\nbreak\r\ttab", r"'line\nbreak\r\ttab'"),
        ("\b\f", r"'\b\f'"),
        ("50%_off", "'50%_off'"),
        ("Zoë", "'Zoë'"),
        ("", "''"),
    ],
)
def test_strings_are_quoted_with_salesforces_escapes(value: str, literal: str) -> None:
    assert quote(value) == literal


def test_an_injection_attempt_stays_inside_the_literal() -> None:
    assert quote("x' OR Name != '") == r"'x\' OR Name != \''"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (Decimal("12.50"), "12.50"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "2024-01-02T03:04:05Z"),
        (datetime(2024, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), "2024-01-02T03:04:05Z"),
        (["a'b", None, 3], r"('a\'b', null, 3)"),
    ],
)
def test_other_values_take_soql_formats(value: object, literal: str) -> None:
    assert quote(value) == literal  # type: ignore[arg-type]


def test_a_naive_datetime_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="time zone"):
        quote(datetime(2024, 1, 2))


def test_unsupported_values_are_refused() -> None:
    with pytest.raises(TypeError):
        quote(object())  # type: ignore[arg-type]
