"""Who may see what: admin pages are for admins only.

Every path under ``/admin`` is guarded for the whole application, plugin pages
included, so an admin page cannot be left open by forgetting a decorator.
:func:`admin_required` guards a view anywhere else, and states the rule where a view
is read.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.wrappers import Response

from host.extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")

ADMIN_PATH = "/admin"


def refuse_non_admin() -> Response | None:
    """Send an anonymous visitor to log in and answer 403 to a non-admin; None for an admin."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def admin_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Let only admins reach ``view``; others are sent to log in or refused with 403."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        refusal = refuse_non_admin()
        if refusal is not None:
            return refusal
        return view(*args, **kwargs)

    return guarded


def _guard_admin_paths() -> Response | None:
    if request.path == ADMIN_PATH or request.path.startswith(ADMIN_PATH + "/"):
        return refuse_non_admin()
    return None


def init_app(app: Flask) -> None:
    """Guard every page under ``/admin``."""
    app.before_request(_guard_admin_paths)
