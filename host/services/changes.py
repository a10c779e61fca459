"""Applying edits to a record and describing them as :class:`FieldChange` values."""

import enum
from collections.abc import Collection, Mapping
from typing import Any

from host.services.errors import InvalidValue
from host.snapshots import FieldChange

CUSTOM_FIELDS = "custom_fields"


def _plain(value: Any) -> Any:
    """Enum members become their value, so plugins see plain data in changes."""
    return value.value if isinstance(value, enum.Enum) else value


def apply_changes(record: Any, values: Mapping[str, Any], editable: Collection[str]) -> dict[str, FieldChange]:
    """Set ``values`` on ``record`` and return what actually changed.

    ``values`` may hold ``custom_fields``, a mapping merged key by key into the
    record's own; each changed key is reported as ``custom_fields.<key>``.

    :raises InvalidValue: a field is not in ``editable``.
    """
    changes: dict[str, FieldChange] = {}
    for name, new in values.items():
        if name == CUSTOM_FIELDS:
            continue
        if name not in editable:
            raise InvalidValue(name, "This field cannot be changed.")
        old = getattr(record, name)
        if old != new:
            setattr(record, name, new)
            changes[name] = FieldChange(_plain(old), _plain(new))
    if CUSTOM_FIELDS in values:
        merged = dict(record.custom_fields or {})
        for key, new in values[CUSTOM_FIELDS].items():
            old = merged.get(key)
            if old != new:
                merged[key] = new
                changes[f"{CUSTOM_FIELDS}.{key}"] = FieldChange(old, new)
        # A new dict, so SQLAlchemy sees the JSON column change.
        record.custom_fields = merged
    return changes
