"""Bulk API 2.0 over real HTTP against the emulator: the library's ingest jobs, and
backfills that use one job above the plugin's threshold and Collections below it.

API calls for 100,000 users are measured by bench/bulk_backfill.py.
"""

from typing import Any

import pytest
from sqlalchemy import insert

import host.sync
from host.extensions import db
from host.models import User
from host.sync.backfill import backfill
from plugins.salesforce_common import InvalidEmailAddress, RecordNotFound, SalesforceClient, TransientError, bulk
from plugins.salesforce_common.bulk import BulkIngest, BulkJobFailed
from plugins.salesforce_contacts.links import load_link
from plugins.salesforce_contacts.settings import salesforce_config

JOB_CALLS = ("POST jobs/ingest", "PUT jobs/ingest/<job_id>/batches", "PATCH jobs/ingest/<job_id>")


def connected_client(site: Any) -> SalesforceClient:
    return SalesforceClient(salesforce_config(site.plugin.settings, site.plugin.store))


def job_calls(site: Any) -> dict[str, int]:
    return {call: count for call, count in site.sf.admin.call_counts().items() if "jobs/ingest" in call}


def collection_calls(site: Any) -> int:
    return sum(count for call, count in site.sf.admin.call_counts().items() if "composite/sobjects" in call)


def add_users(site: Any, emails: list[str]) -> list[int]:
    """Users who were there before the plugin: inserted directly, so nothing queues them."""
    rows = [
        {"email": email, "password_hash": "-", "first_name": "U", "last_name": f"User {n}"}
        for n, email in enumerate(emails)
    ]
    with site.app.app_context():
        ids = list(db.session.scalars(insert(User).returning(User.id), rows))
        db.session.commit()
    return ids


def tagged_users(site: Any, emails: list[str], *tags: str) -> list[int]:
    """Users who were there before the plugin, given ``tags`` while it is paused for a backfill."""
    users = add_users(site, emails)
    with site.writing():
        host.sync.pause(site.plugin, "the tag changes wait for the backfill")
        db.session.commit()
    for user_id in users:
        site.change_tags(user_id, add=tags)
    return users


def backfill_users(site: Any) -> None:
    """``plughost sync backfill salesforce_contacts user``, delivered while nothing else runs."""
    with site.writing():
        host.sync.pause(site.plugin, "the backfill is queued first")
        db.session.commit()
        sum(backfill(site.plugin.name, "user"))
        host.sync.resume(site.plugin)
        db.session.commit()
    site.drain()


# -- the library -----------------------------------------------------------------


def test_an_upsert_job_gives_each_record_its_own_result_in_order(site):
    existing = site.sf.admin.insert("Contact", LastName="Hopper", Email="grace@example.com")
    records = [
        {"Email": "not-an-address", "LastName": "Broken"},
        {"Email": "grace@example.com", "Title": "Admiral"},
        {"Email": "ada@example.com", "LastName": "Lovelace", "Title": None},
    ]
    with site.app.app_context(), connected_client(site) as client:
        refused, updated, created = bulk.upsert_records(client, "Contact", "Email", records)

    assert (updated.success, updated.created, updated.id) == (True, False, existing)
    assert created.success and created.created and created.id
    assert site.record("ada@example.com")["LastName"] == "Lovelace"
    assert site.record("grace@example.com")["Title"] == "Admiral"
    assert not refused.success and isinstance(refused.error, InvalidEmailAddress)
    assert str(refused.error) == (
        "Salesforce rejected the user's email address for Email on Contact as invalid; correct it on the site."
    )
    assert job_calls(site) == {
        **dict.fromkeys(JOB_CALLS, 1),
        "GET jobs/ingest/<job_id>": job_calls(site)["GET jobs/ingest/<job_id>"],
        "GET jobs/ingest/<job_id>/successfulResults": 1,
        "GET jobs/ingest/<job_id>/failedResults": 1,
    }


