"""Site-wide settings the owner changes on the Site settings page."""

from typing import Any

from host.extensions import db
from host.models import SiteSetting

REGISTRATION_OPEN = "registration_open"
AFFILIATE_SIGNUP_OPEN = "affiliate_signup_open"

#: Every site setting and its value until the owner changes it.
DEFAULTS: dict[str, Any] = {
    REGISTRATION_OPEN: True,
    AFFILIATE_SIGNUP_OPEN: False,
}


def _check_name(name: str) -> None:
    if name not in DEFAULTS:
        raise KeyError(f"there is no site setting {name!r}")


def get_site_setting(name: str) -> Any:
    """The setting's stored value, or its default.

    :raises KeyError: no such setting (a typo).
    """
    _check_name(name)
    row = db.session.get(SiteSetting, name)
    return DEFAULTS[name] if row is None else row.value


def set_site_setting(name: str, value: Any) -> None:
    """Store a setting's value.

    :raises KeyError: no such setting.
    """
    _check_name(name)
    row = db.session.get(SiteSetting, name)
    if row is None:
        db.session.add(SiteSetting(name=name, value=value))
    else:
        row.value = value


def registration_open() -> bool:
    """Whether anyone may create an account on the site."""
    return bool(get_site_setting(REGISTRATION_OPEN))


def affiliate_signup_open() -> bool:
    """Whether the public affiliate sign-up page is on."""
    return bool(get_site_setting(AFFILIATE_SIGNUP_OPEN))
