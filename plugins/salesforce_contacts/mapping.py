"""The field mapping: which user field goes with which field of the Salesforce object.

Stored in the plugin's store as ``{salesforce field: user field key}``. Until the
owner saves one, a default for the object type applies, covering what Salesforce
requires (a Contact's or Lead's LastName). Each mapped field also has a direction
(to Salesforce, from Salesforce, or both), kept beside it; a field without one goes
to Salesforce only, as every field did before directions existed.
"""

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from host.api import PluginStore, UserSnapshot
from plugins.salesforce_common import ObjectDescription
from plugins.salesforce_contacts.user_fields import read_user_field

MAPPING_KEY = "contacts.field_mapping"
DIRECTIONS_KEY = "contacts.field_directions"


class Direction(enum.StrEnum):
    TO_SALESFORCE = "to"
    FROM_SALESFORCE = "from"
    BOTH = "both"

    @property
    def outgoing(self) -> bool:
        return self is not Direction.FROM_SALESFORCE

    @property
    def incoming(self) -> bool:
        return self is not Direction.TO_SALESFORCE


_PERSON_DEFAULT = {"Email": "email", "FirstName": "first_name", "LastName": "last_name", "Phone": "phone"}
DEFAULT_MAPPINGS: dict[str, dict[str, str]] = {"contact": _PERSON_DEFAULT, "lead": _PERSON_DEFAULT}


def load_mapping(store: PluginStore, object_type: str) -> dict[str, str]:
    """The saved mapping for ``object_type``, else its default."""
    saved = (store.get(MAPPING_KEY) or {}).get(object_type.lower())
    if saved is not None:
        return dict(saved)
    return dict(DEFAULT_MAPPINGS.get(object_type.lower(), {}))


def save_mapping(store: PluginStore, object_type: str, mapping: Mapping[str, str]) -> None:
    """Keep the mapping of ``object_type``, blank rows dropped, in the current session."""
    stored = dict(store.get(MAPPING_KEY) or {})
    stored[object_type.lower()] = {field: key for field, key in mapping.items() if field and key}
    store.set(MAPPING_KEY, stored)


def load_directions(store: PluginStore, object_type: str) -> dict[str, Direction]:
    """Each mapped field's direction for ``object_type``."""
    saved = (store.get(DIRECTIONS_KEY) or {}).get(object_type.lower(), {})
    return {field: Direction(saved.get(field, Direction.TO_SALESFORCE)) for field in load_mapping(store, object_type)}


def save_directions(store: PluginStore, object_type: str, directions: Mapping[str, Direction]) -> None:
    stored = dict(store.get(DIRECTIONS_KEY) or {})
    stored[object_type.lower()] = {field: Direction(direction).value for field, direction in directions.items()}
    store.set(DIRECTIONS_KEY, stored)


def outgoing_mapping(store: PluginStore, object_type: str) -> dict[str, str]:
    """The fields a sync sends: every mapped field not marked "from Salesforce" only."""
    directions = load_directions(store, object_type)
    return {field: key for field, key in load_mapping(store, object_type).items() if directions[field].outgoing}


def incoming_mapping(store: PluginStore, object_type: str) -> dict[str, str]:
    """The fields a notification may change: marked "from Salesforce" or "both"."""
    directions = load_directions(store, object_type)
    return {field: key for field, key in load_mapping(store, object_type).items() if directions[field].incoming}


def salesforce_value(value: Any, field_type: str | None) -> Any:
    """A site value in the form Salesforce takes for a field of ``field_type``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if field_type == "date":
            return value.date().isoformat()
        return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    if isinstance(value, date):
        return value.isoformat()
    if field_type == "boolean":
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes", "on"}
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(str(item) for item in value)
    return value


def mapped_values(
    user: UserSnapshot, mapping: Mapping[str, str], description: ObjectDescription | None
) -> dict[str, Any]:
    """The mapped fields' values for ``user``, converted to each field's type."""
    values = {}
    for field_name, key in mapping.items():
        info = description.field(field_name) if description else None
        values[info.name if info else field_name] = salesforce_value(
            read_user_field(user, key), info.type if info else None
        )
    return values
