"""The SOQL subset over /query and /queryAll."""

from urllib.parse import quote_plus

import pytest
from emulator_rest_client import Api

from salesforce_emulator.soql import parse
from salesforce_emulator.testing import EmulatorHandle


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


def _error(api: Api, soql: str) -> tuple[int, dict]:
    response = api.get("query", params={"q": soql})
    return response.status_code, response.json()[0]


def test_and_or_mixed_without_parentheses_is_refused(people: Api) -> None:
    """Salesforce refuses AND and OR at one level; parentheses make the same condition valid."""
    soql = "SELECT Id FROM Contact WHERE LastName = 'Able' AND FirstName = 'Ann' OR LastName = 'Cole'"
    status, error = _error(people, soql)
    assert status == 400 and error["errorCode"] == "MALFORMED_QUERY"
    column = soql.index(" OR ") + 2
    assert (
        error["message"] == f"\n{soql}\n{' ' * (column - 1)}^\nERROR at Row:1:Column:{column}\nunexpected token: 'OR'"
    )
    status, error = _error(people, "SELECT Id FROM Contact WHERE LastName = 'Able' OR FirstName = 'Ann' AND Email = ''")
    assert status == 400 and error["message"].endswith("unexpected token: 'AND'")
    grouped = "SELECT LastName FROM Contact WHERE (LastName = 'Able' AND FirstName = 'Ann') OR LastName = 'Cole'"
    assert sorted(_names(people.query(grouped))) == ["Able", "Cole"]
    chained = "SELECT LastName FROM Contact WHERE LastName = 'Able' OR LastName = 'Cole' OR LastName = 'Baker'"
    assert len(_names(people.query(chained))) == 3


