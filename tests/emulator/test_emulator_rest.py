"""REST sObject behaviour: versions, auth, limits, CRUD, upsert, validation errors and topics."""

import re

import pytest
from emulator_rest_client import Api

from salesforce_emulator.testing import EmulatorHandle, running_emulator


def test_versions_list_is_public_and_free(emulator: EmulatorHandle, api: Api) -> None:
    """GET /services/data/ needs no auth, lists versions ascending, and is not counted against the API limit."""
    response = emulator.session().get(f"{emulator.base_url}/services/data/")
    versions = response.json()
    assert response.status_code == 200 and "Sforce-Limit-Info" not in response.headers
    assert {"label": "Spring '20", "url": "/services/data/v48.0", "version": "48.0"} in versions
    assert versions[-1]["version"] == "62.0"
    assert [float(v["version"]) for v in versions] == sorted(float(v["version"]) for v in versions)
    assert api.get("limits").headers["Sforce-Limit-Info"] == "api-usage=1/15000"


def test_every_rest_response_carries_api_usage(api: Api) -> None:
    """Every REST response, errors included, carries Sforce-Limit-Info: api-usage=N/M."""
    assert api.get("").headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    assert api.get("sobjects/Nope/describe").headers["Sforce-Limit-Info"] == "api-usage=2/15000"
    limits = api.get("limits").json()
    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 14997}


def test_missing_or_bad_authorization(emulator: EmulatorHandle) -> None:
    """No Authorization header: 401 INVALID_AUTH_HEADER; an unknown token: 401 INVALID_SESSION_ID."""
    url = f"{emulator.base_url}/services/data/v62.0/sobjects"
    missing = emulator.session().get(url)
    assert missing.status_code == 401
    assert missing.json() == [{"message": "INVALID_HEADER_TYPE", "errorCode": "INVALID_AUTH_HEADER"}]
    bad = emulator.session().get(url, headers={"Authorization": "Bearer 00Dxx!nope"})
    assert bad.status_code == 401 and bad.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_resources_and_unknown_version(api: Api) -> None:
    """The version root lists resources; an unsupported version is 404 NOT_FOUND."""
    resources = api.get("").json()
    assert resources["sobjects"] == "/services/data/v62.0/sobjects" and "composite" in resources
    assert api.get("sobjects", version="12.0").status_code == 404


def test_unknown_sobject_is_not_found(api: Api) -> None:
    """An unknown sObject in a REST path answers 404 NOT_FOUND."""
    response = api.post("sobjects/Nope__c", {"Name": "x"})
    assert response.status_code == 404
    assert response.json() == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]


def test_malformed_and_unknown_ids(api: Api) -> None:
    """An ID of the wrong type is 400 MALFORMED_ID; a well-formed ID with no record is 404 NOT_FOUND."""
    account = api.create("Account", Name="Acme")
    wrong = api.get(f"sobjects/Contact/{account}")
    assert wrong.status_code == 400
    assert wrong.json() == [
        {"message": f"Contact ID: id value of incorrect type: {account}", "errorCode": "MALFORMED_ID", "fields": ["Id"]}
    ]
    contact = api.create("Contact", LastName="Gone")
    api.delete(f"sobjects/Contact/{contact}")
    assert api.get(f"sobjects/Contact/{contact}").status_code == 404


def test_record_shape_and_fields_parameter(api: Api) -> None:
    """Records include attributes and every field (nulls too); ?fields= limits them; datetimes use +0000."""
    record_id = api.create("Contact", LastName="Shape")
    record = api.get(f"sobjects/Contact/{record_id}").json()
    assert record["attributes"] == {"type": "Contact", "url": f"/services/data/v62.0/sobjects/Contact/{record_id}"}
    assert record["FirstName"] is None and record["OwnerId"].startswith("005")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", record["CreatedDate"])
    partial = api.get(f"sobjects/Contact/{record_id}", params={"fields": "lastname,Email"}).json()
    assert list(partial) == ["attributes", "LastName", "Email"]


