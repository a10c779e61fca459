"""The shared field mapping's rules on a small describe written out here: the form's
rows, the checks against describe, what a sync sends, and moving an earlier form.

The plugins' tests check the same pages against the emulator's describe over HTTP.
"""

from datetime import datetime
from typing import Any

from test_validation import field, picklist

from plugins.salesforce_common.describe import ObjectDescription
from plugins.salesforce_common.field_mapping import (
    DIRECTION_SENTENCE,
    FIELD_MAPPING_KEY,
    MAPPING_SENTENCE,
    Direction,
    FieldMapping,
    MappingRow,
    SiteField,
    SiteKind,
    load_field_mapping,
    mapping_problems,
    outgoing_values,
    posted_mapping,
    save_field_mapping,
)

CONTACT = ObjectDescription.from_describe(
    {
        "name": "Contact",
        "label": "Contact",
        "createable": True,
        "updateable": True,
        "fields": [
            field("LastName", nillable=False),
            field("Email", type="email"),
            field("Title", length=10),
            field("Name", createable=False, updateable=False),
            field("Birthdate", type="date"),
            field("Employees__c", type="int"),
            field("Tier__c", type="picklist", restrictedPicklist=True, picklistValues=picklist("Gold", "Silver")),
            field("Member__c", type="boolean", nillable=False, defaultedOnCreate=True),
        ],
    }
)
SITE_FIELDS = [
    SiteField("email", "Email"),
    SiteField("last_name", "Last name"),
    SiteField("joined", "Joined", SiteKind.DATE, writable=False),
    SiteField("role", "Role", writable=False),
]
ALL = (Direction.TO_SALESFORCE, Direction.FROM_SALESFORCE, Direction.BOTH)


def _problems(*rows: MappingRow, **kwargs: Any) -> list[str]:
    return mapping_problems(CONTACT, FieldMapping(rows), SITE_FIELDS, record_kind="user", **kwargs)


def test_the_form_gives_rows_and_leaves_out_empty_ones() -> None:
    posted = posted_mapping(
        {"map-LastName": "last_name", "direction-LastName": "both", "default-Title": "Member", "map-Email": ""},
        SITE_FIELDS,
        ALL,
    )
    assert posted == FieldMapping(
        (
            MappingRow("LastName", "last_name", Direction.BOTH),
            MappingRow("Title", "", Direction.TO_SALESFORCE, "Member"),
        )
    )


def test_the_form_refuses_what_the_page_did_not_offer() -> None:
    assert posted_mapping({"map-LastName": "password"}, SITE_FIELDS, ALL) == MAPPING_SENTENCE
    assert posted_mapping({"map-Last Name; DROP": "last_name"}, SITE_FIELDS, ALL) == MAPPING_SENTENCE
    assert (
        posted_mapping({"map-LastName": "last_name", "direction-LastName": "up"}, SITE_FIELDS, ALL)
        == DIRECTION_SENTENCE
    )
    only_out = (Direction.TO_SALESFORCE,)
    assert posted_mapping({"map-LastName": "last_name", "direction-LastName": "from"}, SITE_FIELDS, only_out) == (
        DIRECTION_SENTENCE
    )


def test_a_mapping_that_fits_has_no_problems() -> None:
    assert _problems(MappingRow("LastName", "last_name"), MappingRow("Birthdate", "joined")) == []


def test_each_rule_gives_its_sentence() -> None:
    problems = _problems(
        MappingRow("Email", "email"),
        MappingRow("Name", "last_name"),
        MappingRow("Birthdate", "email"),
        MappingRow("Title", "role", Direction.BOTH),
        MappingRow("Employees__c", "", default="many"),
        MappingRow("Tier__c", "", default="Bronze"),
        MappingRow("Nope__c", "email"),
    )
    assert problems == [
        "Name (Name) cannot be written on Contact; choose To Salesforce only for fields the page lists.",
        "Email is text, and Birthdate (Birthdate) takes a date: choose a field that fits.",
        "Role is not changed from Salesforce; choose To Salesforce for Title (Title).",
        "The default for Employees__c (Employees__c): 'many' is not a number.",
        "The default for Tier__c (Tier__c): 'Bronze' is not an allowed value of Tier__c on Contact (a restricted "
        "picklist); add it to the picklist in Salesforce or map the record to an allowed value.",
        "Contact has no field Nope__c; choose one the page lists.",
        "Salesforce requires LastName on Contact; map a user field to it or set a default.",
    ]


def test_a_required_field_is_fed_by_a_default_or_by_the_plugin() -> None:
    assert _problems(MappingRow("LastName", "", default="Unknown")) == []
    assert _problems(MappingRow("Email", "email"), fed_elsewhere=frozenset({"lastname"})) == []
    assert _problems(MappingRow("LastName", "last_name", Direction.FROM_SALESFORCE)) == [
        "Salesforce requires LastName on Contact; map a user field to it or set a default."
    ]


def test_a_sync_sends_values_in_their_fields_form_and_defaults_for_blanks() -> None:
    mapping = FieldMapping(
        (
            MappingRow("lastname", "last_name"),
            MappingRow("Title", "email", default="Member"),
            MappingRow("Birthdate", "joined"),
            MappingRow("Member__c", "", default="true"),
            MappingRow("Email", "email", Direction.FROM_SALESFORCE),
        )
    )
    values = {"last_name": "Lovelace", "email": "", "joined": datetime(2026, 1, 31, 9, 30)}
    assert outgoing_values(mapping, values.get, CONTACT) == {
        "LastName": "Lovelace",
        "Title": "Member",
        "Birthdate": "2026-01-31",
        "Member__c": True,
    }
    assert mapping.incoming() == {"Email": "email"}


class Store:
    """A plugin store's get, set and delete, kept in a dict."""

    def __init__(self, **values: Any) -> None:
        self.values = dict(values)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value

    def delete(self, key: str) -> None:
        self.values.pop(key, None)


def test_an_earlier_form_is_moved_once_and_a_saved_mapping_wins() -> None:
    store = Store(old={"LastName": "last_name"})
    calls = []

    def legacy(store: Any, sobject: str) -> FieldMapping | None:
        calls.append(sobject)
        old = store.get("old")
        store.delete("old")
        return None if old is None else FieldMapping(tuple(MappingRow(name, key) for name, key in old.items()))

    default = FieldMapping((MappingRow("Email", "email"),))
    moved = load_field_mapping(store, "Contact", default=default, legacy=legacy)  # type: ignore[arg-type]
    assert moved == FieldMapping((MappingRow("LastName", "last_name"),))
    assert load_field_mapping(store, "contact", default=default, legacy=legacy) == moved  # type: ignore[arg-type]
    assert calls == ["Contact"] and "old" not in store.values
    assert load_field_mapping(store, "Lead", default=default, legacy=legacy) == default  # type: ignore[arg-type]
    save_field_mapping(store, "Lead", FieldMapping())  # type: ignore[arg-type]
    assert store.values[FIELD_MAPPING_KEY] == {"contact": [moved.rows[0].to_json()], "lead": []}
