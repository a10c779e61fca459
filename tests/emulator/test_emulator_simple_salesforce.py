"""Conformance: simple-salesforce, unmodified, against the emulator over HTTPS.

The session comes from the OAuth web-server flow driven with requests through the real
login and Allow pages; simple-salesforce then only sees ``instance_url`` and ``session_id``.
"""

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from salesforce_emulator.testing import EmulatorHandle


def test_describe_global_and_object(sf: Salesforce) -> None:
    """describeGlobal lists the org's objects; describe gives each field's type, flags and picklist values."""
    names = {s["name"] for s in sf.describe()["sobjects"]}
    assert {"Contact", "Lead", "Account", "Topic", "TopicAssignment", "User", "Partner__c"} <= names
    fields = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert fields["Email"]["type"] == "email" and fields["Email"]["idLookup"] is True
    assert fields["Company"]["nillable"] is False and fields["LastName"]["length"] == 80
    assert fields["HasOptedOutOfEmail"]["type"] == "boolean" and fields["HasOptedOutOfEmail"]["defaultedOnCreate"]
    assert fields["Interests__c"]["type"] == "multipicklist" and fields["Interests__c"]["restrictedPicklist"]
    assert "Web" in [v["value"] for v in fields["LeadSource"]["picklistValues"]]


def test_create_get_update_delete(sf: Salesforce) -> None:
    """Create answers 201 with the new ID, update and delete 204, and a deleted record is 404 ENTITY_IS_DELETED."""
    created = sf.Contact.create({"FirstName": "Jane", "LastName": "Doe", "Email": "jane@example.com"})
    assert created["success"] is True and created["errors"] == [] and created["id"].startswith("003")
    record = sf.Contact.get(created["id"])
    assert record["Name"] == "Jane Doe" and record["attributes"]["type"] == "Contact"
    assert record["HasOptedOutOfEmail"] is False
    assert sf.Contact.update(created["id"], {"Title": "CTO"}) == 204
    assert sf.Contact.get(created["id"][:15])["Title"] == "CTO"
    assert sf.Contact.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound) as raised:
        sf.Contact.get(created["id"])
    assert raised.value.content == [{"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}]


def test_upsert_by_email_creates_updates_and_reports_ambiguity(sf: Salesforce) -> None:
    """Upsert by an idLookup field: 201 when created, 200 when updated (v46.0+), 300 when several records match."""
    assert sf.Contact.upsert("Email/ann@example.com", {"LastName": "Ann"}) == 201
    assert sf.Contact.upsert("Email/ann@example.com", {"LastName": "Annie"}) == 200
    assert sf.query("SELECT LastName FROM Contact WHERE Email = 'ann@example.com'")["records"][0]["LastName"] == "Annie"
    sf.Contact.create({"LastName": "Twin", "Email": "ann@example.com"})
    with pytest.raises(SalesforceMoreThanOneRecord) as raised:
        sf.Contact.upsert("Email/ann@example.com", {"LastName": "Who"})
    assert len(raised.value.content) == 2 and all("/sobjects/Contact/003" in url for url in raised.value.content)


def test_query_pagination_query_all_and_query_more(sf: Salesforce, emulator_https: EmulatorHandle) -> None:
    """Queries return batches with done/nextRecordsUrl; queryAll also returns deleted records."""
    emulator_https.admin.settings(query_batch_size=50)
    records = [{"attributes": {"type": "Lead"}, "LastName": f"L{i:03d}", "Company": "Acme"} for i in range(120)]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
    assert all(r["success"] for r in results)
    first = sf.query("SELECT Id, LastName FROM Lead ORDER BY LastName")
    assert first["totalSize"] == 120 and first["done"] is False and len(first["records"]) == 50
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert second["records"][0]["LastName"] == "L050"
    everything = sf.query_all("SELECT Id FROM Lead")
    assert everything["totalSize"] == 120 and len(everything["records"]) == 120 and everything["done"] is True
    sf.Lead.delete(results[0]["id"])
    assert sf.query_all("SELECT Id FROM Lead")["totalSize"] == 119
    assert sf.query_all("SELECT Id FROM Lead", include_deleted=True)["totalSize"] == 120


def test_collections_and_composite_through_restful(sf: Salesforce) -> None:
    """sObject Collections answer 200 with a per-record result; Composite resolves @{ref.id} references."""
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {"attributes": {"type": "Contact"}, "LastName": "Smith", "Email": "s@example.com"},
                {"attributes": {"type": "Lead"}, "LastName": "Jones"},
            ]
        },
    )
    assert results[0]["success"] is True
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Company]",
                "fields": ["Company"],
            }
        ],
    }
    composite = sf.restful(
        "composite",
        method="POST",
        json={
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v59.0/sobjects/Topic",
                    "referenceId": "topic",
                    "body": {"Name": "VIP"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v59.0/sobjects/TopicAssignment",
                    "referenceId": "assignment",
                    "body": {"TopicId": "@{topic.id}", "EntityId": results[0]["id"]},
                },
                {
                    "method": "GET",
                    "referenceId": "check",
                    "url": "/services/data/v59.0/query?q=SELECT+Topic.Name+FROM+TopicAssignment+WHERE+Id='@{assignment.id}'",
                },
            ],
        },
    )
    statuses = [r["httpStatusCode"] for r in composite["compositeResponse"]]
    assert statuses == [201, 201, 200]
    assert composite["compositeResponse"][2]["body"]["records"][0]["Topic"]["Name"] == "VIP"


def test_expired_session_raises_expired_session(sf: Salesforce, emulator_https: EmulatorHandle) -> None:
    """Access tokens expire after the session timeout (2 hours by default): 401 INVALID_SESSION_ID."""
    sf.Contact.describe()
    emulator_https.admin.advance_clock(2 * 3600 + 1)
    with pytest.raises(SalesforceExpiredSession) as raised:
        sf.Contact.describe()
    assert raised.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_missing_required_and_unknown_fields_raise_malformed_request(sf: Salesforce) -> None:
    """Writes are validated: missing required fields and unknown fields answer 400 with Salesforce's codes."""
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.Lead.create({"FirstName": "No"})
    assert missing.value.content == [
        {
            "message": "Required fields are missing: [LastName, Company]",
            "errorCode": "REQUIRED_FIELD_MISSING",
            "fields": ["LastName", "Company"],
        }
    ]
    with pytest.raises(SalesforceMalformedRequest) as unknown:
        sf.Contact.create({"LastName": "X", "Shoe_Size__c": 9})
    assert unknown.value.content == [
        {"message": "No such column 'Shoe_Size__c' on sobject of type Contact", "errorCode": "INVALID_FIELD"}
    ]


def test_exhausted_limit_raises_refused_request(sf: Salesforce, emulator_https: EmulatorHandle) -> None:
    """Past the daily API limit Salesforce answers 403 REQUEST_LIMIT_EXCEEDED, and simple-salesforce tracks usage."""
    contact = sf.Contact
    contact.describe()
    assert contact.api_usage["api-usage"].used == 1 and contact.api_usage["api-usage"].total == 15000
    emulator_https.admin.settings(api_limit=10, api_usage=10)
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.Contact.describe()
    assert raised.value.content == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
