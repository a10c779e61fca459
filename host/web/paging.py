"""Reading ids and list pages from requests: which page was asked for, how long a page is,
ids in the query, the path and forms, all within the range the tables' keys hold."""

from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter, Map

PER_PAGE = 25
#: The largest id the tables' integer keys hold (PostgreSQL's ``integer``); a bigger number names no record.
MAX_ID = 2**31 - 1
ID_SENTENCE = "That is not the id of any record."


def page_number() -> int:
    """The page asked for in ``?page=``, 1 when missing or nonsense, never past the last possible row."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_ID // PER_PAGE)


def record_id(value: Any) -> int:
    """``value`` as a record id, for a form field's ``coerce`` or a posted list of ids.

    :raises ValueError: not a whole number from 1 to :data:`MAX_ID`, so no record has it
        (a bigger one would overflow the database's integer).
    """
    number = int(str(value).strip())
    if not 0 < number <= MAX_ID:
        raise ValueError(ID_SENTENCE)
    return number


def id_argument(name: str) -> int | None:
    """A record id given in ``?name=``; None when missing, not a number or out of any table's range."""
    try:
        return record_id(request.args[name])
    except (KeyError, ValueError):
        return None


class IdConverter(IntegerConverter):
    """The ``int`` of URL rules, up to :data:`MAX_ID`: a path with a bigger number is not found."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)
