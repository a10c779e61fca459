"""Accounts: registration, profile edits, deletion and tags, each firing its hook.

Plugins learn of every change through the lifecycle hooks fired here, with snapshots
taken after the change (before it, for deletion).
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from host.extensions import db
from host.models import CustomFieldOwner, Role, Tag, User
from host.plugins.dispatch import notify
from host.services.changes import CUSTOM_FIELDS, apply_changes
from host.services.consents import CONSENT_FIELDS, ConsentOrigin, initial_consent, record_consent
from host.services.custom_fields import check_custom_values
from host.services.emails import normalize_email
from host.services.errors import DuplicateEmail, InvalidValue
from host.services.passwords import check_new_password, hash_password, unusable_password
from host.services.search import matches_words
from host.snapshots import FieldChange, UserSnapshot

#: The fields :func:`update_user` changes (besides ``custom_fields`` and the consents).
PROFILE_FIELDS = ("email", "first_name", "last_name", "phone", "role")
NAME_FIELDS = ("first_name", "last_name")


def _required_text(field: str, value: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidValue(field, "This field is required.")
    return value


@contextmanager
def _unique_email() -> Iterator[None]:
    """Run a change in a savepoint, turning a clash on the unique email into DuplicateEmail.

    The database's unique constraint decides, so two simultaneous registrations of
    one address cannot both succeed.
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        raise DuplicateEmail() from error


