"""Email addresses: checked for shape (no deliverability lookup) and made canonical."""

from email_validator import EmailNotValidError, validate_email

from host.services.errors import InvalidValue


def normalize_email(address: str) -> str:
    """The canonical, lower-case form of ``address``.

    Addresses are stored lower-cased so that uniqueness and log-in ignore case.

    :raises InvalidValue: the address is not well-formed.
    """
    try:
        checked = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidValue("email", str(error)) from error
    return checked.normalized.lower()
