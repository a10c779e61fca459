"""Paging long lists: which page was asked for, and how long a page is."""

from flask import request

PER_PAGE = 25


def page_number() -> int:
    """The page asked for in ``?page=``, 1 when missing or nonsense."""
    return max(request.args.get("page", 1, type=int), 1)
