"""Marketing consent: the one place it changes, so every change is on record.

Registration, profile and admin edits, imports and plugins bringing a choice made in
another system all come here (through :func:`host.services.users.register_user`
and :func:`host.services.users.update_user`, or :func:`record_consent` inside them).
The latest explicit choice wins: a choice older than the one the user's consent
already stands on changes nothing, so a late message from another system cannot
undo a newer decision made on the site, nor the other way round.
"""

from dataclasses import dataclass, field
from datetime import datetime

from host.models import Channel, ConsentChange, User
from host.snapshots import FieldChange
from host.timestamps import as_utc, utcnow

USER = "user"
ADMIN = "admin"
IMPORT = "import"

#: The user's consent field for each channel, as the user services and hooks name it.
CONSENT_FIELDS: dict[str, Channel] = {
    "marketing_email_consent": Channel.EMAIL,
    "marketing_sms_consent": Channel.SMS,
}
FIELD_OF: dict[Channel, str] = {channel: name for name, channel in CONSENT_FIELDS.items()}

_SOURCE_LABELS = {USER: "The user", ADMIN: "An admin", IMPORT: "An import"}


@dataclass(frozen=True)
class ConsentOrigin:
    """Who made a consent choice and when.

    :param source: ``user``, ``admin``, ``import``, or the name of another system
        (``salesforce``) whose record the choice was made on.
    :param at: when the choice was made, as that system says; None for now.
    :param note: a few words for the history, e.g. which record it came from.
    """

    source: str = USER
    at: datetime | None = None
    note: str = field(default="")

    def moment(self) -> datetime:
        return as_utc(self.at) if self.at is not None else utcnow()


def source_label(source: str | None) -> str:
    """How the history names a source."""
    if not source:
        return "Not recorded"
    return _SOURCE_LABELS.get(source, source.replace("_", " ").title())


def consent_of(user: User, channel: Channel) -> bool:
    return bool(getattr(user, FIELD_OF[channel]))


def consent_at(user: User, channel: Channel) -> datetime | None:
    """When the user's current consent on ``channel`` was chosen; None if never recorded."""
    moment: datetime | None = getattr(user, f"{channel.value}_consent_at")
    return as_utc(moment) if moment is not None else None


def _store(user: User, channel: Channel, granted: bool, origin: ConsentOrigin, at: datetime) -> None:
    setattr(user, FIELD_OF[channel], granted)
    setattr(user, f"{channel.value}_consent_at", at)
    setattr(user, f"{channel.value}_consent_source", origin.source)
    user.consent_changes.append(
        ConsentChange(channel=channel, granted=granted, source=origin.source, at=at, note=origin.note[:255])
    )


def initial_consent(user: User, channel: Channel, granted: bool, origin: ConsentOrigin) -> None:
    """Record a new user's first choice, ticked or not: the record starts at registration."""
    _store(user, channel, granted, origin, origin.moment())


def record_consent(user: User, channel: Channel, granted: bool, origin: ConsentOrigin) -> FieldChange | None:
    """Change the user's consent on ``channel`` if this choice is newer than the current one.

    Fires no hook: the user services that call it fire ``user_updated`` once for the
    whole edit.

    :return: the change, or None when the consent was already so or the current one
        was chosen later than ``origin.at``.
    """
    current = consent_of(user, channel)
    if current == granted:
        return None
    at = origin.moment()
    chosen = consent_at(user, channel)
    if chosen is not None and at < chosen:
        return None
    _store(user, channel, granted, origin, at)
    return FieldChange(current, granted)
