"""What a streamed Bulk batch of users does when something happens mid-stream: a session
that expires, a connection revoked, a worker that dies, another writer waiting."""

import threading
from collections.abc import Callable
from typing import Any

from test_bulk_loads import add_users, backfill_users, tagged_users

import host.sync
from host.extensions import db
from host.models import User
from host.services.users import delete_user, update_user
from host.sync.backfill import backfill
from plugins.salesforce_common.bulk import BulkIngest
from plugins.salesforce_contacts.handler import UserSyncHandler
from plugins.salesforce_contacts.streamed_delivery import StreamedDelivery
from plugins.salesforce_contacts.topic_cache import TOPICS_KEY


def _before_first(monkeypatch: Any, method: str, action: Callable[[], None]) -> None:
    """Run ``action`` once, just before the worker's first ``BulkIngest.<method>`` call."""
    original = getattr(BulkIngest, method)
    done: list[bool] = []

    def wrapped(self: BulkIngest, *args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            action()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BulkIngest, method, wrapped)


def _backfill_with_a_deletion(site: Any, gone: int) -> None:
    """Queue every user for a backfill, then delete ``gone``: the batch's last entry is a deletion."""
    with site.writing():
        host.sync.pause(site.plugin, "the backfill is queued first")
        db.session.commit()
        sum(backfill(site.plugin.name, "user"))
        delete_user(db.session.get(User, gone))
        host.sync.resume(site.plugin)
        db.session.commit()


def _blocked_while_the_jobs_start(monkeypatch: Any, write: Callable[[], None]) -> list[bool]:
    """Run ``write`` from another thread as the worker creates its first job; whether it was still waiting after 5 s."""
    blocked: list[bool] = []

    def write_beside() -> None:
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=5)
        blocked.append(writer.is_alive())

    _before_first(monkeypatch, "create_job", write_beside)
    return blocked


def test_a_session_that_expires_as_the_jobs_start_after_a_deletion_is_renewed_without_a_retry(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, deletion="delete", segmentation="none")
    *kept, gone = add_users(site, [f"user{n}@example.com" for n in range(4)])
    backfill_users(site)
    gone_contact = site.record("user3@example.com")["Id"]
    # The deleted user is the last of the batch: delivered in its last chunk while planning.
    _backfill_with_a_deletion(site, gone)
    _before_first(monkeypatch, "create_job", site.sf.admin.expire_sessions)
    site.drain()

    assert gone_contact not in {record["Id"] for record in site.records()}
    for user_id in kept:
        status = site.status(user_id)
        assert status.message.startswith("Updated Contact "), status.message
        # The renewal is the library's own transaction: it needs the batch's writes committed.
        assert status.attempts == 1, status.message


def test_a_user_refused_before_sending_stays_refused_when_the_connection_is_lost_after(make_site, monkeypatch):
    # Chunks of three: the refusal waits unsettled while the next two answers come.
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 3)
    site = make_site(bulk_threshold=3, segmentation="none")
    # Longer than the 80 characters Contact.Email takes: refused before sending.
    refused, *others = add_users(site, ["r" * 90 + "@example.com", "user1@example.com", "user2@example.com"])

    def lose_connection() -> None:
        site.sf.admin.revoke_refresh_tokens(site.sf.username)
        site.sf.admin.expire_sessions()

    # The refused user is answered while planning; the jobs then find the connection revoked.
    _before_first(monkeypatch, "create_job", lose_connection)
    backfill_users(site)

    status = site.status(refused)
    assert status is not None and status.state == "dead", status
    assert all(site.status(user_id) is None or site.status(user_id).state != "done" for user_id in others)


def test_a_stream_that_dies_before_storing_its_topic_assignments_assigns_them_once_on_the_retry(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3)
    users = tagged_users(site, [f"tagged{n}@example.com" for n in range(4)], "Webinar")
    original = StreamedDelivery._store_assignments
    died: list[bool] = []

    def die_once(self: StreamedDelivery, assigned: dict[str, dict[str, str | None]]) -> None:
        if not died:
            died.append(True)
            raise RuntimeError("the worker died")
        original(self, assigned)

    monkeypatch.setattr(StreamedDelivery, "_store_assignments", die_once)
    backfill_users(site)
    site.drain()

    assert died
    for n in range(4):
        assert site.topics_of(site.record(f"tagged{n}@example.com")["Id"]) == {"Webinar"}
    assert len(site.records("TopicAssignment")) == 4
    assert all(site.status(user_id).state == "done" for user_id in users)