@pytest.mark.parametrize(
    ("sobject", "body", "expected"),
    [
        (
            "Contact",
            {"LastName": "x" * 81},
            {
                "message": f"Last Name: data value too large: {'x' * 81} (max length=80)",
                "errorCode": "STRING_TOO_LONG",
                "fields": ["LastName"],
            },
        ),
        (
            "Contact",
            {"LastName": "X", "Email": "not an email"},
            {
                "message": "Email: invalid email address: not an email",
                "errorCode": "INVALID_EMAIL_ADDRESS",
                "fields": ["Email"],
            },
        ),
        (
            "Lead",
            {"LastName": "X", "Company": "C", "Interests__c": "Webinar;Golf"},
            {
                "message": "Interests: bad value for restricted picklist field: Golf",
                "errorCode": "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                "fields": ["Interests__c"],
            },
        ),
        (
            "Contact",
            {"LastName": "X", "Name": "Full"},
            {
                "message": "Unable to create/update fields: Name. Please check the security settings of this field and "
                "verify that it is read/write for your profile or permission set.",
                "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                "fields": ["Name"],
            },
        ),
        (
            "Contact",
            {"LastName": "X", "AccountId": "003KX0000000001YAA"},
            {
                "message": "Account ID: id value of incorrect type: 003KX0000000001YAA",
                "errorCode": "MALFORMED_ID",
                "fields": ["AccountId"],
            },
        ),
    ],
)
def test_field_validation_errors(api: Api, sobject: str, body: dict, expected: dict) -> None:
    """Field-level validation answers 400 with Salesforce's error code, message format (label first) and fields."""
    response = api.post(f"sobjects/{sobject}", body)
    assert response.status_code == 400
    assert response.json() == [expected]


def test_unrestricted_picklist_accepts_new_values_and_empty_string_clears(api: Api) -> None:
    """Unrestricted picklists (LeadSource) store values outside the list; '' clears a field like null."""
    record_id = api.create("Lead", LastName="P", Company="C", LeadSource="Conference", Email="p@example.com")
    assert api.patch(f"sobjects/Lead/{record_id}", {"Email": ""}).status_code == 204
    record = api.get(f"sobjects/Lead/{record_id}").json()
    assert record["LeadSource"] == "Conference" and record["Email"] is None
    assert record["Status"] == "Open - Not Contacted"
    cleared = api.patch(f"sobjects/Lead/{record_id}", {"Company": None})
    assert cleared.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_upsert_before_v46_answers_204(api: Api) -> None:
    """Upsert updates answer 204 with no body up to v45.0, and 200 with created=false from v46.0."""
    api.create("Contact", LastName="Old", Email="old@example.com")
    old = api.patch("sobjects/Contact/Email/old@example.com", {"Title": "A"}, version="45.0")
    assert old.status_code == 204 and old.content == b""
    new = api.patch("sobjects/Contact/Email/old@example.com", {"Title": "B"}, version="46.0")
    assert new.status_code == 200 and new.json()["created"] is False


def test_upsert_key_rules(api: Api) -> None:
    """Only External ID or idLookup fields can key an upsert (else 404); matching ignores case; updateOnly stops
    creation; a non-matching key creates the record with the key's value."""
    bad = api.patch("sobjects/Contact/LastName/x", {"FirstName": "A"})
    assert bad.status_code == 404
    assert bad.json() == [
        {
            "message": "Provided external ID field does not exist or is not accessible: LastName",
            "errorCode": "NOT_FOUND",
        }
    ]
    assert api.patch("sobjects/Contact/Email/Mixed@Example.com", {"LastName": "M"}).status_code == 201
    assert api.patch("sobjects/Contact/Email/mixed@example.com", {"LastName": "N"}).json()["created"] is False
    only = api.patch("sobjects/Contact/Email/none@example.com", {"LastName": "N"}, params={"updateOnly": "true"})
    assert only.status_code == 404
    created = api.patch("sobjects/Partner__c/External_Id__c/P-1", {"Name": "Partner One", "Status__c": "Active"})
    assert created.status_code == 201 and created.json()["id"].startswith("a0A")
    record = api.get("sobjects/Partner__c/External_Id__c/P-1").json()
    assert record["External_Id__c"] == "P-1" and record["Name"] == "Partner One"


