"""Checking values against an object's describe before they are sent.

Most mistakes (a read-only field in the mapping, a missing Company, a value outside
a restricted picklist, a name too long) can be seen without a call. The validator
changes nothing and drops nothing: it reports every problem, as the same typed
errors, with the same sentences, as Salesforce's own answers would give one at a
time, and the plugin decides what to do with the record.
"""

import enum
from collections.abc import Mapping
from typing import Any

from plugins.salesforce_common.describe import PICKLIST_TYPES, TEXT_TYPES, FieldInfo, ObjectDescription
from plugins.salesforce_common.errors import (
    ApiError,
    ErrorContext,
    FieldNotWritable,
    InvalidField,
    RequiredFieldMissing,
    RestrictedPicklistValue,
    StringTooLong,
)


class Operation(enum.StrEnum):
    """What the values are for: an upsert may create or update, so both rules apply."""

    CREATE = "create"
    UPDATE = "update"
    UPSERT = "upsert"

    @property
    def creates(self) -> bool:
        return self is not Operation.UPDATE

    @property
    def updates(self) -> bool:
        return self is not Operation.CREATE


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _picklist_problems(field: FieldInfo, value: Any, context: ErrorContext) -> list[ApiError]:
    if not (field.type in PICKLIST_TYPES and field.restricted_picklist) or _blank(value):
        return []
    chosen = str(value).split(";") if field.type == "multipicklist" else [str(value)]
    return [
        RestrictedPicklistValue(value=choice, fields=[field.name], context=context)
        for choice in chosen
        if choice not in field.picklist_values
    ]


def _length_problems(field: FieldInfo, value: Any, context: ErrorContext) -> list[ApiError]:
    if field.type not in TEXT_TYPES or not field.length or _blank(value) or len(str(value)) <= field.length:
        return []
    return [StringTooLong(max_length=field.length, fields=[field.name], context=context)]


def _missing_required(description: ObjectDescription, given: Mapping[str, Any], operation: Operation) -> list[str]:
    """Required fields a create leaves out, and non-nillable fields an update would blank.

    :param given: the values about to be sent, by lower-cased field name.
    """
    missing = []
    # A nillable field is neither required nor refused blank.
    for field in description.not_nillable_fields:
        key = field.name.lower()
        left_out = operation.creates and field.required and _blank(given.get(key))
        blanked = operation.updates and not field.nillable and key in given and _blank(given[key])
        if left_out or blanked:
            missing.append(field.name)
    return missing


def validate_values(
    description: ObjectDescription,
    values: Mapping[str, Any],
    operation: Operation,
    *,
    record_kind: str = "record",
) -> list[ApiError]:
    """Every problem Salesforce would find with sending ``values`` to ``description``'s object.

    :param values: field API names (any case) to the values about to be sent.
    :param record_kind: the site's word for the record, for the sentences.
    :return: the problems, empty when the values can be sent.
    """
    context = ErrorContext(description.name, record_kind)
    known = {name: description.field(name) for name in values}
    problems: list[ApiError] = []

    unknown = [name for name, field in known.items() if field is None]
    if unknown:
        problems.append(InvalidField(fields=unknown, context=context))

    fields = {name: field for name, field in known.items() if field is not None}
    not_writable = [
        field.name
        for field in fields.values()
        if (operation.creates and not field.createable) or (operation.updates and not field.updateable)
    ]
    if not_writable:
        problems.append(FieldNotWritable(fields=not_writable, context=context))

    given = {field.name.lower(): values[name] for name, field in fields.items()}
    missing = _missing_required(description, given, operation)
    if missing:
        problems.append(RequiredFieldMissing(fields=missing, context=context))

    for name, field in fields.items():
        problems.extend(_picklist_problems(field, values[name], context))
        problems.extend(_length_problems(field, values[name], context))
    return problems
