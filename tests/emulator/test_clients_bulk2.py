"""Conformance: simple-salesforce's ``bulk2``, unmodified, against the emulator's Bulk API 2.0 over HTTPS.

Each operation runs a whole ingest job (create, CSV upload, UploadComplete, polling to
JobComplete) and the per-row results are read back as the client reports them.
"""

import csv
import io

from simple_salesforce import Salesforce

#: Seconds simple-salesforce waits between its polls of a job (5 by default); the emulator finishes in well under one.
WAIT = 1


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_insert_reports_successes_and_failures_with_salesforce_errors(sf: Salesforce) -> None:
    """Valid rows are created; a row missing LastName fails with REQUIRED_FIELD_MISSING in sf__Error."""
    records = [
        {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"},
        {"FirstName": "Nobody", "LastName": "", "Email": "nobody@example.com"},
    ]
    [result] = sf.bulk2.Contact.insert(records=records, wait=WAIT)
    assert result["numberRecordsProcessed"] == 2 and result["numberRecordsFailed"] == 1
    successes = _rows(sf.bulk2.Contact.get_successful_records(result["job_id"]))
    assert [(r["sf__Created"], r["Email"]) for r in successes] == [("true", "ada@example.com")]
    assert sf.Contact.get(successes[0]["sf__Id"])["LastName"] == "Lovelace"
    [failure] = _rows(sf.bulk2.Contact.get_failed_records(result["job_id"]))
    assert failure["sf__Error"].startswith("REQUIRED_FIELD_MISSING:") and failure["Email"] == "nobody@example.com"
    assert _rows(sf.bulk2.Contact.get_unprocessed_records(result["job_id"])) == []


def test_upsert_update_and_delete(sf: Salesforce) -> None:
    """Upsert by Email updates the match and creates the rest; update and delete act on Ids."""
    existing = sf.Contact.create({"LastName": "Hopper", "Email": "grace@example.com"})["id"]
    [upserted] = sf.bulk2.Contact.upsert(
        records=[
            {"Email": "grace@example.com", "Title": "Admiral"},
            {"Email": "new@example.com", "LastName": "Newcomer"},
        ],
        external_id_field="Email",
        wait=WAIT,
    )
    assert upserted["numberRecordsFailed"] == 0
    created = {r["Email"]: r["sf__Created"] for r in _rows(sf.bulk2.Contact.get_successful_records(upserted["job_id"]))}
    assert created == {"grace@example.com": "false", "new@example.com": "true"}
    assert sf.Contact.get(existing)["Title"] == "Admiral"

    [updated] = sf.bulk2.Contact.update(records=[{"Id": existing, "Title": "Rear Admiral"}], wait=WAIT)
    assert updated["numberRecordsFailed"] == 0 and sf.Contact.get(existing)["Title"] == "Rear Admiral"

    [deleted] = sf.bulk2.Contact.delete(records=[{"Id": existing}], wait=WAIT)
    assert deleted["numberRecordsFailed"] == 0
    assert sf.query(f"SELECT Id FROM Contact WHERE Id = '{existing}'")["totalSize"] == 0


def test_update_and_delete_report_deleted_records_as_failed(sf: Salesforce) -> None:
    """Rows naming a deleted record fail with Salesforce's ``ENTITY_IS_DELETED:entity is deleted:--``;
    the others succeed with their Id in sf__Id and sf__Created false."""
    kept = sf.Contact.create({"LastName": "Kept"})["id"]
    gone = sf.Contact.create({"LastName": "Gone"})["id"]
    sf.Contact.delete(gone)

    [updated] = sf.bulk2.Contact.update(
        records=[{"Id": kept, "Title": "Stays"}, {"Id": gone, "Title": "Ghost"}], wait=WAIT
    )
    assert updated["numberRecordsProcessed"] == 2 and updated["numberRecordsFailed"] == 1
    [success] = _rows(sf.bulk2.Contact.get_successful_records(updated["job_id"]))
    assert (success["sf__Id"], success["sf__Created"], success["Title"]) == (kept, "false", "Stays")
    [failure] = _rows(sf.bulk2.Contact.get_failed_records(updated["job_id"]))
    assert (failure["sf__Error"], failure["Id"]) == ("ENTITY_IS_DELETED:entity is deleted:--", gone)
    assert sf.Contact.get(kept)["Title"] == "Stays"

    [deleted] = sf.bulk2.Contact.delete(records=[{"Id": kept}, {"Id": gone}], wait=WAIT)
    assert deleted["numberRecordsFailed"] == 1
    assert [r["sf__Id"] for r in _rows(sf.bulk2.Contact.get_successful_records(deleted["job_id"]))] == [kept]
    [failure] = _rows(sf.bulk2.Contact.get_failed_records(deleted["job_id"]))
    assert (failure["sf__Error"], failure["Id"]) == ("ENTITY_IS_DELETED:entity is deleted:--", gone)
    assert sf.query_all(f"SELECT Id FROM Contact WHERE Id = '{kept}'", include_deleted=True)["records"][0]["Id"] == kept
    assert sf.query(f"SELECT Id FROM Contact WHERE Id = '{kept}'")["totalSize"] == 0