def test_upsert_follows_key_changes_deletions_and_rollbacks(api: Api) -> None:
    """An upsert matches the key's current holder: not a record whose key was changed or that was deleted,
    nor one an allOrNone request rolled back; the record that took the key is matched instead."""
    first = api.create("Contact", LastName="First", Email="first@example.com")
    assert api.patch("sobjects/Contact/Email/first@example.com", {"Title": "Kept"}).json()["id"] == first
    assert api.patch(f"sobjects/Contact/{first}", {"Email": "moved@example.com"}).status_code == 204
    again = api.patch("sobjects/Contact/Email/first@example.com", {"LastName": "Second"})
    assert again.status_code == 201 and again.json()["id"] != first
    assert api.patch("sobjects/Contact/Email/MOVED@example.com", {"Title": "T"}).json() == {
        "id": first,
        "success": True,
        "errors": [],
        "created": False,
    }

    assert api.delete(f"sobjects/Contact/{first}").status_code == 204
    after_delete = api.patch("sobjects/Contact/Email/moved@example.com", {"LastName": "Third"})
    assert after_delete.status_code == 201 and after_delete.json()["id"] != first

    rolled_back = api.patch(
        "composite/sobjects/Contact/Email",
        {
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Contact"}, "Email": "ghost@example.com", "LastName": "Ghost"},
                {"attributes": {"type": "Contact"}, "Email": "nameless@example.com", "FirstName": "No"},
            ],
        },
    )
    assert [result["success"] for result in rolled_back.json()] == [False, False]
    second = again.json()["id"]
    undone = api.patch(
        "composite/sobjects",
        {
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Contact"}, "id": second, "Email": "renamed@example.com"},
                {"attributes": {"type": "Contact"}, "id": second, "LastName": ""},
            ],
        },
    )
    assert [result["success"] for result in undone.json()] == [False, False]
    assert api.patch("sobjects/Contact/Email/first@example.com", {"Title": "T"}).json()["id"] == second
    ghost = api.patch("sobjects/Contact/Email/ghost@example.com", {"LastName": "Ghost"})
    assert ghost.status_code == 201
    assert api.query("SELECT Id FROM Contact WHERE Email = 'ghost@example.com'")["totalSize"] == 1


def test_unique_external_id_rejects_duplicates(api: Api) -> None:
    """A unique field refuses a second record with the same value: 400 DUPLICATE_VALUE."""
    first = api.create("Partner__c", External_Id__c="P-9")
    response = api.post("sobjects/Partner__c", {"External_Id__c": "p-9"})
    assert response.status_code == 400
    assert response.json() == [
        {
            "message": f"duplicate value found: External_Id__c duplicates value on record with id: {first}",
            "errorCode": "DUPLICATE_VALUE",
            "fields": [],
        }
    ]


