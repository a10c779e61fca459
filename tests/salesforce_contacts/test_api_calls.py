"""API calls per user, counted in the emulator's call log: alone and in a burst.

WP Fusion spends 2 + K calls on a new user with K topics (lookup, create, one
TopicAssignment per topic); here a new user is one call whatever its tags, and a
burst costs a few calls per 200 users.
"""

import math

import pytest

import host.sync
from host.extensions import db
from host.models import User
from host.services.tags import create_tag
from plugins.salesforce_contacts.links import linked_user_id, load_link

BURST = 450


@pytest.mark.parametrize("tag_count", [0, 2, 5])
def test_a_new_user_is_one_call_whatever_its_tags(site, tag_count):
    site.registration_tags(*[f"Tag {n}" for n in range(tag_count)])

    user_id = site.register("alone@example.com")

    assert site.wait_synced(user_id).state == "done"
    assert len(site.topics_of(site.record("alone@example.com")["Id"])) == tag_count
    assert site.sf.admin.call_counts() == {"POST composite": 1}


def test_a_backfilled_burst_goes_out_as_collections(site):
    with site.app.app_context():
        tags = {create_tag("Members"), create_tag("Newsletter")}
        for n in range(BURST):
            db.session.add(
                User(email=f"u{n}@example.com", password_hash="-", first_name="U", last_name=f"{n}", tags=tags)
            )
        host.sync.pause(site.plugin, "holding the burst")
        db.session.commit()

    result = site.app.test_cli_runner().invoke(args=["salesforce_contacts", "backfill"])
    assert result.exit_code == 0, result.output
    assert f"Queued {BURST + 1} users" in result.output
    with site.app.app_context():
        host.sync.resume(site.plugin)
        db.session.commit()
    site.drain(timeout=60)

    contacts = site.records("Contact")
    assert len(contacts) == BURST + 1
    assignments = site.records("TopicAssignment")
    assert len(assignments) == 2 * BURST
    batches = math.ceil((BURST + 1) / 200)
    # Per batch: one upsert, and one assignment call per 200 assignments; once: find
    # the two topics, create them.
    assert site.api_calls() <= batches + math.ceil(2 * BURST / 200) + 2


def test_a_burst_remembers_each_users_record_and_the_next_change_updates_it_by_id(site):
    with site.writing():
        users = [
            User(email=f"b{n}@example.com", password_hash="-", first_name="B", last_name=f"{n}") for n in range(250)
        ]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            host.sync.enqueue(site.plugin, "user", str(user.id))
        db.session.commit()
        user_ids = [user.id for user in users]
    site.drain(timeout=60)

    contacts = {record["Email"]: record["Id"] for record in site.records("Contact")}
    with site.app.app_context():
        for user_id, n in zip(user_ids, range(250), strict=True):
            link = load_link(user_id)
            assert link is not None and link.salesforce_id == contacts[f"b{n}@example.com"]
            assert linked_user_id(link.salesforce_id) == user_id

    # A new email would match no record: only the stored link finds the Contact.
    with site.writing():
        db.session.get(User, user_ids[-1]).email = "renamed@example.com"
        host.sync.enqueue(site.plugin, "user", str(user_ids[-1]))
        db.session.commit()
    assert site.wait_synced(user_ids[-1]).state == "done"
    assert site.record("renamed@example.com")["Id"] == contacts["b249@example.com"]
    assert len(site.records("Contact")) == 250