def test_a_connection_revoked_before_the_topic_job_holds_the_waiting_users_until_reconnected(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3)
    users = tagged_users(site, [f"tagged{n}@example.com" for n in range(4)], "Webinar")
    original = BulkIngest.create_job
    jobs: list[str] = []

    def revoke_before_topics(self: BulkIngest, operation: str, sobject: str, **kwargs: Any) -> Any:
        jobs.append(sobject)
        if sobject == "TopicAssignment" and jobs.count(sobject) == 1:
            site.sf.admin.revoke_refresh_tokens(site.sf.username)
            site.sf.admin.expire_sessions()
        return original(self, operation, sobject, **kwargs)

    monkeypatch.setattr(BulkIngest, "create_job", revoke_before_topics)
    backfill_users(site)

    assert all(site.status(user_id).state == "pending" for user_id in users)
    site.connect()
    site.drain()

    for n in range(4):
        assert site.topics_of(site.record(f"tagged{n}@example.com")["Id"]) == {"Webinar"}
    assert len(site.records("TopicAssignment")) == 4
    assert all(site.status(user_id).state == "done" for user_id in users)


def test_the_site_can_write_while_the_jobs_of_a_batch_with_a_deletion_run(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, deletion="delete", segmentation="none")
    *kept, gone = add_users(site, [f"user{n}@example.com" for n in range(4)])
    backfill_users(site)
    _backfill_with_a_deletion(site, gone)

    def rename() -> None:
        # A profile edit on the site.
        with site.writing():
            db.session.get(User, kept[0]).last_name = "Renamed meanwhile"
            db.session.commit()

    blocked = _blocked_while_the_jobs_start(monkeypatch, rename)
    site.drain()

    assert blocked == [False]


def test_another_batch_can_save_topics_while_the_jobs_of_a_batch_with_a_deletion_run(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, deletion="delete")
    *kept, gone = add_users(site, [f"user{n}@example.com" for n in range(4)])
    # A topic learned, so the topic cache is stored.
    site.change_tags(kept[0], add=("Webinar",))
    site.drain()
    backfill_users(site)
    _backfill_with_a_deletion(site, gone)

    def lock_topics() -> None:
        # What another worker's batch does when it saves.
        with site.writing():
            site.plugin.store.lock(TOPICS_KEY)
            db.session.commit()

    blocked = _blocked_while_the_jobs_start(monkeypatch, lock_topics)
    site.drain()

    assert blocked == [False]


def _choose_while_the_job_runs(site, monkeypatch, user_id: int, consents: bool) -> None:
    """Backfill again, the user choosing ``consents`` after the rows are uploaded, before the results are read."""

    def choose() -> None:
        with site.writing():
            update_user(db.session.get(User, user_id), {"marketing_email_consent": consents})
            db.session.commit()

    _before_first(monkeypatch, "complete_upload", choose)
    backfill_users(site)
    site.drain()


def test_a_re_consent_made_while_the_job_runs_reaches_salesforce(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, segmentation="none")
    users = add_users(site, [f"user{n}@example.com" for n in range(4)])
    backfill_users(site)
    assert site.record("user0@example.com")["HasOptedOutOfEmail"] is True

    _choose_while_the_job_runs(site, monkeypatch, users[0], consents=True)

    assert site.record("user0@example.com")["HasOptedOutOfEmail"] is False


def test_an_opt_out_made_while_the_job_runs_reaches_salesforce(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, segmentation="none")
    users = add_users(site, [f"user{n}@example.com" for n in range(4)])
    with site.writing():
        update_user(db.session.get(User, users[0]), {"marketing_email_consent": True})
        db.session.commit()
    backfill_users(site)
    assert site.record("user0@example.com")["HasOptedOutOfEmail"] is False

    _choose_while_the_job_runs(site, monkeypatch, users[0], consents=False)

    assert site.record("user0@example.com")["HasOptedOutOfEmail"] is True
