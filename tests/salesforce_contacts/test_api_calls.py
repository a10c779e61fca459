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
