"""Slowing down password guessing: a few failed log-ins per minute, per IP and per account from that IP.

Failures are counted per IP and per (account, IP), never per account alone: a limit
on the account would let anyone lock its owner out by guessing wrong from anywhere.
The IP's limit is a multiple of the account's, so people sharing an IP (an office
behind one router) do not lock each other out, while one IP still cannot try many
accounts quickly.

Failures are rows in the database, so the limit holds across every worker process
and survives restarts; rows older than the window are pruned as new ones arrive.
"""

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, select

from host.extensions import db
from host.models import LoginFailure
from host.timestamps import as_utc, utcnow

WINDOW = timedelta(minutes=1)
#: How many accounts' worth of failures one IP may have in the window.
ACCOUNTS_PER_ADDRESS = 5


def _limit() -> int:
    return int(current_app.config["PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE"])


def _wait(where: ColumnElement[bool], limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` failures matching ``where`` are in the window."""
    recent = db.session.scalars(
        select(LoginFailure.at)
        .where(where, LoginFailure.at > now - WINDOW)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((as_utc(recent[-1]) + WINDOW - now).total_seconds()))


def seconds_until_allowed(ip: str, email: str) -> int:
    """0 when a log-in may be tried now; otherwise how long this IP, or this account from it, must wait."""
    limit, now = _limit(), utcnow()
    pair = and_(LoginFailure.ip == ip, LoginFailure.email == email)
    return max(_wait(pair, limit, now), _wait(LoginFailure.ip == ip, limit * ACCOUNTS_PER_ADDRESS, now))


def record_failure(ip: str, email: str) -> None:
    """Count a failed log-in, and forget those that left the window."""
    now = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - WINDOW))
    db.session.add(LoginFailure(ip=ip, email=email, at=now))


def clear_failures(ip: str, email: str) -> None:
    """Forget an account's failures from the IP its owner has just proved themselves from."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.ip == ip, LoginFailure.email == email))
