"""A Bulk-size batch of users goes as a stream: rows made, results matched and links
saved a chunk of users at a time, over real HTTP against the emulator.

Peak memory for 100,000 users is measured by bench/bulk_backfill.py.
"""

from test_bulk_loads import add_users, backfill_users, job_calls, tagged_users

import host.sync
from host.extensions import db
from host.models import User
from host.services.users import delete_user
from plugins.salesforce_contacts.handler import UserSyncHandler
from plugins.salesforce_contacts.links import load_link


def test_a_backfill_streams_new_users_as_an_upsert_and_linked_ones_as_an_update(make_site, monkeypatch):
    # Chunks of two users, so every step goes over several chunks.
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3)
    first = add_users(site, [f"early{n}@example.com" for n in range(4)])
    backfill_users(site)
    site.sf.admin.clear_calls()
    with site.writing():
        db.session.get(User, first[0]).last_name = "Renamed"
        db.session.commit()
    later = add_users(site, [f"later{n}@example.com" for n in range(3)])

    backfill_users(site)

    # One job updates the linked users by Id, one upserts the others; nothing else is sent.
    assert job_calls(site)["POST jobs/ingest"] == 2
    assert site.record("early0@example.com")["LastName"] == "Renamed"
    with site.app.app_context():
        for user_id in [*first, *later]:
            link = load_link(user_id)
            user = db.session.get(User, user_id)
            assert link is not None and link.salesforce_id == site.record(user.email)["Id"]
    for user_id in first:
        assert site.status(user_id).message.startswith("Updated Contact ")
    for user_id in later:
        assert site.status(user_id).message.startswith("Created Contact ")


def test_users_whose_topics_change_are_streamed_and_their_topics_sent_with_their_chunk(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3)
    plain = add_users(site, [f"plain{n}@example.com" for n in range(4)])
    tagged = site.register("tagged@example.com")
    site.drain()
    with site.writing():
        host.sync.pause(site.plugin, "the tag change waits for the backfill")
        db.session.get(User, tagged).last_name = "Tagged"
        db.session.commit()
    site.change_tags(tagged, add=("Webinar",))
    site.sf.admin.clear_calls()

    backfill_users(site)

    # The tagged user is linked, so goes in the update job, the plain ones in the upsert
    # job, and the topic in a third; its topic is looked up and created before them.
    assert job_calls(site)["POST jobs/ingest"] == 3
    assert {call: n for call, n in site.sf.admin.call_counts().items() if "jobs" not in call} == {
        "GET query": 1,
        "POST composite/sobjects": 1,
    }
    assert site.topics_of(site.record("tagged@example.com")["Id"]) == {"Webinar"}
    assert site.record("tagged@example.com")["LastName"] == "Tagged"
    assert all(site.status(user_id).state == "done" for user_id in [*plain, tagged])


def test_a_streamed_topics_backfill_learns_each_topic_once_and_assigns_a_chunk_at_a_time(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3)
    users = tagged_users(site, [f"tagged{n}@example.com" for n in range(5)], "Webinar", "Newsletter")
    site.sf.admin.clear_calls()

    backfill_users(site)

    for n in range(5):
        assert site.topics_of(site.record(f"tagged{n}@example.com")["Id"]) == {"Webinar", "Newsletter"}
    calls = site.sf.admin.call_counts()
    # One job upserts the users, one assigns their topics; then the first's results are read again.
    assert job_calls(site)["POST jobs/ingest"] == 2
    assert calls["GET jobs/ingest/<job_id>/successfulResults"] == 3
    # Both topics looked up and created once, before the jobs.
    assert (calls["GET query"], calls["POST composite/sobjects"]) == (1, 1)
    assert all(site.status(user_id).state == "done" for user_id in users)


def test_users_deleted_before_a_streamed_batch_are_delivered_while_it_is_planned(make_site, monkeypatch):
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, deletion="delete", segmentation="none")
    gone, *kept = add_users(site, [f"user{n}@example.com" for n in range(4)])
    backfill_users(site)
    gone_contact = site.record("user0@example.com")["Id"]
    with site.writing():
        host.sync.pause(site.plugin, "the deletion waits for the backfill")
        delete_user(db.session.get(User, gone))
        db.session.commit()

    backfill_users(site)

    assert gone_contact not in {record["Id"] for record in site.records()}
    assert site.status(gone).message == f"Deleted Contact {gone_contact}."
    assert all(site.status(user_id).message.startswith("Updated Contact ") for user_id in kept)


def test_a_large_batch_that_needs_lookups_is_sent_a_chunk_of_users_at_a_time(make_site, monkeypatch):
    # "Fill empty fields" looks records up before writing, so it is not streamed in Bulk;
    # it is still held a chunk at a time: one lookup, one write per chunk.
    monkeypatch.setattr(UserSyncHandler, "chunk_size", 2)
    site = make_site(bulk_threshold=3, merge_strategy="fill_empty", segmentation="none")
    site.sf.admin.insert("Contact", LastName="Kept", Email="user1@example.com")
    users = add_users(site, [f"user{n}@example.com" for n in range(5)])
    site.sf.admin.clear_calls()

    backfill_users(site)

    # Per chunk of two: one lookup, one upsert of the new; the existing record's empty
    # first name filled by one update.
    assert site.sf.admin.call_counts() == {
        "POST composite": 3,
        "PATCH composite/sobjects/<name>/<field_name>": 3,
        "PATCH composite/sobjects": 1,
    }
    assert site.record("user1@example.com")["LastName"] == "Kept"
    assert site.status(users[1]).message.startswith("Filled empty fields of the existing Contact ")
    assert all(site.status(user_id).state == "done" for user_id in users)