def test_topics(api: Api, emulator: EmulatorHandle) -> None:
    """Topic names are unique ignoring case and spacing; TopicAssignment is create/delete/query only, unique per
    record and topic, capped per record, and only for objects with topics enabled."""
    contact = api.create("Contact", LastName="T")
    vip = api.create("Topic", Name="Big Spender")
    assert api.post("sobjects/Topic", {"Name": "big  spender"}).json()[0]["errorCode"] == "DUPLICATE_VALUE"
    assignment = api.create("TopicAssignment", TopicId=vip, EntityId=contact)
    assert assignment.startswith("0FT")
    again = api.post("sobjects/TopicAssignment", {"TopicId": vip, "EntityId": contact})
    assert again.json()[0]["errorCode"] == "DUPLICATE_VALUE"
    update = api.patch(f"sobjects/TopicAssignment/{assignment}", {"TopicId": vip})
    assert update.status_code == 400 and update.json()[0]["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
    rows = api.query(f"SELECT Topic.Name, EntityType FROM TopicAssignment WHERE EntityId = '{contact[:15]}'")
    assert rows["records"][0]["Topic"]["Name"] == "Big Spender" and rows["records"][0]["EntityType"] == "Contact"

    emulator.admin.settings(max_topics_per_record=1)
    other = api.create("Topic", Name="Other")
    assert (
        api.post("sobjects/TopicAssignment", {"TopicId": other, "EntityId": contact}).json()[0]["errorCode"]
        == "LIMIT_EXCEEDED"
    )
    emulator.admin.settings(topics_enabled=["Contact"])
    lead = api.create("Lead", LastName="L", Company="C")
    refused = api.post("sobjects/TopicAssignment", {"TopicId": vip, "EntityId": lead})
    assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert api.delete(f"sobjects/Contact/{contact}").status_code == 204
    assert api.query("SELECT COUNT() FROM TopicAssignment")["totalSize"] == 0


def test_duplicate_rules_honour_the_allow_save_header() -> None:
    """An alerting duplicate rule answers DUPLICATES_DETECTED unless Sforce-Duplicate-Rule-Header allowSave=true."""
    rules = [{"object": "Contact", "fields": ["Email"], "action": "alert"}]
    with running_emulator(duplicate_rules=rules) as sf:
        api = Api(sf, sf.obtain_token())
        first = api.create("Contact", LastName="A", Email="dup@example.com")
        refused = api.post("sobjects/Contact", {"LastName": "B", "Email": "DUP@example.com"})
        assert refused.status_code == 400
        error = refused.json()[0]
        assert error["errorCode"] == "DUPLICATES_DETECTED" and error["message"] == "Use one of these records?"
        assert error["duplicateResult"]["matchResults"][0]["matchRecords"][0]["record"]["Id"] == first
        allowed = api.post(
            "sobjects/Contact",
            {"LastName": "B", "Email": "dup@example.com"},
            headers={"Sforce-Duplicate-Rule-Header": "allowSave=true; includeRecordDetails=true"},
        )
        assert allowed.status_code == 201


def test_faults_api_disabled_and_outage(api: Api, emulator: EmulatorHandle) -> None:
    """An org without API access answers 403 API_DISABLED_FOR_ORG; during an outage, 503 SERVER_UNAVAILABLE."""
    emulator.admin.settings(api_enabled=False)
    disabled = api.get("limits")
    assert disabled.status_code == 403
    assert disabled.json() == [
        {"message": "The REST API is not enabled for this Organization.", "errorCode": "API_DISABLED_FOR_ORG"}
    ]
    emulator.admin.settings(api_enabled=True, outage_seconds=60)
    assert api.get("limits").json() == [{"errorCode": "SERVER_UNAVAILABLE", "message": "Server too busy"}]
    emulator.admin.advance_clock(61)
    assert api.get("limits").status_code == 200


def test_admin_api_defines_fields_and_counts_calls(api: Api, emulator: EmulatorHandle) -> None:
    """Custom fields defined through the admin API appear in describe and accept writes; the call log counts
    REST calls per endpoint so tests can assert how many calls a feature made."""
    emulator.admin.define_field(
        "Contact", {"name": "Plughost_Id__c", "type": "string", "length": 40, "externalId": True, "unique": True}
    )
    emulator.admin.clear_calls()
    described = {f["name"]: f for f in api.get("sobjects/Contact/describe").json()["fields"]}
    assert described["Plughost_Id__c"]["externalId"] and described["Plughost_Id__c"]["idLookup"]
    assert api.patch("sobjects/Contact/Plughost_Id__c/u-1", {"LastName": "U"}).status_code == 201
    assert emulator.admin.call_counts() == {
        "GET sobjects/<name>/describe": 1,
        "PATCH sobjects/<name>/<field_name>/<value>": 1,
    }
    assert emulator.admin.counts()["Contact"] == 1
    assert emulator.admin.records("Contact")[0]["Plughost_Id__c"] == "u-1"


def test_injected_errors_and_expired_sessions(api: Api, emulator: EmulatorHandle) -> None:
    """Fault injection: a fraction of calls answer 503 SERVER_UNAVAILABLE; expiring all sessions makes every
    access token answer 401 INVALID_SESSION_ID, as when an admin ends sessions."""
    emulator.admin.settings(error_rate=1.0)
    assert api.get("limits").status_code == 503
    emulator.admin.settings(error_rate=0.0)
    assert api.get("limits").status_code == 200
    assert emulator.admin.expire_sessions() >= 1
    assert api.get("limits").json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_more_sobject_resources(api: Api) -> None:
    """Basic info, create through the Id key (POST /sobjects/X/Id), delete by an idLookup value, and 405 for a
    method a resource does not support."""
    info = api.get("sobjects/Lead").json()
    assert info["objectDescribe"]["keyPrefix"] == "00Q" and info["recentItems"] == []
    created = api.post("sobjects/Contact/Id", {"LastName": "ById", "Email": "byid@example.com"})
    assert created.status_code == 201 and created.json()["created"] is True
    assert api.delete("sobjects/Contact/Email/byid@example.com").status_code == 204
    assert api.get(f"sobjects/Contact/{created.json()['id']}").status_code == 404
    assert api.delete("sobjects").status_code == 405


def test_reference_and_type_errors(api: Api) -> None:
    """A reference to a well-formed but missing record is INVALID_CROSS_REFERENCE_KEY; a value of the wrong JSON
    type is JSON_PARSER_ERROR."""
    missing = api.post("sobjects/Contact", {"LastName": "R", "AccountId": "001KX0000009999AAA"})
    assert missing.json() == [
        {"message": "invalid cross reference id", "errorCode": "INVALID_CROSS_REFERENCE_KEY", "fields": ["AccountId"]}
    ]
    wrong = api.post("sobjects/Contact", {"LastName": "R", "HasOptedOutOfEmail": "maybe"})
    assert wrong.status_code == 400 and wrong.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_a_deleted_record_is_entity_is_deleted(api: Api) -> None:
    """GET, PATCH and DELETE of a deleted record answer 404 ENTITY_IS_DELETED; an ID that never existed stays
    404 NOT_FOUND."""
    record_id = api.create("Contact", LastName="Gone")
    assert api.delete(f"sobjects/Contact/{record_id}").status_code == 204
    deleted = [{"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}]
    for response in (
        api.get(f"sobjects/Contact/{record_id}"),
        api.get(f"sobjects/Contact/{record_id[:15]}", params={"fields": "LastName"}),
        api.patch(f"sobjects/Contact/{record_id}", {"Title": "Back"}),
        api.delete(f"sobjects/Contact/{record_id}"),
    ):
        assert (response.status_code, response.json()) == (404, deleted)
    never = api.get("sobjects/Contact/003KX0000009999AAA")
    assert never.status_code == 404 and never.json()[0]["errorCode"] == "NOT_FOUND"


def test_multipicklist_values_are_stored_once_in_the_picklists_order(api: Api) -> None:
    """A multi-select value is stored with each value once, in the order the picklist lists them."""
    record_id = api.create("Contact", LastName="Picky", Interests__c="Webinar;Newsletter;Webinar")
    assert api.get(f"sobjects/Contact/{record_id}").json()["Interests__c"] == "Newsletter;Webinar"
    api.patch(f"sobjects/Contact/{record_id}", {"Interests__c": "Products;Events;Products;Newsletter"})
    assert api.get(f"sobjects/Contact/{record_id}").json()["Interests__c"] == "Newsletter;Events;Products"
    assert api.query("SELECT Id FROM Contact WHERE Interests__c = 'Events;Newsletter;Products'")["totalSize"] == 1


def test_describe_lists_child_relationships(api: Api, emulator: EmulatorHandle) -> None:
    """Describe lists each object that references this one, with its field and relationship name, custom
    lookups with the __r name; clients build parent-to-child queries from them."""

    def children(sobject: str) -> dict[tuple[str, str], dict]:
        described = api.get(f"sobjects/{sobject}/describe").json()["childRelationships"]
        return {(c["childSObject"], c["field"]): c for c in described}

    contact = children("Contact")
    assert contact[("TopicAssignment", "EntityId")] == {
        "cascadeDelete": True,
        "childSObject": "TopicAssignment",
        "deprecatedAndHidden": False,
        "field": "EntityId",
        "junctionIdListNames": [],
        "junctionReferenceTo": [],
        "relationshipName": "TopicAssignments",
        "restrictedDelete": False,
    }
    account = children("Account")
    assert account[("Contact", "AccountId")]["relationshipName"] == "Contacts"
    assert account[("Order", "AccountId")]["relationshipName"] == "Orders"
    assert children("Order")[("OrderItem", "OrderId")]["relationshipName"] == "OrderItems"
    assert children("Topic")[("TopicAssignment", "TopicId")]["relationshipName"] == "TopicAssignments"
    user = children("User")
    assert user[("Contact", "OwnerId")]["relationshipName"] is None
    emulator.admin.define_field("Contact", {"name": "Partner__c", "type": "reference", "referenceTo": ["Partner__c"]})
    assert children("Partner__c")[("Contact", "Partner__c")]["relationshipName"] == "Contacts__r"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/services/async/62.0/job"),
        ("POST", "/services/async/62.0/job/750xx/batch"),
        ("POST", "/services/Soap/u/62.0"),
        ("GET", "/services/apexrest/anything"),
        ("GET", "/nothing/here"),
        ("DELETE", "/services/oauth2/token"),
    ],
)
def test_paths_the_emulator_does_not_serve_answer_in_salesforces_shape(
    emulator: EmulatorHandle, method: str, path: str
) -> None:
    """Any path (or method) the emulator does not serve answers Salesforce's JSON error array, never an
    HTML page, with a sentence saying the emulator does not offer it."""
    response = emulator.session().request(method, emulator.base_url + path)
    assert response.status_code in (404, 405) and response.headers["Content-Type"].startswith("application/json")
    [error] = response.json()
    assert error["errorCode"] == ("NOT_FOUND" if response.status_code == 404 else "METHOD_NOT_ALLOWED")
    assert error["message"].endswith(f"the Salesforce emulator does not offer {method} {path}")


def test_unserved_rest_resources_and_methods(api: Api) -> None:
    """Inside the REST API an unknown resource is NOT_FOUND saying so; a known one with a method it does not
    take is 405 listing exactly the methods it does take."""
    unknown = api.get("search", params={"q": "FIND {x}"})
    assert unknown.status_code == 404
    assert unknown.json() == [
        {
            "message": "The requested resource does not exist: the Salesforce emulator does not offer GET search",
            "errorCode": "NOT_FOUND",
        }
    ]
    wrong = api.request("PUT", "composite/sobjects/Contact")
    assert wrong.status_code == 405
    assert wrong.json()[0]["message"] == "HTTP Method 'PUT' not allowed. Allowed are GET,HEAD,POST"
    limits = api.request("DELETE", "limits")
    assert limits.json()[0]["message"] == "HTTP Method 'DELETE' not allowed. Allowed are GET,HEAD"
