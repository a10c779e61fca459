"""Signed links that let a person choose a password: "Lost your password?" and invitations.

A link carries the account's id and a fingerprint of its current password hash,
signed with the site's secret key and dated. It stops working when it expires, when
it is altered, and once it has been used: choosing a password changes the hash, so
the fingerprint no longer matches. Nothing is stored per link.
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from host.extensions import db
from host.models import User

EXPIRED_SENTENCE = "This link has expired. Ask for a new one."
INVALID_SENTENCE = "This link does not work: it was already used, or it is incomplete. Ask for a new one."


class InvalidLink(Exception):
    """A link that opens no account; the message says why, naming no account."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # The purpose is the salt, so a link made for one page opens no other.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"plughost.password.{purpose}")


def password_token(user: User, purpose: str) -> str:
    """A token for ``user`` that works until its password changes, for one ``purpose``."""
    return _serializer(purpose).dumps({"user": user.id, "hash": _fingerprint(user)})


def user_for_token(token: str, purpose: str, *, max_age_seconds: int) -> User:
    """The account a token made by :func:`password_token` opens.

    :raises InvalidLink: the token is older than ``max_age_seconds``, altered, made
        for another purpose, or its account's password changed since.
    """
    serializer = _serializer(purpose)
    try:
        claims = serializer.loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise InvalidLink(EXPIRED_SENTENCE) from None
    except BadSignature:
        raise InvalidLink(INVALID_SENTENCE) from None
    user_id = claims.get("user") if isinstance(claims, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or claims.get("hash") != _fingerprint(user):
        raise InvalidLink(INVALID_SENTENCE)
    return user
