"""Which affiliate field feeds which field of the destination object, and defaults.

Kept per destination object, so switching from Lead to a custom object and back
keeps each mapping. Lead starts with the obvious pairs; a custom object starts
empty. A blank right side is ignored when sending.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from host.api import AffiliateSnapshot, CustomFieldOwner, Plugin, control_character_problem, defined_fields
from plugins.salesforce_common import (
    ApiError,
    ErrorContext,
    ObjectDescription,
    Operation,
    RequiredFieldMissing,
    cached_description,
    refused_fields,
    validate_values,
)

MAPPING_KEY_PREFIX = "leads.mapping."
CUSTOM_PREFIX = "custom_fields."

#: The affiliate's own fields, in the order the mapping page lists them.
STANDARD_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "Affiliate ID"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("country", "Country"),
    ("website", "Website"),
    ("status", "Status"),
    ("notes", "Notes"),
)

#: What a Lead's required Company says for an affiliate who gave none.
LEAD_DEFAULT_COMPANY = "Website sign-up"

LEAD_DEFAULT_FIELDS = {
    "first_name": "FirstName",
    "last_name": "LastName",
    "email": "Email",
    "company": "Company",
    "phone": "Phone",
    "country": "Country",
    "website": "Website",
}


@dataclass(frozen=True)
class FieldMapping:
    """Affiliate field key → Salesforce field name, and Salesforce field → default value."""

    fields: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"fields": dict(self.fields), "defaults": dict(self.defaults)}

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> "FieldMapping":
        return cls(dict(stored.get("fields") or {}), dict(stored.get("defaults") or {}))

    def fed_fields(self) -> set[str]:
        """Salesforce fields something feeds, lower-cased."""
        return {name.lower() for name in self.fields.values() if name} | {
            name.lower() for name, value in self.defaults.items() if str(value).strip()
        }


def affiliate_fields() -> list[tuple[str, str]]:
    """Every mappable affiliate field as (key, label), owner-defined fields included."""
    custom = [(f"{CUSTOM_PREFIX}{item.key}", item.label) for item in defined_fields(CustomFieldOwner.AFFILIATE)]
    return [*STANDARD_FIELDS, *custom]


def load_mapping(plugin: Plugin, sobject: str) -> FieldMapping:
    stored = plugin.store.get(f"{MAPPING_KEY_PREFIX}{sobject.lower()}")
    if stored is None:
        if sobject.lower() == "lead":
            return FieldMapping(dict(LEAD_DEFAULT_FIELDS), {"Company": LEAD_DEFAULT_COMPANY})
        return FieldMapping()
    return FieldMapping.from_json(stored)


def save_mapping(plugin: Plugin, sobject: str, mapping: FieldMapping) -> None:
    plugin.store.set(f"{MAPPING_KEY_PREFIX}{sobject.lower()}", mapping.to_json())


def _value(affiliate: AffiliateSnapshot, key: str) -> Any:
    if key.startswith(CUSTOM_PREFIX):
        return affiliate.custom_fields.get(key.removeprefix(CUSTOM_PREFIX))
    if key == "id":
        return str(affiliate.id)
    if key == "status":
        return affiliate.status.replace("_", " ").capitalize()
    return getattr(affiliate, key, None)


def _sendable(value: Any) -> Any:
    """Values as Salesforce takes them: lists of choices become multipicklist strings."""
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(item) for item in value)
    return value


def record_values(affiliate: AffiliateSnapshot, mapping: FieldMapping) -> dict[str, Any]:
    """The destination record's values for ``affiliate``: mapped fields, then defaults for blanks."""
    values: dict[str, Any] = {}
    for key, target in mapping.fields.items():
        if target:
            value = _sendable(_value(affiliate, key))
            values[target] = None if value in ("", None) else value
    lowered = {name.lower(): name for name in values}
    for target, default in mapping.defaults.items():
        if not str(default).strip():
            continue
        name = lowered.get(target.lower(), target)
        if values.get(name) in ("", None):
            values[name] = default
    return values


def mapping_problems(description: ObjectDescription, mapping: FieldMapping) -> list[str]:
    """Why a mapping cannot work for every affiliate, as sentences; empty when it can."""
    problems: list[str] = []
    for target in {name for name in mapping.fields.values() if name}:
        found = description.field(target)
        if found is None or not (found.createable and found.updateable):
            problems.append(
                f"{target} cannot be written on {description.name}; choose one of the fields the mapping page offers."
            )
    unfed = [item.name for item in description.required_fields if item.name.lower() not in mapping.fed_fields()]
    if unfed:
        problems.append(str(RequiredFieldMissing(fields=unfed, context=ErrorContext(description.name, "affiliate"))))
    defaults = {name: value for name, value in mapping.defaults.items() if str(value).strip()}
    problems.extend(
        f"The default for {name}: {problem}"
        for name, value in defaults.items()
        if (problem := control_character_problem(str(value)))
    )
    problems.extend(
        str(problem)
        for problem in validate_values(description, defaults, Operation.UPDATE, record_kind="affiliate")
        if not isinstance(problem, RequiredFieldMissing)
    )
    return problems


def send_problems(description: ObjectDescription, values: Mapping[str, Any], operation: Operation) -> list[ApiError]:
    """What Salesforce would refuse in ``values``, found without a call."""
    return validate_values(description, values, operation, record_kind="affiliate")


def refused_mapped_fields(description: ObjectDescription | None, mapping: FieldMapping) -> dict[str, str]:
    """The mapped fields Salesforce no longer takes (deleted, or read-only), each with why and the fix."""
    if description is None:
        return {}
    return refused_fields(description, (name for name in mapping.fields.values() if name), "affiliate")


def mapping_warnings(plugin: Plugin, sobject: str) -> list[str]:
    """What the dashboard says of the mapping, from the cached describe (no call)."""
    description = cached_description(plugin.store, sobject)
    return list(refused_mapped_fields(description, load_mapping(plugin, sobject)).values())
