"""Owner-defined fields on user profiles and affiliates."""

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from host.extensions import db
from host.models import CustomField, CustomFieldOwner
from host.services.errors import InvalidValue

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def defined_fields(owner: CustomFieldOwner) -> list[CustomField]:
    """The fields defined for ``owner`` records, in the order they were added."""
    return list(db.session.scalars(select(CustomField).where(CustomField.owner == owner).order_by(CustomField.id)))


def add_custom_field(owner: CustomFieldOwner, key: str, label: str, *, required: bool = False) -> CustomField:
    """Define a new field; its ``key`` names it in stored values and field mappings.

    :raises InvalidValue: the key is malformed or already used for ``owner``.
    """
    if not KEY_PATTERN.match(key):
        raise InvalidValue("key", "Use lower-case letters, digits and underscores, starting with a letter.")
    if not label.strip():
        raise InvalidValue("label", "Give the field a label.")
    if any(existing.key == key for existing in defined_fields(owner)):
        raise InvalidValue("key", f"There is already a field with the key {key!r}.")
    field = CustomField(owner=owner, key=key, label=label.strip(), required=required)
    db.session.add(field)
    db.session.flush()
    return field


def remove_custom_field(field: CustomField) -> None:
    """Remove a field's definition; values already stored under its key are kept."""
    db.session.delete(field)
    db.session.flush()


def check_custom_values(owner: CustomFieldOwner, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every key checked against the fields defined for ``owner``.

    :raises InvalidValue: a key names no defined field.
    """
    known = {field.key for field in defined_fields(owner)}
    for key in values:
        if key not in known:
            raise InvalidValue(f"custom_fields.{key}", "There is no such field.")
    return dict(values)
