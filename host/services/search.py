"""Free-text search over a few columns, as admins type it into a search box."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.orm import InstrumentedAttribute


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches_words(columns: Sequence[InstrumentedAttribute[str]], query: str) -> ColumnElement[bool]:
    """Every word of ``query`` appears, ignoring case, in at least one of ``columns``."""
    words = query.split()
    if not words:
        return true()
    return and_(*(or_(*(column.ilike(_contains(word), escape="\\") for column in columns)) for word in words))
