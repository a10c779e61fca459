"""One field mapping for every Salesforce plugin: rows of site field, Salesforce field,
direction and default, stored alike, edited with one form and checked against describe.

A row feeds its Salesforce field from the site field, or with its default when the
site field is blank or none is chosen. Mappings are kept per object, so switching
objects and back keeps each. Plugins that stored mappings their own way before pass
a reader of the old form; it is moved into this one on the first read.
"""

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from host.api import PluginStore, control_character_problem
from plugins.salesforce_common.api_names import check_api_name
from plugins.salesforce_common.describe import TEXT_TYPES, FieldInfo, ObjectDescription
from plugins.salesforce_common.errors import ErrorContext, RequiredFieldMissing
from plugins.salesforce_common.validation import Operation, validate_values

FIELD_MAPPING_KEY = "salesforce.field_mapping"

#: The form's names: ``map-<Salesforce field>`` is the site field, and so on.
MAP_PREFIX = "map-"
DIRECTION_PREFIX = "direction-"
DEFAULT_PREFIX = "default-"

MAPPING_SENTENCE = "Choose site fields from the lists for Salesforce fields of the object; nothing was saved."
DIRECTION_SENTENCE = "Choose To Salesforce, From Salesforce or Both ways for each mapped field; nothing was saved."

_API_NAME = check_api_name("A field", "Site_User_Id__c")


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

    @property
    def label(self) -> str:
        return {"to": "To Salesforce", "from": "From Salesforce", "both": "Both ways"}[self.value]


class SiteKind(enum.StrEnum):
    """What a site field holds, which decides the Salesforce fields it fits."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"


#: Salesforce field types each kind of site value can go into (and come from).
FITTING_TYPES: dict[SiteKind, frozenset[str]] = {
    SiteKind.TEXT: TEXT_TYPES,
    SiteKind.NUMBER: TEXT_TYPES | {"double", "int", "long", "currency", "percent"},
    SiteKind.DATE: TEXT_TYPES | {"date", "datetime"},
    SiteKind.BOOLEAN: TEXT_TYPES | {"boolean"},
}
_NUMBER_TYPES = FITTING_TYPES[SiteKind.NUMBER] - TEXT_TYPES

#: How sentences name what a Salesforce field type takes.
TYPE_WORDS = {
    "double": "a number",
    "int": "a whole number",
    "long": "a whole number",
    "currency": "an amount",
    "percent": "a percentage",
    "date": "a date",
    "datetime": "a date and time",
    "boolean": "true or false",
    "reference": "a record ID",
}
KIND_WORDS = {
    SiteKind.TEXT: "text",
    SiteKind.NUMBER: "a number",
    SiteKind.DATE: "a date",
    SiteKind.BOOLEAN: "yes or no",
}


@dataclass(frozen=True)
class SiteField:
    """A field of the site's records that a mapping row can name."""

    key: str
    label: str
    kind: SiteKind = SiteKind.TEXT
    #: Whether a value from Salesforce may change it.
    writable: bool = True


@dataclass(frozen=True)
class MappingRow:
    salesforce_field: str
    site_field: str = ""
    direction: Direction = Direction.TO_SALESFORCE
    default: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "salesforce_field": self.salesforce_field,
            "site_field": self.site_field,
            "direction": self.direction.value,
            "default": self.default,
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> "MappingRow":
        return cls(
            str(stored["salesforce_field"]),
            str(stored.get("site_field") or ""),
            Direction(stored.get("direction") or Direction.TO_SALESFORCE),
            str(stored.get("default") or ""),
        )


@dataclass(frozen=True)
class FieldMapping:
    rows: tuple[MappingRow, ...] = field(default_factory=tuple)

    def row(self, salesforce_field: str) -> MappingRow | None:
        """The row of ``salesforce_field``; Salesforce's names are case-insensitive."""
        return next((row for row in self.rows if row.salesforce_field.lower() == salesforce_field.lower()), None)

    def site_field(self, salesforce_field: str) -> str:
        """The site field ``salesforce_field``'s row names; blank when none does."""
        found = self.row(salesforce_field)
        return found.site_field if found else ""

    def sent_fields(self) -> list[str]:
        """The Salesforce fields of the rows a sync sends."""
        return [row.salesforce_field for row in self.outgoing()]

    def outgoing(self) -> tuple[MappingRow, ...]:
        return tuple(row for row in self.rows if row.direction.outgoing)

    def incoming(self) -> dict[str, str]:
        """``{Salesforce field: site field}`` of the rows a value from Salesforce may change."""
        return {row.salesforce_field: row.site_field for row in self.rows if row.direction.incoming and row.site_field}

    def fed_fields(self) -> set[str]:
        """Salesforce fields a sync sends something to, lower-cased."""
        return {row.salesforce_field.lower() for row in self.outgoing() if row.site_field or row.default.strip()}

    def to_json(self) -> list[dict[str, str]]:
        return [row.to_json() for row in self.rows]

    @classmethod
    def from_json(cls, stored: Sequence[Mapping[str, Any]]) -> "FieldMapping":
        return cls(tuple(MappingRow.from_json(row) for row in stored))


#: Reads a plugin's mapping of an object in the form it stored before, deleting it;
#: None when there is none.
LegacyReader = Callable[[PluginStore, str], "FieldMapping | None"]


