"""Reading a list page's URL: which page was asked for, how long a page is, ids in the query."""

from flask import request

PER_PAGE = 25
#: The largest id the tables' integer keys hold (PostgreSQL's ``integer``); a bigger number names no record.
MAX_ID = 2**31 - 1


def page_number() -> int:
    """The page asked for in ``?page=``, 1 when missing or nonsense, never past the last possible row."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_ID // PER_PAGE)


def id_argument(name: str) -> int | None:
    """A record id given in ``?name=``; None when missing, not a number or out of any table's range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None
