"""Create, update, upsert and delete with Salesforce's validation and error messages.

Validation runs from the describe metadata in :mod:`schema`, so what describe says a
field allows is exactly what a write accepts.
"""

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .errors import ApiError, FieldError, not_found
from .ids import normalize_id
from .schema import Field, SObjectType
from .store import Record

if TYPE_CHECKING:
    from .state import Org

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
NUMERIC = {"int", "double", "currency", "percent"}
#: Objects whose records exist but no API user may change: an update is an access refusal,
#: not an unsupported operation.
READ_ONLY_OBJECTS = {"Organization"}


class MultipleMatches(Exception):
    """An upsert key matched several records: Salesforce answers 300 with their URLs."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids)
        self.ids = ids


def _parse_error(value: Any, kind: str) -> ApiError:
    return ApiError.of(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {kind} from VALUE_STRING value {value} "
        "or request may be missing a required field",
    )


class Dml:
    def __init__(self, org: "Org") -> None:
        self.org = org

    def get(self, sobject: SObjectType, raw_id: str) -> Record:
        record_id = self.check_id(sobject, raw_id)
        record = self.org.store.get(sobject.name, record_id, include_deleted=True)
        if record is None:
            raise not_found()
        if record.get("IsDeleted"):
            raise ApiError.of(404, "ENTITY_IS_DELETED", "entity is deleted", [])
        return record

    def check_id(self, sobject: SObjectType, raw_id: str) -> str:
        record_id = normalize_id(raw_id)
        if record_id is None or record_id[:3] != sobject.key_prefix:
            raise ApiError.of(400, "MALFORMED_ID", f"{sobject.label} ID: id value of incorrect type: {raw_id}", ["Id"])
        return record_id

    def create(self, sobject: SObjectType, body: Any, user_id: str, allow_save: bool = False) -> str:
        if not sobject.createable:
            raise _unsupported(sobject, "insert")
        values = self.validate(sobject, body, None)
        now = self.org.clock.timestamp()
        record_id = self.org.ids.new(sobject.key_prefix)
        record: Record = {}
        for field in sobject.fields.values():
            record[field.name] = field.default_value if field.defaulted_on_create else None
        record.update(values)
        record.update(
            {"Id": record_id, "IsDeleted": False, "CreatedDate": now, "CreatedById": user_id, "SystemModstamp": now}
        )
        if "OwnerId" in record and record["OwnerId"] is None:
            record["OwnerId"] = user_id
        if "LastModifiedDate" in record:
            record.update({"LastModifiedDate": now, "LastModifiedById": user_id})
        self._derive(sobject, record)
        self._check_record(sobject, record, None, allow_save)
        self.org.store.put(sobject.name, record, "created")
        self.org.commerce.after_save(sobject, record)
        if sobject.name == "TopicAssignment":
            self._touch_for_topics(record["EntityId"], user_id)
        return record_id

    def update(self, sobject: SObjectType, raw_id: str, body: Any, user_id: str, allow_save: bool = False) -> str:
        if not sobject.updateable:
            raise _unsupported(sobject, "update")
        existing = self.get(sobject, raw_id)
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if not (k.lower() == "id" and normalize_id(str(v)) == existing["Id"])}
        values = self.validate(sobject, body, existing)
        record = {**existing, **values}
        now = self.org.clock.timestamp()
        record["SystemModstamp"] = now
        if "LastModifiedDate" in record:
            record.update({"LastModifiedDate": now, "LastModifiedById": user_id})
        self._derive(sobject, record)
        self._check_record(sobject, record, existing, allow_save)
        self.org.store.put(sobject.name, record, "updated")
        self.org.commerce.after_save(sobject, record)
        return record["Id"]

    def delete(self, sobject: SObjectType, raw_id: str, user_id: str | None = None) -> None:
        if not sobject.deletable:
            raise _unsupported(sobject, "delete")
        record = self.get(sobject, raw_id)
        self.org.commerce.before_delete(sobject, record)
        self.org.store.put(
            sobject.name, {**record, "IsDeleted": True, "SystemModstamp": self.org.clock.timestamp()}, "deleted"
        )
        self.org.commerce.after_delete(sobject, record)
        if sobject.name == "TopicAssignment":
            self._touch_for_topics(record["EntityId"], user_id)
        if sobject.name == "Topic" or sobject.name in self.org.config.topics_enabled:
            for assignment in self.org.store.records("TopicAssignment"):
                if record["Id"] in (assignment["TopicId"], assignment["EntityId"]):
                    self.org.store.put("TopicAssignment", {**assignment, "IsDeleted": True}, "deleted")

    def _touch_for_topics(self, entity_id: str, user_id: str | None) -> None:
        """What an admin's Apex trigger on TopicAssignment does so a rule on the record can see topic
        changes (workflow and flows cannot start from TopicAssignment): touch the parent record.
        Only done for objects with an outbound message that asks for it, with ``on: ["topics"]``."""
        entity = self.org.schema.by_prefix(entity_id[:3])
        parent = self.org.store.get(entity.name, entity_id) if entity else None
        if entity is None or parent is None or not self.org.outbound.fires_on_topics(entity.name):
            return
        now = self.org.clock.timestamp()
        touched = {**parent, "SystemModstamp": now}
        if "LastModifiedDate" in touched:
            touched["LastModifiedDate"] = now
            if user_id is not None:
                touched["LastModifiedById"] = user_id
        self.org.store.put(entity.name, touched, "topics")

    def lookup_field(self, sobject: SObjectType, field_name: str) -> Field:
        field = sobject.field(field_name)
        if field is None or not field.id_lookup:
            raise ApiError.of(
                404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field_name}"
            )
        return field

    def find_by(self, sobject: SObjectType, field: Field, value: str) -> list[Record]:
        if field.name == "Id":
            record_id = normalize_id(value)
            record = self.org.store.get(sobject.name, record_id) if record_id else None
            return [record] if record else []
        return self.org.store.find(sobject.name, field.name, value)

    def upsert(
        self,
        sobject: SObjectType,
        field_name: str,
        value: str,
        body: Any,
        user_id: str,
        update_only: bool = False,
        allow_save: bool = False,
    ) -> tuple[str, bool]:
        """Returns (id, created). Raises MultipleMatches when the key is ambiguous."""
        if not sobject.upsertable:
            raise _unsupported(sobject, "upsert")
        field = self.lookup_field(sobject, field_name)
        if isinstance(body, dict):
            body = dict(body)
            for key in [k for k in body if k.lower() == field.name.lower()]:
                if str(body.pop(key)).lower() != str(value).lower():
                    raise ApiError.of(
                        400,
                        "INVALID_FIELD",
                        f"The value of {field.name} in the request body does not match the URL",
                        [field.name],
                    )
        matches = self.find_by(sobject, field, value) if value else []
        if len(matches) > 1:
            raise MultipleMatches([r["Id"] for r in matches])
        if matches:
            return self.update(sobject, matches[0]["Id"], body, user_id, allow_save), False
        if update_only:
            raise not_found()
        if field.name != "Id" and value and isinstance(body, dict):
            body[field.name] = value
        return self.create(sobject, body, user_id, allow_save), True

    def validate(self, sobject: SObjectType, body: Any, existing: Record | None) -> Record:
        """Coerce and check the fields of a write; raise ApiError with Salesforce's errors."""
        if not isinstance(body, dict):
            raise ApiError.of(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from the request body")
        creating = existing is None
        values: Record = {}
        for key, raw in body.items():
            if key == "attributes":
                continue
            field = sobject.field(key)
            if field is None:
                raise ApiError.of(400, "INVALID_FIELD", f"No such column '{key}' on sobject of type {sobject.name}")
            if not (field.createable if creating else field.updateable):
                raise ApiError.of(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    f"Unable to create/update fields: {field.name}. Please check the security settings "
                    "of this field and verify that it is read/write for your profile or permission set.",
                    [field.name],
                )
            values[field.name] = self._coerce(field, raw)
        missing = [
            f.name
            for f in sobject.fields.values()
            if f.required
            and (
                (creating and values.get(f.name) is None)
                or (not creating and f.name in values and values[f.name] is None)
            )
        ]
        if missing:
            raise ApiError.of(
                400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
            )
        errors = [e for name, value in values.items() if (e := self._check(sobject.fields[name.lower()], value))]
        if errors:
            raise ApiError(400, errors)
        return values

    def _coerce(self, field: Field, raw: Any) -> Any:
        if field.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in ("true", "false"):
                return raw.lower() == "true"
            raise _parse_error(raw, "boolean")
        if raw is None or raw == "":
            return None
        if field.type in NUMERIC:
            try:
                number = float(raw) if not isinstance(raw, bool) else None
            except (TypeError, ValueError):
                number = None
            if number is None:
                raise _parse_error(raw, "double")
            return int(number) if field.type == "int" else number
        if field.type == "date":
            try:
                return date.fromisoformat(str(raw)[:10]).isoformat()
            except ValueError:
                raise _parse_error(raw, "date") from None
        if field.type == "datetime":
            return _datetime(raw)
        if isinstance(raw, (dict, list)):
            raise _parse_error(raw, "string")
        text = raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)
        return _multipicklist(field, text) if field.type == "multipicklist" else text

    def _check(self, field: Field, value: Any) -> FieldError | None:
        if value is None:
            return None
        if field.type == "reference":
            return self._check_reference(field, value)
        if isinstance(value, str) and field.length and len(value) > field.length:
            return FieldError(
                "STRING_TOO_LONG",
                f"{field.label}: data value too large: {value} (max length={field.length})",
                [field.name],
            )
        if field.type == "email" and not EMAIL.match(value):
            return FieldError("INVALID_EMAIL_ADDRESS", f"{field.label}: invalid email address: {value}", [field.name])
        if field.restricted_picklist:
            parts = value.split(";") if field.type == "multipicklist" else [value]
            for part in parts:
                if part not in field.picklist_values:
                    return FieldError(
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        f"{field.label}: bad value for restricted picklist field: {part}",
                        [field.name],
                    )
        return None

    def _check_reference(self, field: Field, value: str) -> FieldError | None:
        record_id = normalize_id(value)
        targets = [t for t in (self.org.schema.get(n) for n in field.reference_to) if t]
        if record_id is None or (targets and record_id[:3] not in {t.key_prefix for t in targets}):
            return FieldError("MALFORMED_ID", f"{field.label}: id value of incorrect type: {value}", [field.name])
        target = next((t for t in targets if t.key_prefix == record_id[:3]), None)
        if target is not None and self.org.store.get(target.name, record_id) is None:
            return FieldError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field.name])
        return None

    def _derive(self, sobject: SObjectType, record: Record) -> None:
        """Fields Salesforce computes: compound names, canonical IDs, topic entity details."""
        for field in sobject.fields.values():
            if field.type == "reference" and record.get(field.name):
                record[field.name] = normalize_id(record[field.name])
        if sobject.compound_name:
            record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p)
        if sobject.custom and not record.get("Name"):
            record["Name"] = record["Id"]
        if sobject.name == "TopicAssignment":
            entity = self.org.schema.by_prefix(record["EntityId"][:3])
            record["EntityKeyPrefix"] = record["EntityId"][:3]
            record["EntityType"] = entity.name if entity else None
        if sobject.name == "Order" and not record.get("OrderNumber"):
            record["OrderNumber"] = f"{len(self.org.store.table('Order')) + 100:08d}"

    def _check_record(self, sobject: SObjectType, record: Record, existing: Record | None, allow_save: bool) -> None:
        for field in sobject.fields.values():
            if (field.unique or (sobject.name == "Topic" and field.name == "Name")) and record.get(field.name):
                key = _unique_key(sobject, field, record[field.name])
                for other in self.org.store.records(sobject.name):
                    if (
                        other["Id"] != record["Id"]
                        and other.get(field.name) is not None
                        and _unique_key(sobject, field, other[field.name]) == key
                    ):
                        raise ApiError.of(
                            400,
                            "DUPLICATE_VALUE",
                            f"duplicate value found: {field.name} duplicates value on record with id: {other['Id']}",
                            [],
                        )
        if sobject.name == "TopicAssignment":
            self._check_assignment(record)
        self.org.commerce.before_save(sobject, record, existing)
        self.org.duplicates.check(sobject, record, allow_save)

    def _check_assignment(self, record: Record) -> None:
        entity_type = record["EntityType"]
        if entity_type not in self.org.config.topics_enabled:
            raise ApiError.of(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                f"Topics are not enabled for {entity_type or 'this object'}",
                ["EntityId"],
            )
        same_entity = self.org.store.find("TopicAssignment", "EntityId", record["EntityId"])
        for other in same_entity:
            if other["TopicId"] == record["TopicId"]:
                raise ApiError.of(
                    400,
                    "DUPLICATE_VALUE",
                    f"duplicate value found: TopicId duplicates value on record with id: {other['Id']}",
                    [],
                )
        if len(same_entity) >= self.org.config.max_topics_per_record:
            raise ApiError.of(
                400,
                "LIMIT_EXCEEDED",
                f"You can't add more than {self.org.config.max_topics_per_record} topics to a record.",
                ["TopicId"],
            )


def _multipicklist(field: Field, text: str) -> str | None:
    """Salesforce keeps each chosen value once, in the picklist's own order (values the picklist
    does not list, allowed when it is unrestricted, follow in the order given)."""
    chosen = list(dict.fromkeys(part for part in text.split(";") if part))
    order = {value: index for index, value in enumerate(field.picklist_values)}
    chosen.sort(key=lambda value: order.get(value, len(order)))
    return ";".join(chosen) or None


def _unique_key(sobject: SObjectType, field: Field, value: Any) -> str:
    """Topic names that differ only in spacing or case are duplicates; other uniques ignore case."""
    text = str(value).lower()
    return "".join(text.split()) if sobject.name == "Topic" else text


def _unsupported(sobject: SObjectType, operation: str) -> ApiError:
    if operation == "update" and sobject.name in READ_ONLY_OBJECTS:
        return ApiError.of(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
    return ApiError.of(400, "INVALID_TYPE_FOR_OPERATION", f"entity type {sobject.name} does not support {operation}")


def _datetime(raw: Any) -> str:
    text = str(raw).strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _parse_error(raw, "datetime") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