def _of_length(length: int) -> str:
    """A query for Able of exactly ``length`` characters, padded with names nobody has."""
    head, tail = "SELECT LastName FROM Contact WHERE LastName IN ('Able'", ")"
    padding = length - len(head) - len(tail) - len(", ''")
    names = ", 'x'" * (padding // 5) + ", '" + "y" * (padding % 5) + "'"
    return head + names + tail


def test_a_statement_of_more_than_100000_characters_is_refused_in_a_composite_and_a_bulk_job(people: Api) -> None:
    """The SOQL length limit holds where a long query can be sent: in a Composite body, or a Bulk job."""
    longest, too_long = _of_length(100_000), _of_length(100_001)
    assert (len(longest), len(too_long)) == (100_000, 100_001)

    def composite(soql: str) -> dict:
        url = f"/services/data/v62.0/query?q={quote_plus(soql)}"
        request = {"compositeRequest": [{"method": "GET", "url": url, "referenceId": "long"}]}
        return people.post("composite", request).json()["compositeResponse"][0]

    assert _names(composite(longest)["body"]) == ["Able"]
    refused = composite(too_long)
    assert refused["httpStatusCode"] == 400
    assert refused["body"] == [
        {"message": "SOQL statements cannot be longer than 100,000 characters", "errorCode": "MALFORMED_QUERY"}
    ]
    job = people.post("jobs/query", {"operation": "query", "query": too_long})
    assert job.status_code == 400 and job.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_offset_beyond_2000_is_refused(people: Api) -> None:
    """OFFSET 2000 is the maximum; 2001 is NUMBER_OUTSIDE_VALID_RANGE, not an empty page."""
    assert people.query("SELECT Id FROM Contact OFFSET 2000")["records"] == []
    status, error = _error(people, "SELECT Id FROM Contact OFFSET 2001")
    assert status == 400
    assert error == {"message": "Maximum SOQL offset allowed is 2000", "errorCode": "NUMBER_OUTSIDE_VALID_RANGE"}


def test_date_literals_today_and_last_n_days(api: Api, emulator: EmulatorHandle) -> None:
    """TODAY, YESTERDAY, LAST_N_DAYS:n, NEXT_N_DAYS:n and N_DAYS_AGO:n stand for whole UTC days on the
    emulator's clock, on datetime and date fields, with = != < <= > >= comparing against the range."""
    day = 24 * 3600
    emulator.admin.set_clock_offset(-10 * day)
    api.create("Contact", LastName="Old")
    emulator.admin.set_clock_offset(-3 * day)
    api.create("Contact", LastName="Week")
    emulator.admin.set_clock_offset(0)
    api.create("Contact", LastName="Now")
    today = api.query("SELECT CreatedDate FROM Contact WHERE LastName = 'Now'")["records"][0]["CreatedDate"][:10]

    def names(where: str) -> list[str]:
        return sorted(_names(api.query(f"SELECT LastName FROM Contact WHERE {where}")))

    assert names("CreatedDate = TODAY") == ["Now"]
    assert names("CreatedDate = YESTERDAY") == []
    assert names("CreatedDate = LAST_N_DAYS:7") == ["Now", "Week"]
    assert names("CreatedDate < LAST_N_DAYS:7") == ["Old"]
    assert names("CreatedDate >= LAST_N_DAYS:3") == ["Now", "Week"]
    assert names("CreatedDate != TODAY") == ["Old", "Week"]
    assert names("CreatedDate = N_DAYS_AGO:3") == ["Week"]
    assert names("CreatedDate < TODAY AND CreatedDate > N_DAYS_AGO:11") == ["Old", "Week"]
    assert names("CreatedDate = NEXT_N_DAYS:5") == []
    api.create("Contact", LastName="Born", Birthdate=today)
    assert names("Birthdate = TODAY") == ["Born"]
    assert names("Birthdate <= TODAY") == ["Born"]
    assert names("Birthdate > TODAY") == []
    status, error = _error(api, "SELECT Id FROM Contact WHERE LastName = TODAY")
    assert status == 400 and error["errorCode"] == "INVALID_FIELD" and "must be of type string" in error["message"]
    status, error = _error(api, "SELECT Id FROM Contact WHERE CreatedDate = LAST_N_WIDGETS:3")
    assert status == 400 and error["message"].endswith("unexpected token: 'LAST_N_WIDGETS:3'")


@pytest.mark.parametrize(
    ("soql", "column", "message"),
    [
        ("SELECT Id FROM Contact WHERE", 29, "unexpected token: <EOF>"),
        ("SELECT Id FROM Contact WHERE LastName = 'x' LIMIT", 50, "unexpected token: <EOF>"),
        ("SELECT Id, FROM Contact", 12, "unexpected token: 'FROM'"),
        ("SELECT Id FROM Contact WHERE LastName = 'a' AND #", 49, "unexpected token: '#'"),
        ("SELECT Id FROM Contact WHERE LastName = 'a\\q'", 41, "Invalid string literal ''a\\q''. Illegal character"),
        ("SELECT COUNT(), LastName FROM Contact", 17, "Field must be grouped or aggregated: LastName"),
    ],
)
def test_malformed_query_names_row_and_column(api: Api, soql: str, column: int, message: str) -> None:
    """Every MALFORMED_QUERY past the first word repeats the query, puts a caret under the culprit and says
    ERROR at Row:1:Column:N (counted from 1) before the sentence."""
    status, error = _error(api, soql)
    assert status == 400 and error["errorCode"] == "MALFORMED_QUERY" and "fields" not in error
    head, caret, where, sentence = error["message"].split("\n", 4)[1:]
    assert head == soql and caret == " " * (column - 1) + "^" and where == f"ERROR at Row:1:Column:{column}"
    assert sentence.startswith(message)


def test_malformed_query_on_a_later_line_counts_rows(api: Api) -> None:
    """A query over several lines is placed by its row, with the column counted within that line."""
    status, error = _error(api, "SELECT Id\nFROM Contact\nWHERE LastName == 'x'")
    assert status == 400
    assert (
        error["message"]
        == "\nWHERE LastName == 'x'\n                ^\nERROR at Row:3:Column:17\nunexpected token: '='"
    )