def load_field_mapping(
    store: PluginStore, sobject: str, *, default: FieldMapping, legacy: LegacyReader | None = None
) -> FieldMapping:
    """The saved mapping of ``sobject``, else ``default``; an old-form mapping is moved first,
    in the current session."""
    saved = (store.get(FIELD_MAPPING_KEY) or {}).get(sobject.lower())
    if saved is not None:
        return FieldMapping.from_json(saved)
    migrated = legacy(store, sobject) if legacy else None
    if migrated is None:
        return default
    save_field_mapping(store, sobject, migrated)
    return migrated


def save_field_mapping(store: PluginStore, sobject: str, mapping: FieldMapping) -> None:
    """Keep ``sobject``'s mapping, in the current session."""
    stored = dict(store.get(FIELD_MAPPING_KEY) or {})
    stored[sobject.lower()] = mapping.to_json()
    store.set(FIELD_MAPPING_KEY, stored)


def posted_mapping(
    form: Mapping[str, str], site_fields: Sequence[SiteField], directions: Sequence[Direction]
) -> FieldMapping | str:
    """The mapping the form posted, or the sentence refusing it.

    Only what the page offers is taken: Salesforce API names, the site fields listed,
    the plugin's directions. A row with neither a site field nor a default is left out.
    """
    keys = {item.key for item in site_fields}
    names = [
        name.removeprefix(prefix) for name in form for prefix in (MAP_PREFIX, DEFAULT_PREFIX) if name.startswith(prefix)
    ]
    rows = []
    for name in dict.fromkeys(names):
        site_field = form.get(f"{MAP_PREFIX}{name}", "").strip()
        default = form.get(f"{DEFAULT_PREFIX}{name}", "").strip()
        if not (site_field or default):
            continue
        if _API_NAME(name) or (site_field and site_field not in keys):
            return MAPPING_SENTENCE
        try:
            direction = Direction(form.get(f"{DIRECTION_PREFIX}{name}") or directions[0])
        except ValueError:
            return DIRECTION_SENTENCE
        if direction not in directions:
            return DIRECTION_SENTENCE
        rows.append(MappingRow(name, site_field, direction, default))
    return FieldMapping(tuple(rows))


def mapping_problems(
    description: ObjectDescription,
    mapping: FieldMapping,
    site_fields: Sequence[SiteField],
    *,
    record_kind: str,
    fed_elsewhere: frozenset[str] = frozenset(),
) -> list[str]:
    """Why ``mapping`` cannot work for every record, as sentences; empty when it can.

    :param fed_elsewhere: lower-cased Salesforce fields the plugin fills itself, such
        as the Email it matches records by.
    """
    by_key = {item.key: item for item in site_fields}
    problems: list[str] = []
    for row in mapping.rows:
        found = description.field(row.salesforce_field)
        if found is None:
            problems.append(f"{description.name} has no field {row.salesforce_field}; choose one the page lists.")
            continue
        site_field = by_key.get(row.site_field)
        problems.extend(_row_problems(description, found, row, site_field))
    unfed = [
        item.name
        for item in description.required_fields
        if item.name.lower() not in mapping.fed_fields() | fed_elsewhere
    ]
    if unfed:
        problems.append(str(RequiredFieldMissing(fields=unfed, context=ErrorContext(description.name, record_kind))))
    return problems


def _row_problems(
    description: ObjectDescription, found: FieldInfo, row: MappingRow, site_field: SiteField | None
) -> list[str]:
    named = f"{found.label} ({found.name})"
    problems = []
    if row.direction.outgoing and not (found.createable and found.updateable):
        problems.append(
            f"{named} cannot be written on {description.name}; choose To Salesforce only for fields the page lists."
        )
    if row.direction.incoming and site_field is not None and not site_field.writable:
        problems.append(f"{site_field.label} is not changed from Salesforce; choose To Salesforce for {named}.")
    if site_field is not None and found.type not in FITTING_TYPES[site_field.kind]:
        problems.append(
            f"{site_field.label} is {KIND_WORDS[site_field.kind]}, and {named} takes "
            f"{TYPE_WORDS.get(found.type, found.type + ' values')}: choose a field that fits."
        )
    if row.default.strip() and row.direction.outgoing:
        problems.extend(
            f"The default for {named}: {problem}" for problem in _default_problems(description, found, row.default)
        )
    return problems


def _default_problems(description: ObjectDescription, found: FieldInfo, default: str) -> list[str]:
    if problem := control_character_problem(default):
        return [problem]
    if found.type not in TEXT_TYPES and found.type not in {"boolean", "date", "datetime"} | _NUMBER_TYPES:
        return [
            f"{found.name} takes {TYPE_WORDS.get(found.type, found.type + ' values')}, which a default cannot give."
        ]
    if found.type in _NUMBER_TYPES and not _is_number(default):
        return [f"{default!r} is not a number."]
    if found.type == "boolean" and default.lower() not in {"true", "false"}:
        return ["give true or false."]
    if found.type in {"date", "datetime"} and not _is_date(default):
        return [f"{default!r} is not a date such as 2026-01-31."]
    return [str(problem) for problem in validate_values(description, {found.name: default}, Operation.UPDATE)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


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
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(item) for item in value)
    return value


def outgoing_values(
    mapping: FieldMapping, read: Callable[[str], Any], description: ObjectDescription | None
) -> dict[str, Any]:
    """What a sync sends: each outgoing row's site value in its field's form, else its default."""
    values: dict[str, Any] = {}
    for row in mapping.outgoing():
        info = description.field(row.salesforce_field) if description else None
        value = salesforce_value(read(row.site_field), info.type if info else None) if row.site_field else None
        if value is None and row.default.strip():
            value = salesforce_value(row.default, info.type if info else None)
        values[info.name if info else row.salesforce_field] = value
    return values
