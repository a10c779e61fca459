"""The SOQL subset over /query and /queryAll."""

import pytest
from emulator_rest_client import Api

from salesforce_emulator.soql import parse


@pytest.fixture
def people(api: Api) -> Api:
    acme = api.create("Account", Name="Acme")
    api.create(
        "Contact",
        FirstName="Ann",
        LastName="Able",
        Email="ann@acme.com",
        AccountId=acme,
        Interests__c="Newsletter;Webinar",
    )
    api.create("Contact", FirstName="Bob", LastName="Baker", Email="bob@other.org", Interests__c="Events")
    api.create("Contact", LastName="Cole", HasOptedOutOfEmail=True)
    return api


def _names(result: dict) -> list[str]:
    return [r["LastName"] for r in result["records"]]


def test_where_operators(people: Api) -> None:
    """WHERE supports = != IN NOT IN LIKE (case-insensitive, % and _), AND/OR/NOT and parentheses."""
    assert _names(people.query("SELECT LastName FROM Contact WHERE Email = 'ANN@acme.com'")) == ["Able"]
    assert _names(people.query("SELECT LastName FROM Contact WHERE Email != null ORDER BY LastName")) == [
        "Able",
        "Baker",
    ]
    assert _names(
        people.query("SELECT LastName FROM Contact WHERE LastName IN ('Cole', 'Able') ORDER BY LastName")
    ) == ["Able", "Cole"]
    assert _names(people.query("SELECT LastName FROM Contact WHERE Email LIKE '%@ACME.%'")) == ["Able"]
    assert _names(
        people.query(
            "SELECT LastName FROM Contact WHERE (FirstName = 'Bob' OR HasOptedOutOfEmail = true) "
            "AND NOT LastName LIKE 'B%'"
        )
    ) == ["Cole"]
    assert _names(
        people.query("SELECT LastName FROM Contact WHERE LastName NOT IN ('Able') ORDER BY LastName DESC")
    ) == ["Cole", "Baker"]


def test_multipicklist_includes_and_excludes(people: Api) -> None:
    """includes/excludes match any listed value; 'A;B' inside them means both A and B."""
    assert _names(people.query("SELECT LastName FROM Contact WHERE Interests__c includes ('Webinar')")) == ["Able"]
    assert _names(
        people.query("SELECT LastName FROM Contact WHERE Interests__c includes ('Webinar;Events', 'Events')")
    ) == ["Baker"]
    assert _names(
        people.query("SELECT LastName FROM Contact WHERE Interests__c excludes ('Webinar') ORDER BY LastName")
    ) == ["Baker", "Cole"]


def test_parent_relationship_fields_are_nested(people: Api) -> None:
    """Parent fields come back nested under the relationship name, with attributes; null when there is no parent."""
    rows = people.query("SELECT LastName, Account.Name FROM Contact WHERE Email LIKE '%' ORDER BY LastName")["records"]
    assert rows[0]["Account"]["Name"] == "Acme" and rows[0]["Account"]["attributes"]["type"] == "Account"
    assert rows[1]["Account"] is None


def test_order_limit_offset_and_nulls(people: Api) -> None:
    """ORDER BY puts nulls first ascending and last descending unless NULLS FIRST/LAST says otherwise."""
    assert _names(people.query("SELECT LastName FROM Contact ORDER BY FirstName")) == ["Cole", "Able", "Baker"]
    assert _names(people.query("SELECT LastName FROM Contact ORDER BY FirstName DESC")) == ["Baker", "Able", "Cole"]
    assert _names(people.query("SELECT LastName FROM Contact ORDER BY FirstName NULLS LAST LIMIT 2")) == [
        "Able",
        "Baker",
    ]
    assert _names(people.query("SELECT LastName FROM Contact ORDER BY LastName LIMIT 1 OFFSET 1")) == ["Baker"]


def test_count(people: Api) -> None:
    """SELECT COUNT() returns totalSize with no records; COUNT(field) returns an AggregateResult row."""
    count = people.query("SELECT COUNT() FROM Contact WHERE HasOptedOutOfEmail = false")
    assert count == {"totalSize": 2, "done": True, "records": []}
    aggregate = people.query("SELECT COUNT(Email) total FROM Contact")["records"][0]
    assert aggregate == {"attributes": {"type": "AggregateResult"}, "total": 2}


def test_errors(api: Api) -> None:
    """Bad syntax is MALFORMED_QUERY (no fields key), an unknown column INVALID_FIELD, an unknown object INVALID_TYPE."""
    bad = api.get("query", params={"q": "SELECT Id FRM Contact"})
    assert bad.status_code == 400 and list(bad.json()[0]) == ["message", "errorCode"]
    assert bad.json()[0]["errorCode"] == "MALFORMED_QUERY" and "unexpected token: 'FRM'" in bad.json()[0]["message"]
    column = api.get("query", params={"q": "SELECT Foo FROM Contact"}).json()[0]
    assert column["errorCode"] == "INVALID_FIELD" and "No such column 'Foo' on entity 'Contact'" in column["message"]
    entity = api.get("query", params={"q": "SELECT Id FROM Foo"}).json()[0]
    assert entity["errorCode"] == "INVALID_TYPE" and "sObject type 'Foo' is not supported" in entity["message"]
    typed = api.get("query", params={"q": "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'"}).json()[0]
    assert typed["errorCode"] == "INVALID_FIELD" and "must be of type boolean" in typed["message"]


def test_string_escapes() -> None:
    """SOQL string literals use backslash escapes: \\' for a quote, \\\\ for a backslash."""
    query = parse(r"SELECT Id FROM Contact WHERE LastName = 'O\'Brien\\x'")
    assert query.where.value.value == "O'Brien\\x"  # type: ignore[union-attr]


def test_pagination_with_batch_size_header(api: Api) -> None:
    """Sforce-Query-Options batchSize (200-2000) sets the page size; the last page has done=true and no
    nextRecordsUrl; an unknown locator is INVALID_QUERY_LOCATOR."""
    records = [{"attributes": {"type": "Account"}, "Name": f"A{i:03d}"} for i in range(200)]
    api.post("composite/sobjects", {"records": records})
    api.post("composite/sobjects", {"records": records[:50]})
    first = api.get(
        "query", params={"q": "SELECT Name FROM Account"}, headers={"Sforce-Query-Options": "batchSize=200"}
    ).json()
    assert first["totalSize"] == 250 and len(first["records"]) == 200 and first["done"] is False
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
    rest = api.http.get(api.handle.base_url + first["nextRecordsUrl"]).json()
    assert rest["done"] is True and len(rest["records"]) == 50 and "nextRecordsUrl" not in rest
    assert api.get("query/01gKX0000000099AAA-200").json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
