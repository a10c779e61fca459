"""What the org's objects and fields are, from describeGlobal and describe.

Descriptions are cached in the plugin's store: mapping pages and the validator read
them on every use, and they change only when an admin edits the org, who then asks
for a refresh. The cache belongs to one org and API version; authorizing another
org empties it.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from host.api import PluginStore, independent_transaction
from plugins.salesforce_common.errors import InvalidObject, RecordNotFound

if TYPE_CHECKING:
    from plugins.salesforce_common.client import SalesforceClient

DESCRIBE_KEY = "salesforce.describe"

#: Field types whose values are strings limited by the field's ``length``.
TEXT_TYPES = frozenset(
    {"string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring"}
)
PICKLIST_TYPES = frozenset({"picklist", "multipicklist"})


@dataclass(frozen=True)
class FieldInfo:
    """The describe facts about one field that decide what may be sent to it."""

    name: str
    label: str
    type: str
    length: int
    createable: bool
    updateable: bool
    nillable: bool
    defaulted_on_create: bool
    restricted_picklist: bool
    #: Active picklist values, for picklist and multipicklist fields.
    picklist_values: tuple[str, ...]
    external_id: bool
    id_lookup: bool

    @property
    def required(self) -> bool:
        """Whether a create must give a value (Salesforce has no such flag of its own)."""
        return self.createable and not self.nillable and not self.defaulted_on_create

    @property
    def upsert_key(self) -> bool:
        """Whether records can be upserted by this field."""
        return self.external_id or self.id_lookup

    @classmethod
    def from_describe(cls, field: Mapping[str, Any]) -> "FieldInfo":
        return cls(
            name=field["name"],
            label=field.get("label") or field["name"],
            type=field.get("type") or "string",
            length=int(field.get("length") or 0),
            createable=bool(field.get("createable")),
            updateable=bool(field.get("updateable")),
            nillable=bool(field.get("nillable")),
            defaulted_on_create=bool(field.get("defaultedOnCreate")),
            restricted_picklist=bool(field.get("restrictedPicklist")),
            picklist_values=tuple(
                str(value["value"]) for value in field.get("picklistValues") or () if value.get("active", True)
            ),
            external_id=bool(field.get("externalId")),
            id_lookup=bool(field.get("idLookup")),
        )


@dataclass(frozen=True)
class ObjectDescription:
    """One object's describe, reduced to what the library and plugins use."""

    name: str
    label: str
    createable: bool
    updateable: bool
    fields: tuple[FieldInfo, ...]

    def field(self, name: str) -> FieldInfo | None:
        """The field called ``name``; Salesforce's names are case-insensitive."""
        return self._fields_by_name.get(name.lower())

    @cached_property
    def _fields_by_name(self) -> dict[str, FieldInfo]:
        """Fields by lower-cased name: a batch looks fields up for every record."""
        by_name: dict[str, FieldInfo] = {}
        for field in self.fields:
            by_name.setdefault(field.name.lower(), field)
        return by_name

    @property
    def required_fields(self) -> tuple[FieldInfo, ...]:
        return tuple(field for field in self.fields if field.required)

    @classmethod
    def from_describe(cls, describe: Mapping[str, Any]) -> "ObjectDescription":
        return cls(
            name=describe["name"],
            label=describe.get("label") or describe["name"],
            createable=bool(describe.get("createable")),
            updateable=bool(describe.get("updateable")),
            fields=tuple(FieldInfo.from_describe(field) for field in describe.get("fields") or ()),
        )

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> "ObjectDescription":
        fields = tuple(
            FieldInfo(**{**field, "picklist_values": tuple(field["picklist_values"])}) for field in stored["fields"]
        )
        return cls(**{**stored, "fields": fields})


@dataclass(frozen=True)
class ObjectSummary:
    """One entry of describeGlobal: enough to offer the object in a mapping page."""

    name: str
    label: str
    custom: bool
    createable: bool
    updateable: bool
    queryable: bool

    @classmethod
    def from_describe(cls, entry: Mapping[str, Any]) -> "ObjectSummary":
        return cls(
            name=entry["name"],
            label=entry.get("label") or entry["name"],
            custom=bool(entry.get("custom")),
            createable=bool(entry.get("createable")),
            updateable=bool(entry.get("updateable")),
            queryable=bool(entry.get("queryable")),
        )


def forget_descriptions(store: PluginStore) -> None:
    """Drop the cached descriptions, in the current session (e.g. another org was connected)."""
    store.delete(DESCRIBE_KEY)


class Describer:
    """describeGlobal and describe through a client, cached in the plugin's store."""

    def __init__(self, client: "SalesforceClient") -> None:
        self.client = client
        self.store = client.config.store

    def _cache(self) -> dict[str, Any]:
        with independent_transaction():
            cached = self.store.get(DESCRIBE_KEY) or {}
        if cached.get("api_version") != self.client.config.version:
            return {"api_version": self.client.config.version, "objects": {}}
        return cached

    def _save(self, cache: dict[str, Any]) -> None:
        with independent_transaction():
            self.store.set(DESCRIBE_KEY, cache)

    def objects(self, *, refresh: bool = False) -> list[ObjectSummary]:
        """Every object the connected user can see (describeGlobal)."""
        cache = self._cache()
        if refresh or "global" not in cache:
            payload = self.client.get_json("sobjects/")
            cache["global"] = [asdict(ObjectSummary.from_describe(entry)) for entry in payload["sobjects"]]
            self._save(cache)
        return [ObjectSummary(**entry) for entry in cache["global"]]

    def versions(self, *, refresh: bool = False) -> list[str]:
        """The API versions the org serves, oldest first (``/services/data/``)."""
        cache = self._cache()
        if refresh or "versions" not in cache:
            cache["versions"] = [str(entry["version"]) for entry in self.client.get_json("/services/data/")]
            self._save(cache)
        return list(cache["versions"])

    def describe(self, sobject: str, *, refresh: bool = False) -> ObjectDescription:
        """One object's fields (describe)."""
        cache = self._cache()
        key = sobject.lower()
        if refresh or key not in cache["objects"]:
            try:
                payload = self.client.get_json(f"sobjects/{sobject}/describe/", sobject=sobject)
            except RecordNotFound as error:
                # Salesforce answers an unknown object's describe with 404 NOT_FOUND.
                raise InvalidObject(error.salesforce_message, context=error.context, status=404) from error
            cache["objects"][key] = asdict(ObjectDescription.from_describe(payload))
            self._save(cache)
        return ObjectDescription.from_json(cache["objects"][key])
