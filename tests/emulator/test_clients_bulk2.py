"""Conformance: simple-salesforce's ``bulk2``, unmodified, against the emulator's Bulk API 2.0 over HTTPS.

Each operation runs a whole ingest job (create, CSV upload, UploadComplete, polling to
JobComplete) and the per-row results are read back as the client reports them.
"""

import csv
import io

from simple_salesforce import Salesforce


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_insert_reports_successes_and_failures_with_salesforce_errors(sf: Salesforce) -> None:
    """Valid rows are created; a row missing LastName fails with REQUIRED_FIELD_MISSING in sf__Error."""
    records = [
        {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"},
        {"FirstName": "Nobody", "LastName": "", "Email": "nobody@example.com"},
    ]
    [result] = sf.bulk2.Contact.insert(records=records)
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
    )
    assert upserted["numberRecordsFailed"] == 0
    created = {r["Email"]: r["sf__Created"] for r in _rows(sf.bulk2.Contact.get_successful_records(upserted["job_id"]))}
    assert created == {"grace@example.com": "false", "new@example.com": "true"}
    assert sf.Contact.get(existing)["Title"] == "Admiral"

    [updated] = sf.bulk2.Contact.update(records=[{"Id": existing, "Title": "Rear Admiral"}])
    assert updated["numberRecordsFailed"] == 0 and sf.Contact.get(existing)["Title"] == "Rear Admiral"

    [deleted] = sf.bulk2.Contact.delete(records=[{"Id": existing}])
    assert deleted["numberRecordsFailed"] == 0
    assert sf.query(f"SELECT Id FROM Contact WHERE Id = '{existing}'")["totalSize"] == 0