def find_user_by_email(email: str) -> User | None:
    """The account with this address, whatever its case."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) or 0


def register_user(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    phone: str = "",
    marketing_email_consent: bool = False,
    marketing_sms_consent: bool = False,
    custom_fields: Mapping[str, Any] | None = None,
    role: Role = Role.SUBSCRIBER,
    consent_origin: ConsentOrigin | None = None,
) -> User:
    """Create an account, give it the registration tags, and fire ``user_registered``.

    Both consents are recorded as chosen at registration, ticked or not.

    :param password: None for an account that cannot log in until its owner chooses a
        password (one made from another system's record, say), without hashing one.
    :param consent_origin: who chose the consents; the new user, unless given.
    :raises InvalidValue: a value breaks a rule (``DuplicateEmail`` for a taken address).
    """
    if password is not None:
        check_new_password(password)
    user = User(
        email=normalize_email(email),
        password_hash=unusable_password() if password is None else hash_password(password),
        first_name=_required_text("first_name", first_name),
        last_name=_required_text("last_name", last_name),
        phone=phone.strip(),
        role=role,
        custom_fields=check_custom_values(CustomFieldOwner.USER, custom_fields or {}),
    )
    origin = consent_origin or ConsentOrigin(note="at registration")
    consents = {"marketing_email_consent": marketing_email_consent, "marketing_sms_consent": marketing_sms_consent}
    for name, channel in CONSENT_FIELDS.items():
        initial_consent(user, channel, consents[name], origin)
    registration_tags = set(db.session.scalars(select(Tag).where(Tag.apply_on_registration)))
    with _unique_email():
        db.session.add(user)
        user.tags = registration_tags
    notify("user_registered", user=UserSnapshot.of(user))
    return user


def update_user(
    user: User, values: Mapping[str, Any], consent_origin: ConsentOrigin | None = None
) -> Mapping[str, FieldChange]:
    """Change profile fields and fire ``user_updated`` when anything changed.

    :param values: new values by field name (see :data:`PROFILE_FIELDS`), optionally
        ``custom_fields``, merged into the stored ones key by key, and the consents
        (``marketing_email_consent``, ``marketing_sms_consent``).
    :param consent_origin: who chose the consents given; the user, now, unless given.
        A consent chosen before the current one was is left as it is.
    :return: what changed; empty when the values were already there.
    :raises InvalidValue: a value breaks a rule; nothing is changed.
    """
    values = dict(values)
    consents = {name: bool(values.pop(name)) for name in CONSENT_FIELDS if name in values}
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    for field in NAME_FIELDS:
        if field in values:
            values[field] = _required_text(field, values[field])
    if "role" in values:
        values["role"] = Role(values["role"])
        if user.is_admin and values["role"] is not Role.ADMIN and admin_count() <= 1:
            raise InvalidValue("role", "The site needs at least one admin.")
    if CUSTOM_FIELDS in values:
        values[CUSTOM_FIELDS] = check_custom_values(CustomFieldOwner.USER, values[CUSTOM_FIELDS])
    with _unique_email():
        changes = apply_changes(user, values, PROFILE_FIELDS)
    origin = consent_origin or ConsentOrigin()
    for name, granted in consents.items():
        if (change := record_consent(user, CONSENT_FIELDS[name], granted, origin)) is not None:
            changes[name] = change
    if changes:
        notify("user_updated", user=UserSnapshot.of(user), changes=MappingProxyType(changes))
    return changes


def set_password(user: User, password: str) -> None:
    """Replace the user's password; no hook fires, plugins never see passwords."""
    check_new_password(password)
    user.password_hash = hash_password(password)


def delete_user(user: User) -> None:
    """Fire ``user_deleted`` with the user as it is, then delete the account.

    :raises InvalidValue: the user is the last admin.
    """
    if user.is_admin and admin_count() <= 1:
        raise InvalidValue("role", "The last admin cannot be deleted.")
    notify("user_deleted", user=UserSnapshot.of(user))
    db.session.delete(user)
    db.session.flush()


def _lock_for_tag_change(users: list[User]) -> None:
    """Lock the users' rows and read their tags afresh, until the caller's transaction ends.

    Tags are read, changed and written back; without the lock, two requests changing
    one user's tags at once would both insert the same link, or both delete it. Rows
    are locked in id order, so two changes of overlapping users cannot deadlock.
    """
    if not users:
        return
    db.session.execute(
        select(User.id).where(User.id.in_([user.id for user in users])).order_by(User.id).with_for_update()
    )
    for user in users:
        db.session.expire(user, ["tags"])


def change_tags(users: Iterable[User], *, add: Iterable[Tag] = (), remove: Iterable[Tag] = ()) -> int:
    """Add and remove tags on each user, firing ``user_tags_changed`` per user changed.

    A user who already had every added tag and none of the removed ones is left
    alone and fires nothing. Concurrent changes of the same users wait for each other.

    :return: how many users changed.
    """
    to_add, to_remove = set(add), set(remove)
    if to_add & to_remove:
        raise InvalidValue("tags", "A tag cannot be added and removed at once.")
    users = list(users)
    _lock_for_tag_change(users)
    changed = 0
    for user in users:
        added, removed = to_add - user.tags, to_remove & user.tags
        if not added and not removed:
            continue
        user.tags = (user.tags | added) - removed
        db.session.flush()
        notify(
            "user_tags_changed",
            user=UserSnapshot.of(user),
            added=frozenset(tag.name for tag in added),
            removed=frozenset(tag.name for tag in removed),
        )
        changed += 1
    return changed


def users_matching(query: str = "", *, role: Role | None = None, tag: Tag | None = None) -> Select[tuple[User]]:
    """Users whose name or email contain every word of ``query``, newest first.

    :param role: only users with this role; None for every role.
    :param tag: only users with this tag; None whatever their tags.
    """
    columns = (User.first_name, User.last_name, User.email)
    statement = select(User).where(matches_words(columns, query))
    if role is not None:
        statement = statement.where(User.role == role)
    if tag is not None:
        statement = statement.where(User.tags.contains(tag))
    return statement.order_by(User.id.desc())


def admins() -> list[User]:
    """Every admin, by name: the people who can manage affiliates."""
    return list(
        db.session.scalars(select(User).where(User.role == Role.ADMIN).order_by(User.first_name, User.last_name))
    )
