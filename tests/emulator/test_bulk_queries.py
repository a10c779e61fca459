"""Bulk API 2.0 query jobs: the SOQL checked on creation, the job run in the background, results read in sets."""

import csv
import io

from emulator_rest_client import Api
from polling import wait_for
from simple_salesforce import Salesforce

from salesforce_emulator.testing import EmulatorHandle


def _complete(api: Api, job_id: str) -> dict:
    def finished() -> dict | None:
        info = api.get(f"jobs/query/{job_id}").json()
        return info if info["state"] in ("JobComplete", "Failed", "Aborted") else None

    return wait_for(finished, f"query job {job_id} to finish")


def _job(api: Api, soql: str, **options: str) -> str:
    created = api.post("jobs/query", {"operation": "query", "query": soql, **options})
    assert created.status_code == 200, created.text
    assert created.json()["state"] == "UploadComplete" and created.json()["object"] == "Contact"
    return created.json()["id"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_simple_salesforce_reads_a_query_job_in_sets(sf: Salesforce) -> None:
    for number in range(5):
        sf.Contact.create({"LastName": f"Bulk{number}", "Email": f"bulk{number}@example.com"})
    sets = list(sf.bulk2.Contact.query("SELECT Id, LastName, Email FROM Contact", max_records=2, wait=1))
    assert len(sets) == 3, "five rows in sets of two"
    rows = [row for text in sets for row in _rows(text)]
    assert sorted(row["Email"] for row in rows) == [f"bulk{n}@example.com" for n in range(5)]
    assert all(row["Id"].startswith("003") for row in rows)


def test_results_carry_the_next_locator_and_the_count_and_a_locator_can_be_read_again(api: Api) -> None:
    account = api.create("Account", Name="Analytical Engines")
    api.create("Contact", LastName="Lovelace", Email="ada@example.com", AccountId=account, HasOptedOutOfEmail=True)
    api.create("Contact", LastName="Hopper", Email="grace@example.com")
    job_id = _job(api, "SELECT LastName, Account.Name, HasOptedOutOfEmail, Title FROM Contact ORDER BY LastName")
    assert _complete(api, job_id)["numberRecordsProcessed"] == 2

    first = api.get(f"jobs/query/{job_id}/results", params={"maxRecords": 1})
    assert first.headers["Sforce-NumberOfRecords"] == "1" and first.headers["Content-Type"].startswith("text/csv")
    assert first.text.splitlines()[0] == '"LastName","Account.Name","HasOptedOutOfEmail","Title"'
    assert _rows(first.text) == [{"LastName": "Hopper", "Account.Name": "", "HasOptedOutOfEmail": "false", "Title": ""}]
    locator = first.headers["Sforce-Locator"]
    second = api.get(f"jobs/query/{job_id}/results", params={"maxRecords": 1, "locator": locator})
    assert _rows(second.text)[0]["Account.Name"] == "Analytical Engines" and second.text.count("true") == 1
    assert second.headers["Sforce-Locator"] == "null"
    again = api.get(f"jobs/query/{job_id}/results", params={"maxRecords": 1, "locator": locator})
    assert again.text == second.text


def test_bad_queries_are_refused_when_the_job_is_created(api: Api) -> None:
    refused = {
        "SELECT Id FROM Contact OFFSET 5": "API_ERROR",
        "SELECT COUNT() FROM Contact": "API_ERROR",
        "SELECT Id FROM Contact WHERE": "MALFORMED_QUERY",
        "SELECT Id FROM Nothing__c": "INVALID_TYPE",
    }
    for soql, code in refused.items():
        answer = api.post("jobs/query", {"operation": "query", "query": soql})
        assert answer.status_code == 400 and answer.json()[0]["errorCode"] == code, soql
    assert api.post("jobs/query", {"operation": "select", "query": "SELECT Id FROM Contact"}).status_code == 400


def test_results_need_the_creating_version_and_a_finished_job_and_a_valid_locator(api: Api) -> None:
    job_id = _job(api, "SELECT Id FROM Contact")
    _complete(api, job_id)
    assert api.request("GET", f"jobs/query/{job_id}/results", version="58.0").status_code == 409
    assert api.get(f"jobs/query/{job_id}/results", params={"locator": "not a locator"}).status_code == 400
    assert api.get(f"jobs/query/{job_id}/results", params={"maxRecords": "0"}).status_code == 400
    assert api.get("jobs/query/750000000000000AAA/results").status_code == 404


def test_a_finished_job_cannot_be_aborted_and_a_deleted_job_is_gone(api: Api) -> None:
    job_id = _job(api, "SELECT Id FROM Contact")
    _complete(api, job_id)
    assert api.patch(f"jobs/query/{job_id}", {"state": "Aborted"}).status_code == 400
    assert job_id in {job["id"] for job in api.get("jobs/query").json()["records"]}
    assert job_id not in {job["id"] for job in api.get("jobs/ingest").json()["records"]}
    assert api.delete(f"jobs/query/{job_id}").status_code == 204
    assert api.get(f"jobs/query/{job_id}").status_code == 404


def test_jobs_kept_across_a_reset_of_the_org_keep_their_own_ids(emulator: EmulatorHandle, api: Api) -> None:
    """The org's records and id counter start again on a reset; its job history does not, so ids never repeat."""
    before = _job(api, "SELECT Id FROM Contact")
    emulator.reset()
    after = Api(emulator, emulator.obtain_token())
    again = _job(after, "SELECT Id FROM Contact")
    assert again != before
    assert {before, again} <= {job["id"] for job in after.get("jobs/query").json()["records"]}


def test_a_query_job_reads_a_topics_assignments(api: Api) -> None:
    """TopicAssignment takes Bulk queries: the ids of the records a topic is assigned to."""
    topic = api.create("Topic", Name="Webinar")
    other = api.create("Topic", Name="Gala")
    contacts = [api.create("Contact", LastName=f"Guest {n}") for n in range(3)]
    lead = api.create("Lead", LastName="Prospect", Company="Acme")
    for entity in [*contacts, lead]:
        api.create("TopicAssignment", TopicId=topic, EntityId=entity)
    api.create("TopicAssignment", TopicId=other, EntityId=contacts[0])

    soql = f"SELECT EntityId FROM TopicAssignment WHERE TopicId = '{topic}' ORDER BY EntityId"
    created = api.post("jobs/query", {"operation": "query", "query": soql})
    assert created.status_code == 200 and created.json()["object"] == "TopicAssignment"
    assert _complete(api, created.json()["id"])["numberRecordsProcessed"] == 4
    rows = _rows(api.get(f"jobs/query/{created.json()['id']}/results").text)
    assert [row["EntityId"] for row in rows] == sorted([*contacts, lead])
