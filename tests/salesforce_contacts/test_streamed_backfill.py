"""A Bulk-size batch of users goes as a stream: rows made, results matched and links
saved a chunk of users at a time, over real HTTP against the emulator.

Peak memory for 100,000 users is measured by bench/bulk_backfill.py.
"""

from test_bulk_loads import add_users, backfill_users, job_calls

import host.sync
from host.extensions import db
from host.models import User
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


def test_users_whose_topics_change_go_the_usual_way_beside_the_stream(make_site, monkeypatch):
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

    assert job_calls(site)["POST jobs/ingest"] == 1
    assert site.topics_of(site.record("tagged@example.com")["Id"]) == {"Webinar"}
    assert site.record("tagged@example.com")["LastName"] == "Tagged"
    assert all(site.status(user_id).state == "done" for user_id in [*plain, tagged])
