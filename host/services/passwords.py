"""Password hashing with argon2id, and the rules a new password must meet.

The hashing cost is the ``PLUGHOST_PASSWORD_HASH_COST`` setting: "default" is
argon2-cffi's RFC 9106 profile, strong enough for a site; "fast" takes microseconds
and is for test suites, which register hundreds of users. Hashes carry their own
parameters, so either verifies the other's; on log-in a hash made with other
parameters than the configured ones is made again.
"""

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

from host.services.errors import InvalidValue

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
#: zxcvbn's lowest acceptable score (0-4): below it, guessing takes under 10^6 tries.
MIN_STRENGTH_SCORE = 2
#: zxcvbn's own limit: its estimate grows costly with length, and the first 72
#: characters are enough to tell a common password from a strong one.
STRENGTH_CHARACTERS = 72

#: The hashers by cost name; "fast" uses argon2's minimum memory and one pass.
HASHERS = {
    "default": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


LENGTH_SENTENCE = f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters."
#: What each zxcvbn score means to the person typing, from 0 to 4.
SCORE_WORDS = ("Very weak", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True)
class Strength:
    """zxcvbn's estimate of a password, as told to the person choosing it."""

    score: int
    #: zxcvbn's warning and suggestions, as one sentence or more; may be empty.
    advice: str

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_STRENGTH_SCORE

    @property
    def sentence(self) -> str:
        """The verdict and the advice, e.g. "Weak. This is a very common password."."""
        return f"{SCORE_WORDS[self.score]}. {self.advice}".strip()


def hasher_for(cost: str) -> PasswordHasher:
    """The hasher of a cost name; the site refuses to start with an unknown one."""
    try:
        return HASHERS[cost]
    except KeyError:
        raise ValueError(f"PLUGHOST_PASSWORD_HASH_COST is {cost!r}; use one of: {', '.join(HASHERS)}") from None


def _hasher() -> PasswordHasher:
    return hasher_for(current_app.config["PLUGHOST_PASSWORD_HASH_COST"])


def strength(password: str) -> Strength:
    """How hard ``password`` is to guess, by zxcvbn, with its advice for a better one."""
    estimate = zxcvbn(password[:STRENGTH_CHARACTERS])
    feedback = estimate["feedback"]
    return Strength(int(estimate["score"]), " ".join(filter(None, [feedback["warning"], *feedback["suggestions"]])))


def check_new_password(password: str) -> None:
    """Refuse a password that is too short, absurdly long, or easy to guess ("password")."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidValue("password", LENGTH_SENTENCE)
    estimate = strength(password)
    if not estimate.acceptable:
        raise InvalidValue("password", f"This password is too easy to guess. {estimate.advice}".strip())


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def unusable_password() -> str:
    """A stored value that no password matches, for an account whose owner has yet to choose one.

    Not a hash, so making it costs nothing (hashing a random password would cost a full
    argon2 run per account, in the transaction creating it); it is random so that
    :mod:`host.services.password_links`, which fingerprints it, tells accounts apart.
    """
    return f"!{secrets.token_urlsafe(24)}"


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; a malformed stored hash never matches."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)
