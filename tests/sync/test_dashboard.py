"""The admin dashboard: next steps on a new site, each plugin's sync health, and the moderation queue."""

import re

import pytest
from queue_test_plugin import QueueTestPlugin

from host.extensions import db
from host.plugins import registry
from host.services.affiliates import create_affiliate
from host.sync.backfill import backfill

#: The dashboard reads the queue's tables, whichever engine filled them.
embedded_only = pytest.mark.parametrize("engine", ["embedded"])


def steps(page: str) -> list[tuple[str, str]]:
    """The next steps listed, as (done or todo, text without markup)."""
    found = re.findall(r'<li class="step-(done|todo)">(.*?)</li>', page, re.S)
    return [(state, " ".join(re.sub(r"<[^>]+>", " ", text).split())) for state, text in found]


def test_next_steps_lead_a_new_site_from_enabling_a_plugin_to_sending_its_existing_records(
    make_app, board, make_user, log_in
):
    app = make_app(QueueTestPlugin(board.folder))
    admin = log_in(app.test_client(), make_user(app, admin=True))
    make_user(app, email="early@example.com")

    first = steps(admin.get("/admin/").text)
    assert first[0] == ("todo", "Enable a plugin on the Marketplace")
    assert [state for state, _text in first] == ["todo", "todo", "todo"]

    with app.app_context():
        registry.enable("queue_test")
        db.session.commit()
    enabled = steps(admin.get("/admin/").text)
    assert enabled[:2] == [
        ("done", "Done: Enable a plugin on the Marketplace"),
        ("done", "Done: Connect the enabled plugins to their services"),
    ]
    assert enabled[2] == (
        "todo",
        "Send the 2 users that are not in Queue test yet from the Sync page, or run plughost sync backfill queue_test user",
    )

    with app.app_context():
        assert sum(backfill("queue_test", "user")) == 2
    assert "Next steps" not in admin.get("/admin/").text, "a site with every step done shows none"


@embedded_only
def test_sync_health_links_each_plugins_dead_letters(queue, make_user, log_in):
    admin = log_in(queue.app.test_client(), make_user(queue.app, admin=True))
    queue.wait_until_drained()
    queue.board.behave("fail", reason="Company is required.")
    queue.enqueue("7")
    queue.wait_until_drained()

    page = admin.get("/admin/").text
    row = re.search(r'<table class="sync-health">.*?</table>', page, re.S).group(0)
    assert "Queue test" in row
    assert 'href="/admin/sync/dead?plugin=queue_test">1 to fix</a>' in row


@embedded_only
def test_the_moderation_queue_is_worked_from_the_dashboard(queue, make_user, log_in):
    admin = log_in(queue.app.test_client(), make_user(queue.app, admin=True))
    with queue.app.app_context():
        applicant = create_affiliate(first_name="Ann", last_name="Applicant", email="ann@example.com")
        db.session.commit()
        applicant_id = applicant.id

    page = admin.get("/admin/").text
    assert "Waiting for moderation" in page and "ann@example.com" in page
    assert 'href="/admin/affiliates/?status=on_moderation"><h2>1</h2>' in page
    approved = admin.post(f"/admin/affiliates/{applicant_id}/approve", data={"next": "/admin/"}, follow_redirects=True)
    assert "Ann Applicant is approved and active." in approved.text
    assert "Waiting for moderation" not in approved.text
