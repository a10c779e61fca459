"""Slowing down password guessing: a few failed log-ins per minute, per IP and per account.

Failures are rows in the database, so the limit holds across every worker process
and survives restarts; rows older than the window are pruned as new ones arrive.
"""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from host.extensions import db
from host.models import LoginFailure
from host.timestamps import as_utc, utcnow

WINDOW = timedelta(minutes=1)


def _limit() -> int:
    return int(current_app.config["PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE"])


def seconds_until_allowed(ip: str, email: str) -> int:
    """0 when a log-in may be tried now; otherwise how long the IP or account must wait."""
    limit, now = _limit(), utcnow()
    waits = [0]
    for column, value in ((LoginFailure.ip, ip), (LoginFailure.email, email)):
        recent = db.session.scalars(
            select(LoginFailure.at)
            .where(column == value, LoginFailure.at > now - WINDOW)
            .order_by(LoginFailure.at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            waits.append(math.ceil((as_utc(recent[-1]) + WINDOW - now).total_seconds()))
    return max(waits)


def record_failure(ip: str, email: str) -> None:
    """Count a failed log-in, and forget those that left the window."""
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    db.session.add(LoginFailure(ip=ip, email=email, at=now))


def clear_failures(email: str) -> None:
    """Forget an account's failures once its owner has logged in."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