def test_a_job_salesforce_fails_gives_every_record_the_reason_to_retry_with(site):
    """An upsert whose rows lack the key column: Salesforce fails the whole job."""
    with site.app.app_context(), connected_client(site) as client:
        results = bulk.upsert_records(client, "Contact", "Email", [{"LastName": "A"}, {"LastName": "B"}])

    assert [result.success for result in results] == [False, False]
    for result in results:
        assert isinstance(result.error, BulkJobFailed) and isinstance(result.error, TransientError)
        assert "Field name not found : Email" in str(result.error) and "tried again" in str(result.error)
    assert all(record.get("LastName") not in ("A", "B") for record in site.records("Contact"))


def test_a_job_can_be_aborted_read_and_deleted(site):
    with site.app.app_context(), connected_client(site) as client:
        ingest = BulkIngest(client)
        job = ingest.create_job("insert", "Contact")
        assert job.state == "Open"
        ingest.upload(job.id, ["LastName"], lambda: iter([{"LastName": "Never"}]))
        assert ingest.abort(job.id).state == "Aborted"
        assert ingest.status(job.id).finished
        assert list(ingest.successful_results(job.id)) == []
        ingest.delete(job.id)
        with pytest.raises(RecordNotFound):
            ingest.status(job.id)
    assert all(record.get("LastName") != "Never" for record in site.records("Contact"))


def test_a_job_still_running_at_its_deadline_is_stopped_and_its_rows_sent_again(site):
    with site.app.app_context(), connected_client(site) as client:
        ingest = BulkIngest(client, poll_first=0)
        job = ingest.create_job("insert", "Contact")
        ingest.upload(job.id, ["LastName"], lambda: iter([{"LastName": "Late"}]))
        # The job is still open (never marked complete), so the deadline passes first.
        status = ingest.wait(job.id, deadline_seconds=0)
    assert status.state == "Aborted"
    assert job_calls(site)["PATCH jobs/ingest/<job_id>"] == 1


def test_a_look_at_a_job_that_fails_in_passing_is_followed_by_another(site):
    with site.app.app_context(), connected_client(site) as client:
        ingest = BulkIngest(client, poll_first=0.05)
        job = ingest.create_job("insert", "Contact")
        ingest.upload(job.id, ["LastName"], lambda: iter([{"LastName": "Patient"}]))
        ingest.complete_upload(job.id)
        site.sf.admin.settings(outage_seconds=2)
        status = ingest.wait(job.id, deadline_seconds=60)
    assert status.state == "JobComplete" and status.records_processed == 1
    assert site.sf.admin.call_counts().get("GET unavailable", 0) >= 1


# -- backfills -------------------------------------------------------------------


def test_a_backfill_above_the_threshold_goes_out_as_one_bulk_job(make_site):
    site = make_site(bulk_threshold=5)
    emails = [f"member{n}@example.com" for n in range(6)]
    ids = add_users(site, [*emails, "broken-address"])

    backfill_users(site)

    assert job_calls(site)["POST jobs/ingest"] == 1
    assert collection_calls(site) == 0
    with site.app.app_context():
        for user_id, email in zip(ids, emails, strict=False):
            link = load_link(user_id)
            assert link is not None and link.salesforce_id == site.record(email)["Id"]
            assert site.status(user_id).state == "done"
    refused = site.status(ids[-1])
    assert refused.state == "dead"
    assert "rejected the user's email address for Email on Contact as invalid" in refused.message


def test_a_backfill_below_the_threshold_uses_collections(site):
    ids = add_users(site, [f"few{n}@example.com" for n in range(3)])

    backfill_users(site)

    assert job_calls(site) == {}
    assert collection_calls(site) == 1
    assert all(site.status(user_id).state == "done" for user_id in ids)


def test_a_larger_job_is_looked_at_later_and_less_often() -> None:
    """A job of a backfill's size is looked at a handful of times, not every ten seconds while it runs."""
    assert bulk.poll_pacing(2_000) == {"poll_first": 0.5, "poll_longest": 10.0}
    large = bulk.poll_pacing(100_000)
    assert large["poll_first"] == 5.0 and large["poll_longest"] == 50.0
