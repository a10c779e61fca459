"""The field mapping: which user field goes with which field of the Salesforce object.

The shared model of :mod:`plugins.salesforce_common.field_mapping`: one row per
Salesforce field, with its direction (to Salesforce, from Salesforce, or both) and a
default. Until the owner saves one, a default for the object type applies. Mappings
saved before rows existed (``{Salesforce field: user field}`` and the directions
beside them, per object) are moved on the first read.
"""

from typing import Any

from host.api import PluginStore, UserSnapshot
from plugins.salesforce_common import ObjectDescription
from plugins.salesforce_common.field_mapping import (
    Direction,
    FieldMapping,
    MappingRow,
    SiteField,
    SiteKind,
    load_field_mapping,
    outgoing_values,
    save_field_mapping,
)
from plugins.salesforce_contacts.user_fields import available_fields, read_user_field

LEGACY_MAPPING_KEY = "contacts.field_mapping"
LEGACY_DIRECTIONS_KEY = "contacts.field_directions"

#: Every direction: the plugin sends users and takes changes from Salesforce.
DIRECTIONS = (Direction.TO_SALESFORCE, Direction.FROM_SALESFORCE, Direction.BOTH)

_PERSON_DEFAULT = FieldMapping(
    (
        MappingRow("Email", "email"),
        MappingRow("FirstName", "first_name"),
        MappingRow("LastName", "last_name"),
        MappingRow("Phone", "phone"),
    )
)
DEFAULT_MAPPINGS: dict[str, FieldMapping] = {"contact": _PERSON_DEFAULT, "lead": _PERSON_DEFAULT}

_KINDS = {"registration_date": SiteKind.DATE}


def site_fields() -> list[SiteField]:
    """The user fields a row can name, with what each holds and whether Salesforce may change it."""
    return [
        SiteField(field.key, field.label, _KINDS.get(field.key, SiteKind.TEXT), field.writable)
        for field in available_fields()
    ]


def _legacy_mapping(store: PluginStore, object_type: str) -> FieldMapping | None:
    """The object's mapping and directions as kept before rows existed, as rows; the old values go."""
    key = object_type.lower()
    mappings, directions = dict(store.get(LEGACY_MAPPING_KEY) or {}), dict(store.get(LEGACY_DIRECTIONS_KEY) or {})
    if key not in mappings:
        return None
    saved, chosen = mappings.pop(key), directions.pop(key, {})
    for stored, name in ((mappings, LEGACY_MAPPING_KEY), (directions, LEGACY_DIRECTIONS_KEY)):
        if stored:
            store.set(name, stored)
        else:
            store.delete(name)
    return FieldMapping(
        tuple(
            MappingRow(field, site_field, Direction(chosen.get(field, Direction.TO_SALESFORCE)))
            for field, site_field in saved.items()
        )
    )


def load_mapping(store: PluginStore, object_type: str) -> FieldMapping:
    """The saved mapping for ``object_type``, else its default."""
    default = DEFAULT_MAPPINGS.get(object_type.lower(), FieldMapping())
    return load_field_mapping(store, object_type, default=default, legacy=_legacy_mapping)


def save_mapping(store: PluginStore, object_type: str, mapping: FieldMapping) -> None:
    save_field_mapping(store, object_type, mapping)


def outgoing_mapping(store: PluginStore, object_type: str) -> FieldMapping:
    """The rows a sync sends: every row not marked "from Salesforce" only."""
    return FieldMapping(load_mapping(store, object_type).outgoing())


def incoming_mapping(store: PluginStore, object_type: str) -> dict[str, str]:
    """``{Salesforce field: user field}`` a notification may change: marked "from Salesforce" or "both"."""
    return load_mapping(store, object_type).incoming()


def mapped_values(user: UserSnapshot, mapping: FieldMapping, description: ObjectDescription | None) -> dict[str, Any]:
    """The mapped fields' values for ``user``, converted to each field's type, defaults for blanks."""
    return outgoing_values(mapping, lambda key: read_user_field(user, key), description)
