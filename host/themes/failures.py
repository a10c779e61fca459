"""Theme templates that failed to render: logged, and kept for the admin dashboard.

Failures are stored as a site setting, so every process's dashboard sees what any
process met. Each is written in a transaction of its own: the page being rendered
may be in the middle of a request whose changes must not be committed with it. A
stored failure whose file has changed since is taken as fixed and no longer shown
(if the edit did not fix it, the next render records it again).
"""

import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from flask import has_app_context
from jinja2 import TemplateSyntaxError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from host.extensions import db
from host.services.site_settings import THEME_FAILURES, get_site_setting, set_site_setting
from host.timestamps import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThemeFailure:
    """One theme file that failed: where, and why, in a sentence for the owner."""

    file: str
    line: int | None
    reason: str
    at: str = ""


def _inside(folder: Path, filename: str | None) -> bool:
    return bool(filename) and Path(str(filename)).resolve().is_relative_to(folder)


def failure_of(error: BaseException, folder: Path) -> ThemeFailure | None:
    """The theme file at fault for ``error``, or None when no file of ``folder`` took part.

    A syntax error names its file; any other error is blamed on the innermost theme
    file in its traceback, where Jinja puts a frame per template line run.
    """
    if isinstance(error, TemplateSyntaxError) and _inside(folder, error.filename):
        path = Path(str(error.filename)).resolve()
        return ThemeFailure(path.relative_to(folder).as_posix(), error.lineno, f"syntax error: {error.message}")
    blamed: ThemeFailure | None = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        if _inside(folder, frame.f_code.co_filename):
            path = Path(frame.f_code.co_filename).resolve()
            blamed = ThemeFailure(path.relative_to(folder).as_posix(), line, f"{type(error).__name__}: {error}")
    return blamed


def _modified(folder: Path, file: str) -> int | None:
    try:
        return (folder / file).stat().st_mtime_ns
    except OSError:
        return None


def record_failure(failure: ThemeFailure, folder: Path) -> None:
    """Log the failure and keep it for the dashboard; storing it never fails the page."""
    log.error(
        "theme template %s failed at line %s, the packaged template is shown instead: %s",
        folder / failure.file,
        failure.line,
        failure.reason,
    )
    if not has_app_context():
        return
    entry = {"line": failure.line, "reason": failure.reason, "modified": _modified(folder, failure.file)}
    try:
        with Session(db.engine) as session, session.begin():
            stored = dict(get_site_setting(THEME_FAILURES, session))
            known = stored.get(failure.file, {})
            if {key: known.get(key) for key in entry} == entry:
                return
            stored[failure.file] = {**entry, "at": utcnow().isoformat(timespec="seconds")}
            set_site_setting(THEME_FAILURES, stored, session)
    except SQLAlchemyError:
        log.exception("could not store the theme failure of %s", failure.file)


def current_failures(folder: Path) -> list[ThemeFailure]:
    """The stored failures of files unchanged since they failed, by file name."""
    stored = get_site_setting(THEME_FAILURES)
    return [
        ThemeFailure(file, entry.get("line"), entry.get("reason", ""), entry.get("at", ""))
        for file, entry in sorted(stored.items())
        if entry.get("modified") is not None and entry.get("modified") == _modified(folder, file)
    ]
