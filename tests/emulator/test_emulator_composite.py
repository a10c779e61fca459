"""sObject Collections and Composite."""

from emulator_rest_client import Api

from salesforce_emulator.ids import IdGenerator

HALTED = {
    "errorCode": "PROCESSING_HALTED",
    "message": "The transaction was rolled back since another operation in the same transaction failed.",
}


def _contacts(count: int) -> list[dict]:
    return [
        {"attributes": {"type": "Contact"}, "LastName": f"C{i}", "Email": f"c{i}@example.com"} for i in range(count)
    ]


def test_collection_create_all_or_none_rolls_back(api: Api) -> None:
    """With allOrNone, one invalid record rolls back all: the others get ALL_OR_NONE_OPERATION_ROLLED_BACK."""
    records = _contacts(2) + [{"attributes": {"type": "Lead"}, "LastName": "NoCompany"}]
    results = api.post("composite/sobjects", {"allOrNone": True, "records": records}).json()
    assert [r["success"] for r in results] == [False, False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[2]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert api.query("SELECT COUNT() FROM Contact")["totalSize"] == 0
    partial = api.post("composite/sobjects", {"allOrNone": False, "records": records}).json()
    assert [r["success"] for r in partial] == [True, True, False]


def test_collection_limit_is_200(api: Api) -> None:
    """Collections take at most 200 records per call; more is a 400 for the whole request."""
    response = api.post("composite/sobjects", {"records": _contacts(201)})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert api.post("composite/sobjects", {"records": _contacts(200)}).status_code == 200


def test_collection_update_upsert_retrieve_delete(api: Api) -> None:
    """Collections update by id, upsert by an external-id/idLookup field (with created flags), retrieve and delete."""
    ids = [r["id"] for r in api.post("composite/sobjects", {"records": _contacts(2)}).json()]
    updated = api.patch(
        "composite/sobjects", {"records": [{"attributes": {"type": "Contact"}, "id": ids[0], "Title": "Boss"}]}
    ).json()
    assert updated == [{"id": ids[0], "success": True, "errors": []}]
    upserted = api.patch(
        "composite/sobjects/Contact/Email",
        {
            "records": [
                {"attributes": {"type": "Contact"}, "Email": "c1@example.com", "LastName": "Renamed"},
                {"attributes": {"type": "Contact"}, "Email": "new@example.com", "LastName": "New"},
            ]
        },
    ).json()
    assert [(r["success"], r["created"]) for r in upserted] == [(True, False), (True, True)]
    assert upserted[0]["id"] == ids[1]
    fetched = api.get("composite/sobjects/Contact", params={"ids": ",".join(ids), "fields": "LastName,Title"}).json()
    assert [(r["LastName"], r["Title"]) for r in fetched] == [("C0", "Boss"), ("Renamed", None)]
    deleted = api.delete("composite/sobjects", params={"ids": f"{ids[0]},{ids[0]}"}).json()
    assert deleted[0] == {"id": ids[0], "success": True, "errors": []}
    assert deleted[1]["success"] is False and deleted[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_composite_references_and_single_api_call(api: Api) -> None:
    """Composite resolves @{ref.field} and @{ref.records[0].Id}, and the whole request counts as one API call."""
    api.create("Contact", LastName="Ref", Email="ref@example.com")
    before = int(api.get("limits").headers["Sforce-Limit-Info"].split("=")[1].split("/")[0])
    response = api.post(
        "composite",
        {
            "compositeRequest": [
                {
                    "method": "GET",
                    "referenceId": "found",
                    "url": "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact+WHERE+Email='ref@example.com'",
                },
                {
                    "method": "PATCH",
                    "referenceId": "update",
                    "url": "/services/data/v62.0/sobjects/Contact/@{found.records[0].Id}",
                    "body": {"Title": "Updated"},
                },
                {
                    "method": "GET",
                    "referenceId": "read",
                    "url": "/services/data/v62.0/sobjects/Contact/@{found.records[0].Id}",
                },
            ]
        },
    )
    assert response.status_code == 200
    results = response.json()["compositeResponse"]
    assert [r["httpStatusCode"] for r in results] == [200, 204, 200]
    assert results[2]["body"]["Title"] == "Updated"
    assert response.headers["Sforce-Limit-Info"] == f"api-usage={before + 1}/15000"


def test_composite_all_or_none_halts_the_rest(api: Api) -> None:
    """With allOrNone, a failing subrequest rolls back the others, which answer 400 PROCESSING_HALTED."""
    response = api.post(
        "composite",
        {
            "allOrNone": True,
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "ok",
                    "body": {"LastName": "A"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Lead",
                    "referenceId": "bad",
                    "body": {"LastName": "B"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "later",
                    "body": {"LastName": "C"},
                },
            ],
        },
    )
    results = response.json()["compositeResponse"]
    assert response.status_code == 200
    assert results[0] == {"body": [HALTED], "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "ok"}
    assert results[1]["httpStatusCode"] == 400 and results[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert results[2]["body"] == [HALTED]
    assert api.query("SELECT COUNT() FROM Contact")["totalSize"] == 0


def test_composite_without_all_or_none_halts_only_dependents(api: Api) -> None:
    """Without allOrNone, independent subrequests still run; ones referencing a failed subrequest are halted."""
    results = api.post(
        "composite",
        {
            "compositeRequest": [
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Lead",
                    "referenceId": "bad",
                    "body": {"LastName": "B"},
                },
                {
                    "method": "POST",
                    "url": "/services/data/v62.0/sobjects/Contact",
                    "referenceId": "ok",
                    "body": {"LastName": "A"},
                },
                {"method": "GET", "url": "/services/data/v62.0/sobjects/Lead/@{bad.id}", "referenceId": "dependent"},
            ]
        },
    ).json()["compositeResponse"]
    assert [r["httpStatusCode"] for r in results] == [400, 201, 400]
    assert results[2]["body"][0]["errorCode"] == "PROCESSING_HALTED"


def test_composite_limits(api: Api) -> None:
    """A composite request holds at most 25 subrequests, of which at most 5 are queries or Collections."""
    subrequests = [{"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": f"r{i}"} for i in range(26)]
    response = api.post("composite", {"compositeRequest": subrequests})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert api.post("composite", {"compositeRequest": subrequests[:25]}).status_code == 200
    queries = [
        {"method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact", "referenceId": f"q{i}"}
        for i in range(6)
    ]
    assert api.post("composite", {"compositeRequest": queries}).json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert api.post("composite", {"compositeRequest": queries[:5]}).status_code == 200


def test_collection_retrieve_by_post_takes_up_to_2000_ids(api: Api) -> None:
    """POST /composite/sobjects/X with {"ids", "fields"} retrieves ids too many for a URL: each record with
    the chosen fields in the order asked, null for an unknown id; fields is required; at most 2,000 ids."""
    created = api.post("composite/sobjects", {"records": _contacts(3)}).json()
    ids = [r["id"] for r in created]
    unknown = IdGenerator(start=900_000)
    padding = [unknown.new("003") for _ in range(1997)]
    body = {"ids": [ids[2], *padding, ids[0][:15], ids[1]], "fields": ["LastName", "email"]}
    response = api.post("composite/sobjects/Contact", body)
    assert response.status_code == 200
    results = response.json()
    assert len(results) == 2000 and results[1:1998] == [None] * 1997
    assert results[0] == {
        "attributes": {"type": "Contact", "url": f"/services/data/v62.0/sobjects/Contact/{ids[2]}"},
        "LastName": "C2",
        "Email": "c2@example.com",
    }
    assert [r["LastName"] for r in (results[1998], results[1999])] == ["C0", "C1"]
    too_many = api.post("composite/sobjects/Contact", {**body, "ids": [*body["ids"], unknown.new("003")]})
    assert too_many.status_code == 400 and too_many.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    no_fields = api.post("composite/sobjects/Contact", {"ids": ids})
    assert no_fields.status_code == 400 and no_fields.json()[0]["errorCode"] == "MISSING_ARGUMENT"
    bad_field = api.post("composite/sobjects/Contact", {"ids": ids, "fields": ["Nope"]})
    assert bad_field.status_code == 400 and bad_field.json()[0]["errorCode"] == "INVALID_FIELD"
    other_type = api.post("composite/sobjects/Lead", {"ids": ids, "fields": ["LastName"]}).json()
    assert other_type == [None, None, None]


def test_composite_reference_ids_must_be_letters_digits_and_underscores(api: Api) -> None:
    """A referenceId starts with a letter and has only letters, digits and underscores; otherwise the whole
    request is refused and nothing runs."""
    for reference in ("bad ref!", "1st", "_lead", "", None):
        response = api.post(
            "composite",
            {
                "compositeRequest": [
                    {
                        "method": "POST",
                        "url": "/services/data/v62.0/sobjects/Contact",
                        "referenceId": "good_1",
                        "body": {"LastName": "Never"},
                    },
                    {"method": "GET", "url": "/services/data/v62.0/limits", "referenceId": reference},
                ]
            },
        )
        assert response.status_code == 400 and response.json()[0]["errorCode"] == "JSON_PARSER_ERROR", reference
        assert f"Invalid referenceId: {reference}." in response.json()[0]["message"]
    assert api.query("SELECT COUNT() FROM Contact")["totalSize"] == 0


def test_a_query_subrequest_takes_its_own_batch_size_and_its_next_page_is_a_query_too(api: Api) -> None:
    """A subrequest's ``httpHeaders`` apply to it (``Sforce-Query-Options: batchSize``); its
    ``nextRecordsUrl`` is read by a later Composite and counts among the five queries."""
    api.post("composite/sobjects", {"records": _contacts(200)})
    api.post("composite/sobjects", {"records": _contacts(5)})
    query = {"method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact", "referenceId": "all"}
    small = {**query, "httpHeaders": {"Sforce-Query-Options": "batchSize=200"}}
    first = api.post("composite", {"compositeRequest": [small]}).json()["compositeResponse"][0]["body"]
    assert (first["totalSize"], first["done"], len(first["records"])) == (205, False, 200)

    more = {"method": "GET", "url": first["nextRecordsUrl"], "referenceId": "more"}
    rest = api.post("composite", {"compositeRequest": [more]}).json()["compositeResponse"][0]
    assert (rest["httpStatusCode"], rest["body"]["done"], len(rest["body"]["records"])) == (200, True, 5)
    queries = [{**query, "referenceId": f"q{n}"} for n in range(5)]
    too_many = api.post("composite", {"compositeRequest": [*queries, more]})
    assert too_many.status_code == 400 and too_many.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
