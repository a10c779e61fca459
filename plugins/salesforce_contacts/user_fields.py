"""The site's user fields a mapping can send, and how each is read from a user.

Custom profile fields appear as ``custom.<key>``, the name the host gives them.
Only some fields may be written from Salesforce: never the role (a Salesforce user
must not be able to make someone a site admin) nor what the site itself decides.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from host.api import CustomFieldOwner, UserSnapshot, defined_fields

CUSTOM_PREFIX = "custom."


@dataclass(frozen=True)
class UserField:
    key: str
    label: str
    read: Callable[[UserSnapshot], Any]
    #: Whether a value from Salesforce may change it.
    writable: bool = False


BUILT_IN: tuple[UserField, ...] = (
    UserField("email", "Email", lambda user: user.email, writable=True),
    UserField("first_name", "First name", lambda user: user.first_name, writable=True),
    UserField("last_name", "Last name", lambda user: user.last_name, writable=True),
    UserField("display_name", "Display name", lambda user: user.display_name),
    UserField("phone", "Phone", lambda user: user.phone or None, writable=True),
    UserField("registration_date", "Registration date", lambda user: user.created_at),
    UserField("role", "Role", lambda user: user.role),
)
_BUILT_IN = {field.key: field for field in BUILT_IN}


def available_fields() -> list[UserField]:
    """Built-in fields, then the owner's custom profile fields."""
    custom = [
        UserField(f"{CUSTOM_PREFIX}{field.key}", field.label, _custom_reader(field.key), writable=True)
        for field in defined_fields(CustomFieldOwner.USER)
    ]
    return [*BUILT_IN, *custom]


def _custom_reader(key: str) -> Callable[[UserSnapshot], Any]:
    return lambda user: user.custom_fields.get(key)


def read_user_field(user: UserSnapshot, key: str) -> Any:
    """The value of ``key`` for ``user``; None for a field that no longer exists."""
    if key.startswith(CUSTOM_PREFIX):
        return user.custom_fields.get(key.removeprefix(CUSTOM_PREFIX))
    field = _BUILT_IN.get(key)
    return field.read(user) if field else None


def profile_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{user field key: value}`` as :func:`host.api.update_user` takes them;
    fields that may not be written from Salesforce are left out."""
    changes: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith(CUSTOM_PREFIX):
            custom[key.removeprefix(CUSTOM_PREFIX)] = value
        elif (field := _BUILT_IN.get(key)) is not None and field.writable:
            changes[key] = value
    if custom:
        changes["custom_fields"] = custom
    return changes
