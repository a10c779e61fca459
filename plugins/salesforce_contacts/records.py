"""The values a user's Salesforce record gets: mapping, defaults, opt-outs, tags, key."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from host.api import Channel, UserSnapshot
from plugins.salesforce_common import ObjectDescription
from plugins.salesforce_common.field_mapping import FieldMapping
from plugins.salesforce_contacts.consent import opt_out_fields, outgoing_opt_outs
from plugins.salesforce_contacts.mapping import mapped_values
from plugins.salesforce_contacts.segmentation import picklist_value
from plugins.salesforce_contacts.settings import Options, Segmentation


@dataclass(frozen=True)
class RecordValues:
    """A user's values for Salesforce, and the key that matches their record."""

    values: dict[str, Any]
    key_field: str
    key_value: str
    #: Opt-out values to send: an opt-out is sent even when only empty fields are filled.
    opt_outs: dict[str, bool]
    #: The record's opt-out field per channel, sent or not.
    consent_fields: dict[Channel, str] = field(default_factory=dict)
    #: The user's tags the restricted tag picklist has no value for, so not sent.
    left_out_tags: tuple[str, ...] = ()


def _required_defaults(
    user: UserSnapshot, options: Options, values: dict[str, Any], description: ObjectDescription | None, creating: bool
) -> dict[str, Any]:
    """Values for required fields the mapping leaves empty or does not send.

    Salesforce needs them only when the record may be created (an upsert). An update of a
    linked record leaves them out, so a field the owner takes from Salesforce only, or a
    blank one, is not sent and Salesforce keeps its value.
    """
    present = {name.lower() for name, value in values.items() if value not in (None, "")}
    if not creating:
        return {
            name: value for name, value in values.items() if name.lower() in present or not _required(description, name)
        }
    if _required(description, "LastName") and "lastname" not in present:
        values["LastName"] = user.last_name or user.email.split("@")[0]
    if _required(description, "Company") and "company" not in present:
        values["Company"] = options.default_company or "Website sign-up"
    return values


def _required(description: ObjectDescription | None, name: str) -> bool:
    field = description.field(name) if description else None
    return field is not None and field.required


def record_values(
    user: UserSnapshot,
    options: Options,
    mapping: FieldMapping,
    description: ObjectDescription | None,
    creating: bool = True,
    consent_marks: Mapping[str, str] | None = None,
) -> RecordValues:
    """What ``user``'s record should hold, by field API name; ``creating`` when it may not exist yet.

    The opt-outs are the site's stored choices, never a mapped value: see
    :func:`plugins.salesforce_contacts.consent.outgoing_opt_outs`, given the link's
    ``consent_marks``.
    """
    values = _required_defaults(user, options, mapped_values(user, mapping, description), description, creating)

    consent_fields = opt_out_fields(options, description)
    folded = {name.lower() for name in consent_fields.values()}
    values = {name: value for name, value in values.items() if name.lower() not in folded}
    opt_outs = outgoing_opt_outs(user, consent_fields, consent_marks or {})
    values.update(opt_outs)

    left_out_tags: tuple[str, ...] = ()
    if options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST) and options.segmentation_field:
        field = description.field(options.segmentation_field) if description else None
        choice = picklist_value(user.tags, field, options.segmentation)
        values[field.name if field else options.segmentation_field] = choice.value
        left_out_tags = choice.left_out

    if options.matches_by_external_id:
        key_value = str(user.id)
        values[options.match_field] = key_value
    else:
        key_value = user.email
        values = {name: value for name, value in values.items() if name.lower() != "email"} | {"Email": user.email}
    return RecordValues(values, options.match_field, key_value, opt_outs, consent_fields, left_out_tags)


def fill_only_empty(values: RecordValues, existing: dict[str, Any]) -> dict[str, Any]:
    """The values for fields the existing record leaves empty, plus any opt-out.

    An opt-out is always sent: a person who opted out on the site must not keep
    receiving email because Salesforce happened to hold a value.
    """
    existing_lower = {name.lower(): value for name, value in existing.items()}
    filled = {
        name: value
        for name, value in values.values.items()
        if value not in (None, "") and existing_lower.get(name.lower()) in (None, "") and name not in values.opt_outs
    }
    return filled | {name: True for name, opted_out in values.opt_outs.items() if opted_out}
