"""Conformance: jsforce, unmodified, through Node, against the emulator over HTTPS.

``jsforce/scenario.js`` runs once for the module with a session from the OAuth web-server
flow (expired before the run, so jsforce first refreshes it with the refresh token) and
prints each operation's result; the tests check those results and what the emulator then
holds. Node trusts the emulator's certificate through ``NODE_EXTRA_CA_CERTS``. Where Node
or jsforce (``npm ci`` in ``tests/emulator/jsforce``, which ``./run-tests`` runs) is missing
the module skips, and fails under ``PLUGHOST_REQUIRE_SERVICES=1``.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from salesforce_emulator.testing import EmulatorHandle

PROJECT = Path(__file__).parent / "jsforce"
#: Seconds the whole scenario may take; it needs about two.
TIMEOUT = 120


@dataclass
class ScenarioRun:
    """What jsforce reported per step, and what the emulator held and counted afterwards."""

    steps: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    rest_calls: dict[str, int]
    oauth_calls: dict[str, int]

    def value(self, step: str) -> Any:
        """The step's result, failing the test with jsforce's error if the step raised."""
        outcome = self.steps[step]
        assert outcome["ok"], f"jsforce {step} failed: {outcome['error']}"
        return outcome["value"]

    def error(self, step: str) -> dict[str, Any]:
        """The error jsforce raised in the step, failing the test if the step succeeded."""
        outcome = self.steps[step]
        assert not outcome["ok"], f"jsforce {step} was expected to fail but returned {outcome['value']}"
        return outcome["error"]

    def contact(self, email: str) -> dict[str, Any]:
        [record] = [r for r in self.contacts.values() if r["Email"] == email]
        return record


def _node(service_unavailable: Callable[[str], None]) -> str:
    node = shutil.which("node")
    if node is None:
        service_unavailable("Node is not installed: the jsforce conformance tests need node on PATH")
    if not (PROJECT / "node_modules" / "jsforce" / "package.json").is_file():
        service_unavailable(f"jsforce is not installed: run `npm ci` in {PROJECT} (./run-tests does when npm is there)")
    return node  # type: ignore[return-value]


@pytest.fixture(scope="module")
def run(emulator_https_server: EmulatorHandle, service_unavailable: Callable[[str], None]) -> Iterator[ScenarioRun]:
    """One run of the scenario, with query pages of two records and the session expired beforehand;
    the org is reset afterwards, as the per-test fixtures would leave it."""
    node = _node(service_unavailable)
    emulator = emulator_https_server
    emulator.reset()
    emulator.admin.settings(query_batch_size=2)
    token = emulator.obtain_token()
    emulator.admin.expire_sessions()
    emulator.admin.clear_calls()
    env = {
        **os.environ,
        "NODE_EXTRA_CA_CERTS": str(emulator.verify),
        "SF_INSTANCE_URL": token["instance_url"],
        "SF_ACCESS_TOKEN": token["access_token"],
        "SF_REFRESH_TOKEN": token["refresh_token"],
        "SF_LOGIN_URL": emulator.base_url,
        "SF_CLIENT_ID": emulator.consumer_key,
        "SF_CLIENT_SECRET": emulator.consumer_secret,
        "SF_API_VERSION": "59.0",
    }
    completed = subprocess.run(
        [node, "scenario.js"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert completed.returncode == 0, f"scenario.js exited {completed.returncode}: {completed.stderr}"
    yield ScenarioRun(
        steps=json.loads(completed.stdout),
        contacts={r["Id"]: r for r in emulator.admin.records("Contact", include_deleted=True)},
        rest_calls=emulator.admin.call_counts(),
        oauth_calls=emulator.admin.oauth_call_counts(),
    )
    emulator.reset()


def test_expired_session_is_refreshed_and_identity_names_the_user(
    run: ScenarioRun, emulator_https_server: EmulatorHandle
) -> None:
    """jsforce meets 401 INVALID_SESSION_ID, refreshes once with the refresh token and goes on."""
    assert run.value("refreshes") == 1
    assert run.oauth_calls.get("POST services/oauth2/token") == 1
    identity = run.value("identity")
    assert identity["username"] == emulator_https_server.username
    assert identity["user_id"].startswith("005") and identity["organization_id"].startswith("00D")


def test_describe_global_and_describe(run: ScenarioRun) -> None:
    assert {"Account", "Contact", "Lead", "Partner__c"} <= set(run.value("describeGlobal"))
    account = run.value("describe")
    assert account["name"] == "Account"
    assert account["fields"]["Name"] == "string" and account["fields"]["OwnerId"] == "reference"
    assert ["Contact", "Contacts"] in account["childRelationships"]


def test_create_retrieve_update(run: ScenarioRun) -> None:
    account, contact = run.value("createAccount"), run.value("create")
    assert account["success"] is True and account["id"].startswith("001")
    assert contact == {"id": contact["id"], "success": True, "errors": []} and contact["id"].startswith("003")
    assert run.value("retrieve") == {"Id": contact["id"], "Name": "Ada Lovelace", "type": "Contact"}
    assert run.value("update") == {"id": contact["id"], "success": True, "errors": []}
    held = run.contacts[contact["id"]]
    assert (held["Title"], held["AccountId"]) == ("Analyst", account["id"])


def test_upsert_by_external_id_one_record_and_a_collection(run: ScenarioRun) -> None:
    """One record through sobjects/Contact/Email/<value>, several through the Collections PATCH."""
    created, updated = run.value("upsertCreate"), run.value("upsertUpdate")
    assert (created["created"], updated["created"]) == (True, False) and created["id"] == updated["id"]
    results = run.value("collectionsUpsert")
    assert [(r["success"], r["created"]) for r in results] == [(True, False), (True, True)]
    assert results[0]["id"] == created["id"]
    assert run.contact("grace@example.com")["Title"] == "Rear Admiral"
    assert run.contact("katherine@example.com")["LastName"] == "Johnson"
    assert run.rest_calls["PATCH sobjects/<name>/<field_name>/<value>"] == 2
    assert run.rest_calls["PATCH composite/sobjects/<name>/<field_name>"] == 1


def test_soql_reads_a_parent_field(run: ScenarioRun) -> None:
    contact = run.value("create")["id"]
    assert run.value("queryParent") == [{"Id": contact, "Title": "Analyst", "AccountName": "Acme"}]


def test_query_pages_and_auto_fetch_follows_them(run: ScenarioRun) -> None:
    """With pages of two, a query stops at the first; autoFetch follows nextRecordsUrl to the end."""
    assert run.value("queryFirstPage") == {"totalSize": 4, "done": False, "fetched": 2}
    fetched = run.value("queryAutoFetch")
    assert fetched == {"totalSize": 4, "done": True, "pages": 2, "lastNames": ["Page 1", "Page 2", "Page 3", "Page 4"]}


def test_collections_create_update_delete_report_each_record(run: ScenarioRun) -> None:
    """allOrNone false: the valid records are saved, the invalid one answers REQUIRED_FIELD_MISSING."""
    *saved, refused = run.value("collectionsCreate")
    assert [r["success"] for r in saved] == [True] * 4
    missing = {"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [LastName]"}
    assert refused == {"success": False, "errors": [{**missing, "fields": ["LastName"]}]}
    ids = [r["id"] for r in saved]
    updated = run.value("collectionsUpdate")
    assert updated[0] == {"id": ids[0], "success": True, "errors": []}
    assert updated[1] == {"id": ids[1], "success": False, "errors": [{**missing, "fields": ["LastName"]}]}
    assert run.value("collectionsDelete") == [{"id": i, "success": True, "errors": []} for i in ids[2:]]
    assert run.contacts[ids[0]]["Title"] == "Updated" and run.contacts[ids[1]]["LastName"] == "Page 2"
    assert [run.contacts[i]["IsDeleted"] for i in ids] == [False, False, True, True]


def test_retrieve_many_posts_to_collections(run: ScenarioRun) -> None:
    """retrieve([ids]) is one POST composite/sobjects/Contact naming every field describe lists."""
    first_page, contact = run.value("collectionsCreate")[0]["id"], run.value("create")["id"]
    assert run.value("retrieveMany") == [
        {"Id": first_page, "LastName": "Page 1", "Email": "p1@example.com", "Title": None},
        {"Id": contact, "LastName": "Lovelace", "Email": "ada@example.com", "Title": "Analyst"},
    ]
    assert run.rest_calls["POST composite/sobjects/<name>"] == 1


def test_query_all_returns_deleted_records(run: ScenarioRun) -> None:
    deleted = [r["id"] for r in run.value("collectionsDelete")]
    assert run.value("queryAll") == {"totalSize": 4, "deleted": deleted}


def test_errors_carry_salesforce_error_codes(run: ScenarioRun) -> None:
    assert run.error("errorDeleted") == {
        "name": "ENTITY_IS_DELETED",
        "errorCode": "ENTITY_IS_DELETED",
        "message": "entity is deleted",
    }
    malformed = run.error("errorMalformedQuery")
    assert malformed["errorCode"] == "MALFORMED_QUERY" and "ERROR at Row:1:Column:15" in malformed["message"]


def test_bulk_insert_reports_successful_and_failed_rows(run: ScenarioRun) -> None:
    results = run.value("bulkInsert")
    assert [(r["sf__Created"], r["Email"]) for r in results["successfulResults"]] == [
        ("true", "bulk1@example.com"),
        ("true", "bulk2@example.com"),
    ]
    [failed] = results["failedResults"]
    assert failed["sf__Error"] == "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    assert failed["Email"] == "bulk-nameless@example.com" and results["unprocessedRecords"] == []
    assert not [r for r in run.contacts.values() if r["Email"] == "bulk-nameless@example.com"]


def test_bulk_upsert_updates_the_match_and_creates_the_rest(run: ScenarioRun) -> None:
    results = run.value("bulkUpsert")
    created = {r["Email"]: r["sf__Created"] for r in results["successfulResults"]}
    assert created == {"bulk1@example.com": "false", "bulk3@example.com": "true"} and results["failedResults"] == []
    assert run.contact("bulk3@example.com")["Title"] == "New"


def test_bulk_update_and_delete_fail_rows_naming_a_deleted_record(run: ScenarioRun) -> None:
    gone = run.value("collectionsDelete")[0]["id"]
    first = run.contact("bulk1@example.com")["Id"]
    updated = run.value("bulkUpdate")
    assert [r["sf__Id"] for r in updated["successfulResults"]] == [first]
    assert [(r["Id"], r["sf__Error"]) for r in updated["failedResults"]] == [
        (gone, "ENTITY_IS_DELETED:entity is deleted:--")
    ]
    assert run.contacts[first]["Title"] == "Updated in bulk"

    deleted = run.value("bulkDelete")
    second = run.contact("bulk2@example.com")["Id"]
    assert [r["sf__Id"] for r in deleted["successfulResults"]] == [second]
    assert [(r["Id"], r["sf__Error"]) for r in deleted["failedResults"]] == [
        (gone, "ENTITY_IS_DELETED:entity is deleted:--")
    ]
    assert run.contacts[second]["IsDeleted"] is True
