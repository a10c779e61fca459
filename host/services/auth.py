"""Checking who someone is, within the log-in rate limit.

Logging in, confirming the current password before a change that matters, and
asking for a password-reset link all count against the same limit, per IP and per
account from that IP (see :mod:`host.services.login_throttle`): each is a way to guess
at an account, or to flood its inbox.
"""

from functools import cache

from flask import current_app

from host.models import User
from host.services import login_throttle
from host.services.passwords import hash_password, hasher_for, needs_rehash, verify_password
from host.services.users import find_user_by_email


class LoginRefused(Exception):
    """The log-in failed; the message is safe to show and names no account."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Seconds to wait when the refusal is the rate limit.
        self.retry_after = retry_after


@cache
def _decoy_hash(cost: str) -> str:
    """A hash checked for unknown addresses, so they take as long as known ones."""
    return hasher_for(cost).hash("decoy password for unknown accounts")


def authenticate(email: str, password: str, *, ip: str) -> User:
    """The account ``email`` and ``password`` open; the caller commits either way.

    :raises LoginRefused: wrong credentials, or too many recent failures from this
        IP, or for this account from it.
    """
    email = email.strip().lower()
    wait = login_throttle.seconds_until_allowed(ip, email)
    if wait:
        raise LoginRefused(f"Too many failed log-ins. Try again in {wait} seconds.", retry_after=wait)
    user = find_user_by_email(email)
    if (
        not verify_password(
            user.password_hash if user else _decoy_hash(current_app.config["PLUGHOST_PASSWORD_HASH_COST"]), password
        )
        or user is None
    ):
        login_throttle.record_failure(ip, email)
        raise LoginRefused("The email or password is wrong.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    login_throttle.clear_failures(ip, email)
    return user


def _refuse_when_throttled(ip: str, email: str, what: str) -> None:
    wait = login_throttle.seconds_until_allowed(ip, email)
    if wait:
        raise LoginRefused(f"Too many {what}. Try again in {wait} seconds.", retry_after=wait)


def confirm_password(user: User, password: str, *, ip: str) -> None:
    """Check a logged-in person's password before a change that matters; the caller commits either way.

    :raises LoginRefused: the password is wrong, or too many were lately.
    """
    _refuse_when_throttled(ip, user.email, "wrong passwords")
    if not verify_password(user.password_hash, password):
        login_throttle.record_failure(ip, user.email)
        raise LoginRefused("That is not your current password.")


def account_for_reset(email: str, *, ip: str) -> User | None:
    """The account a password-reset link should go to, if any; the caller commits either way.

    Every request counts against the limit, whether the address has an account or
    not, so the limit reveals nothing about which addresses have one.

    :raises LoginRefused: too many requests lately, from this IP or for this address from it.
    """
    email = email.strip().lower()
    _refuse_when_throttled(ip, email, "requests")
    login_throttle.record_failure(ip, email)
    return find_user_by_email(email)
