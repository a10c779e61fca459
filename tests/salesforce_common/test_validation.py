"""The describe-driven validator: every problem reported, nothing dropped, no call made.

The emulator tests check the same against a describe fetched over HTTP; these pin
the rules on a small describe written out here.
"""

import pytest

from plugins.salesforce_common.describe import ObjectDescription
from plugins.salesforce_common.errors import (
    FieldNotWritable,
    InvalidField,
    RequiredFieldMissing,
    RestrictedPicklistValue,
    StringTooLong,
)
from plugins.salesforce_common.validation import Operation, validate_values


def field(name: str, **facts: object) -> dict:
    return {
        "name": name,
        "label": name,
        "type": "string",
        "length": 80,
        "createable": True,
        "updateable": True,
        "nillable": True,
        "defaultedOnCreate": False,
        "restrictedPicklist": False,
        "picklistValues": [],
        **facts,
    }


def picklist(*values: str, inactive: tuple[str, ...] = ()) -> list[dict]:
    return [{"value": value, "active": True} for value in values] + [
        {"value": value, "active": False} for value in inactive
    ]


LEAD = ObjectDescription.from_describe(
    {
        "name": "Lead",
        "label": "Lead",
        "createable": True,
        "updateable": True,
        "fields": [
            field(
                "Id", type="id", length=18, createable=False, updateable=False, nillable=False, defaultedOnCreate=True
            ),
            field("Name", length=121, createable=False, updateable=False),
            field("LastName", nillable=False),
            field("Company", length=255, nillable=False),
            field("Email", type="email"),
            field("Status", type="picklist", nillable=False, defaultedOnCreate=True, picklistValues=picklist("Open")),
            field("IsConverted", type="boolean", length=0, nillable=False, defaultedOnCreate=True, updateable=False),
            field(
                "LeadSource",
                type="picklist",
                length=255,
                restrictedPicklist=True,
                picklistValues=picklist("Web", "Partner", inactive=("Fax",)),
            ),
            field(
                "Interests__c",
                type="multipicklist",
                length=4099,
                restrictedPicklist=True,
                picklistValues=picklist("Golf", "Tennis"),
            ),
            field("Rating", type="picklist", picklistValues=picklist("Hot")),
            field("Site_Id__c", createable=True, updateable=False, externalId=True),
        ],
    }
)

GOOD = {"LastName": "Doe", "Company": "Acme", "Email": "jane@example.com"}


def check(values: dict, operation: Operation = Operation.CREATE) -> list:
    return validate_values(LEAD, values, operation, record_kind="affiliate")


def test_good_values_have_no_problems() -> None:
    assert check(GOOD) == []
    assert check({"LastName": "Roe"}, Operation.UPDATE) == []


def test_required_means_createable_not_nillable_and_not_defaulted() -> None:
    assert [f.name for f in LEAD.required_fields] == ["LastName", "Company"]


def test_every_missing_required_field_is_reported_at_once() -> None:
    [problem] = check({"Email": "jane@example.com", "Company": "  "})
    assert isinstance(problem, RequiredFieldMissing)
    assert problem.fields == ("LastName", "Company")
    assert (
        str(problem)
        == "Salesforce requires LastName and Company on Lead; map affiliate fields to them or set defaults."
    )


def test_an_update_may_leave_required_fields_out_but_not_blank_them() -> None:
    assert check({"Email": "x@example.com"}, Operation.UPDATE) == []
    [problem] = check({"Company": None}, Operation.UPDATE)
    assert isinstance(problem, RequiredFieldMissing) and problem.fields == ("Company",)


def test_an_upsert_may_create_so_it_needs_required_fields() -> None:
    [problem] = check({"Email": "x@example.com"}, Operation.UPSERT)
    assert isinstance(problem, RequiredFieldMissing)


def test_fields_that_cannot_be_written_are_reported_not_dropped() -> None:
    [problem] = check({**GOOD, "Name": "Jane Doe"})
    assert isinstance(problem, FieldNotWritable) and problem.fields == ("Name",)
    assert str(problem).startswith("Salesforce does not let the connected user set Name on Lead")


@pytest.mark.parametrize(
    ("operation", "reported"), [(Operation.CREATE, False), (Operation.UPDATE, True), (Operation.UPSERT, True)]
)
def test_create_only_fields_are_refused_where_the_call_may_update(operation: Operation, reported: bool) -> None:
    problems = check({**GOOD, "Site_Id__c": "7"}, operation)
    assert any(isinstance(p, FieldNotWritable) and p.fields == ("Site_Id__c",) for p in problems) is reported


def test_unknown_fields_are_reported_in_any_case() -> None:
    [problem] = check({**GOOD, "lastname": "Doe", "Shoe_Size__c": 9})
    assert isinstance(problem, InvalidField) and problem.fields == ("Shoe_Size__c",)


def test_restricted_picklists_accept_only_active_values() -> None:
    assert check({**GOOD, "LeadSource": "Web"}) == []
    [problem] = check({**GOOD, "LeadSource": "Fax"})
    assert isinstance(problem, RestrictedPicklistValue) and problem.value == "Fax" and problem.fields == ("LeadSource",)
    assert str(problem) == (
        "'Fax' is not an allowed value of LeadSource on Lead (a restricted picklist); add it to the picklist in "
        "Salesforce or map the affiliate to an allowed value."
    )


def test_each_value_of_a_multipicklist_is_checked() -> None:
    assert check({**GOOD, "Interests__c": "Golf;Tennis"}) == []
    problems = check({**GOOD, "Interests__c": "Golf;Chess;Darts"})
    assert [p.value for p in problems] == ["Chess", "Darts"]


def test_unrestricted_picklists_take_any_value() -> None:
    assert check({**GOOD, "Rating": "Lukewarm"}) == []


def test_strings_over_the_fields_length_are_reported() -> None:
    assert check({**GOOD, "LastName": "x" * 80}) == []
    [problem] = check({**GOOD, "LastName": "x" * 81})
    assert isinstance(problem, StringTooLong) and problem.max_length == 80
    assert str(problem) == (
        "The affiliate's value for LastName is longer than Lead allows (80 characters); shorten it or map a "
        "different field."
    )


def test_all_problems_of_a_record_are_reported_together() -> None:
    problems = check({"Name": "N", "LeadSource": "Fax", "Email": "e" * 81})
    assert {type(p) for p in problems} == {
        FieldNotWritable,
        RequiredFieldMissing,
        RestrictedPicklistValue,
        StringTooLong,
    }


def test_the_validator_leaves_the_values_alone() -> None:
    values = {**GOOD, "Name": "N"}
    check(values)
    assert values == {**GOOD, "Name": "N"}


def test_fields_are_found_whatever_the_case_of_their_names():
    assert LEAD.field("lastname") is LEAD.field("LastName") is not None
    assert LEAD.field("SITE_ID__C") is not None and LEAD.field("Site_Id__c").external_id
    assert LEAD.field("Nope__c") is None
    assert validate_values(LEAD, {"lastname": "Doe", "COMPANY": "Acme"}, Operation.CREATE) == []
