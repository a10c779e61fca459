"""Site-wide settings the owner changes on the Site settings page."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from host.extensions import db
from host.models import SiteSetting

REGISTRATION_OPEN = "registration_open"
AFFILIATE_SIGNUP_OPEN = "affiliate_signup_open"
SITE_TITLE = "site_title"
SITE_TAGLINE = "site_tagline"
#: The theme templates that last failed to render (see host.themes.failures).
THEME_FAILURES = "theme_failures"

#: Every site setting and its value until the owner changes it.
DEFAULTS: dict[str, Any] = {
    REGISTRATION_OPEN: True,
    AFFILIATE_SIGNUP_OPEN: False,
    SITE_TITLE: "Plughost",
    SITE_TAGLINE: "",
    THEME_FAILURES: {},
}

AnySession = Session | scoped_session[Any]


def _check_name(name: str) -> None:
    if name not in DEFAULTS:
        raise KeyError(f"there is no site setting {name!r}")


def get_site_setting(name: str, session: AnySession | None = None) -> Any:
    """The setting's stored value, or its default; read through ``session`` if given.

    :raises KeyError: no such setting (a typo).
    """
    _check_name(name)
    row = (session or db.session).get(SiteSetting, name)
    return DEFAULTS[name] if row is None else row.value


def set_site_setting(name: str, value: Any, session: AnySession | None = None) -> None:
    """Store a setting's value in ``session`` (the request's by default); the caller commits.

    :raises KeyError: no such setting.
    """
    _check_name(name)
    store = session or db.session
    row = store.get(SiteSetting, name)
    if row is None:
        store.add(SiteSetting(name=name, value=value))
    else:
        row.value = value


def registration_open() -> bool:
    """Whether anyone may create an account on the site."""
    return bool(get_site_setting(REGISTRATION_OPEN))


def affiliate_signup_open() -> bool:
    """Whether the public affiliate sign-up page is on."""
    return bool(get_site_setting(AFFILIATE_SIGNUP_OPEN))


@dataclass(frozen=True)
class SiteIdentity:
    """What the site calls itself: in the header, the page titles and the front page."""

    title: str
    tagline: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(str(get_site_setting(SITE_TITLE)), str(get_site_setting(SITE_TAGLINE)))


def set_site_identity(title: str, tagline: str) -> None:
    """Store the title (blank keeps the current one) and the tagline; the caller commits."""
    if title.strip():
        set_site_setting(SITE_TITLE, title.strip())
    set_site_setting(SITE_TAGLINE, tagline.strip())
