"""Which affiliate field feeds which field of the destination object, and defaults.

The shared model of :mod:`plugins.salesforce_common.field_mapping`, one row per
Salesforce field, always to Salesforce. Lead starts with the obvious pairs and
Company's default; a custom object starts empty. Mappings saved before rows existed
(``{affiliate field: Salesforce field}`` and ``{Salesforce field: default}`` per
object) are moved on the first read.
"""

from typing import Any

from host.api import AffiliateSnapshot, CustomFieldOwner, Plugin, PluginStore, defined_fields
from plugins.salesforce_common import (
    ApiError,
    ObjectDescription,
    Operation,
    cached_description,
    refused_fields,
    validate_values,
)
from plugins.salesforce_common.field_mapping import (
    FieldMapping,
    MappingRow,
    SiteField,
    SiteKind,
    load_field_mapping,
    mapping_problems,
    outgoing_values,
    save_field_mapping,
)

LEGACY_KEY_PREFIX = "leads.mapping."
CUSTOM_PREFIX = "custom_fields."

#: The affiliate's own fields, in the order the mapping page lists them.
STANDARD_FIELDS: tuple[SiteField, ...] = (
    SiteField("id", "Affiliate ID", SiteKind.NUMBER),
    SiteField("first_name", "First name"),
    SiteField("last_name", "Last name"),
    SiteField("email", "Email"),
    SiteField("company", "Company"),
    SiteField("phone", "Phone"),
    SiteField("country", "Country"),
    SiteField("website", "Website"),
    SiteField("status", "Status"),
    SiteField("notes", "Notes"),
)

#: What a Lead's required Company says for an affiliate who gave none.
LEAD_DEFAULT_COMPANY = "Website sign-up"

LEAD_DEFAULT = FieldMapping(
    (
        MappingRow("FirstName", "first_name"),
        MappingRow("LastName", "last_name"),
        MappingRow("Email", "email"),
        MappingRow("Company", "company", default=LEAD_DEFAULT_COMPANY),
        MappingRow("Phone", "phone"),
        MappingRow("Country", "country"),
        MappingRow("Website", "website"),
    )
)


def affiliate_fields() -> list[SiteField]:
    """Every mappable affiliate field, owner-defined fields included."""
    custom = [
        SiteField(f"{CUSTOM_PREFIX}{item.key}", item.label) for item in defined_fields(CustomFieldOwner.AFFILIATE)
    ]
    return [*STANDARD_FIELDS, *custom]


def _legacy_mapping(store: PluginStore, sobject: str) -> FieldMapping | None:
    """The object's mapping as kept before rows existed, as rows; the old value is deleted."""
    key = f"{LEGACY_KEY_PREFIX}{sobject.lower()}"
    stored = store.get(key)
    if stored is None:
        return None
    rows = {target.lower(): MappingRow(target, site) for site, target in (stored.get("fields") or {}).items() if target}
    for target, default in (stored.get("defaults") or {}).items():
        if str(default).strip():
            found = rows.get(target.lower())
            rows[target.lower()] = MappingRow(target, found.site_field if found else "", default=str(default))
    store.delete(key)
    return FieldMapping(tuple(rows.values()))


def load_mapping(plugin: Plugin, sobject: str) -> FieldMapping:
    default = LEAD_DEFAULT if sobject.lower() == "lead" else FieldMapping()
    return load_field_mapping(plugin.store, sobject, default=default, legacy=_legacy_mapping)


def save_mapping(plugin: Plugin, sobject: str, mapping: FieldMapping) -> None:
    save_field_mapping(plugin.store, sobject, mapping)


def _value(affiliate: AffiliateSnapshot, key: str) -> Any:
    if key.startswith(CUSTOM_PREFIX):
        return affiliate.custom_fields.get(key.removeprefix(CUSTOM_PREFIX))
    if key == "id":
        return str(affiliate.id)
    if key == "status":
        return affiliate.status.replace("_", " ").capitalize()
    return getattr(affiliate, key, None)


def record_values(
    affiliate: AffiliateSnapshot, mapping: FieldMapping, description: ObjectDescription | None = None
) -> dict[str, Any]:
    """The destination record's values for ``affiliate``: mapped fields, defaults for blanks."""
    return outgoing_values(mapping, lambda key: _value(affiliate, key), description)


def leads_mapping_problems(description: ObjectDescription, mapping: FieldMapping) -> list[str]:
    """Why a mapping cannot work for every affiliate, as sentences; empty when it can."""
    return mapping_problems(description, mapping, affiliate_fields(), record_kind="affiliate")


def send_problems(description: ObjectDescription, values: dict[str, Any], operation: Operation) -> list[ApiError]:
    """What Salesforce would refuse in ``values``, found without a call."""
    return validate_values(description, values, operation, record_kind="affiliate")


def refused_mapped_fields(description: ObjectDescription | None, mapping: FieldMapping) -> dict[str, str]:
    """The mapped fields Salesforce no longer takes (deleted, or read-only), each with why and the fix."""
    if description is None:
        return {}
    return refused_fields(description, mapping.sent_fields(), "affiliate")


def mapping_warnings(plugin: Plugin, sobject: str) -> list[str]:
    """What the dashboard says of the mapping, from the cached describe (no call)."""
    description = cached_description(plugin.store, sobject)
    return list(refused_mapped_fields(description, load_mapping(plugin, sobject)).values())
