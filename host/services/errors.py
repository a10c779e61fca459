"""Errors the services raise for values a person can correct."""


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
