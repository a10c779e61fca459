"""SOQL literals: the one place values are put into a query.

A value pasted into SOQL unescaped breaks the query at the first quote
(``o'brien@example.com``) and lets whoever chose the value rewrite it, so queries are
built only with :func:`quote`.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

#: Salesforce's escape sequences for quoted strings.
_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\b": "\\b",
        "\f": "\\f",
    }
)

Literal = str | int | float | Decimal | bool | date | datetime | None


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def quote(value: Literal | Sequence[Literal]) -> str:
    """``value`` as a SOQL literal.

    Strings are quoted and escaped; ``None`` is ``null``; dates and aware datetimes
    take SOQL's formats; a list or tuple becomes a parenthesised list for ``IN``.
    """
    if isinstance(value, (list, tuple)):
        return f"({', '.join(quote(item) for item in value)})"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a SOQL datetime needs a time zone; pass an aware datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return f"'{_escape(value)}'"
    raise TypeError(f"{type(value).__name__} cannot be a SOQL literal")
