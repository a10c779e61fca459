"""Errors the services raise for values a person can correct, and sentences for the others."""

import logging
import secrets

log = logging.getLogger(__name__)


class InvalidValue(ValueError):
    """A value breaks a rule; ``field`` names it so a form can show the message beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateEmail(InvalidValue):
    """Another account already uses this email address."""

    def __init__(self) -> None:
        super().__init__("email", "An account with this email address already exists.")


def unexpected_error(error: BaseException, what: str, logger: logging.Logger | None = None) -> str:
    """Log an error nobody can correct from a page, and the sentence a page shows instead.

    Exception names, SQL and tracebacks help whoever reads the log, not an owner
    reading a card or a queue; the sentence carries a short reference to the log's
    entry, so the two can be matched.

    :param what: what failed, as the sentence's subject ("The user_registered hook of x").
    :param logger: where the entry goes; this module's logger by default.
    """
    reference = secrets.token_hex(4)
    (logger or log).error("%s failed unexpectedly (error %s)", what, reference, exc_info=error)
    return f"{what} failed unexpectedly; the site's log has the details under error {reference}."
