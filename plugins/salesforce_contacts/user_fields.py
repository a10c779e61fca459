"""The site's user fields a mapping can send, and how each is read from a user.

Custom profile fields appear as ``custom.<key>``, the name the host gives them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from host.models import CustomFieldOwner
from host.services.custom_fields import defined_fields
from host.snapshots import UserSnapshot

CUSTOM_PREFIX = "custom."


@dataclass(frozen=True)
class UserField:
    key: str
    label: str
    read: Callable[[UserSnapshot], Any]


BUILT_IN: tuple[UserField, ...] = (
    UserField("email", "Email", lambda user: user.email),
    UserField("first_name", "First name", lambda user: user.first_name),
    UserField("last_name", "Last name", lambda user: user.last_name),
    UserField("display_name", "Display name", lambda user: user.display_name),
    UserField("phone", "Phone", lambda user: user.phone or None),
    UserField("registration_date", "Registration date", lambda user: user.created_at),
    UserField("role", "Role", lambda user: user.role),
)
_BUILT_IN = {field.key: field for field in BUILT_IN}


def available_fields() -> list[UserField]:
    """Built-in fields, then the owner's custom profile fields."""
    custom = [
        UserField(f"{CUSTOM_PREFIX}{field.key}", field.label, _custom_reader(field.key))
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
