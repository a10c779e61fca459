"""The admin's Sync page: counts, pause, chart, dead letters, records; admins only, CSRF."""

import re
from datetime import timedelta

import pytest

from host.extensions import db
from host.sync import is_paused, pause
from host.timestamps import utcnow

# The page reads the queue's tables, whichever engine filled them.
pytestmark = pytest.mark.parametrize("engine", ["embedded"])


def counts(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r'data-count="(\w+)">\s*(?:<a [^>]*>)?(\d+)', page)}


@pytest.fixture
def admin(queue, make_user, log_in):
    """A logged-in admin client; registering the admin queues and delivers one user."""
    client = log_in(queue.app.test_client(), make_user(queue.app, admin=True))
    queue.wait_until_drained()
    return client


def dead_entry_ids(queue) -> list[int]:
    return [entry.id for entry in queue.entries() if entry.state == "dead"]


def test_sync_pages_are_for_admins_only(queue, make_user, log_in):
    make_user(queue.app, admin=True)
    anonymous = queue.app.test_client()
    assert anonymous.get("/admin/sync/").status_code == 302
    subscriber = log_in(queue.app.test_client(), make_user(queue.app))
    for path in ["/admin/sync/", "/admin/sync/dead", "/admin/sync/records", "/admin/sync/queue_test/thing/1"]:
        assert subscriber.get(path).status_code == 403, path
    for path in [
        "/admin/sync/retry",
        "/admin/sync/discard",
        "/admin/sync/queue_test/resume",
        "/admin/sync/queue_test/retry-all",
    ]:
        assert subscriber.post(path, data={"entry_id": "1"}).status_code == 403, path


def test_overview_counts_states_and_charts_deliveries_and_failures(queue, admin):
    queue.enqueue("1", "2")
    queue.wait_until_drained()
    queue.board.behave("fail", reason="Company is required.")
    queue.enqueue("3")
    queue.wait_until_drained()
    queue.board.behave("pause", reason="The connection needs reauthorization.")
    queue.enqueue("4")
    queue.wait_until_drained()

    page = admin.get("/admin/sync/").text
    assert counts(page) == {"pending": 1, "in_flight": 0, "done": 3, "dead": 1}
    assert "Paused: The connection needs reauthorization." in page
    chart = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "3 delivered, 1 failed" in chart
    assert chart.count('fill="#1d7a46"') == 1 and chart.count('fill="#b3261e"') == 1

    queue.board.behave("deliver")
    response = admin.post("/admin/sync/queue_test/resume")
    assert response.status_code == 302
    queue.wait_until_drained()
    with queue.app.app_context():
        assert not is_paused("queue_test")
    assert counts(admin.get("/admin/sync/").text) == {"pending": 0, "in_flight": 0, "done": 4, "dead": 1}


def test_dead_letters_retry_and_discard(queue, admin):
    queue.board.behave("fail", reason="Company is required.")
    queue.enqueue("1", "2", "3")
    queue.wait_until_drained()
    page = admin.get("/admin/sync/dead").text
    assert page.count("Company is required.") == 3

    first, second, third = dead_entry_ids(queue)
    queue.board.behave("deliver")
    admin.post("/admin/sync/retry", data={"entry_id": str(first)})
    queue.wait_until_drained()
    assert queue.status("1").state == "done"

    response = admin.post("/admin/sync/discard", data={"entry_id": str(second), "next": "/admin/sync/dead"})
    assert response.location == "/admin/sync/dead"
    assert dead_entry_ids(queue) == [third]
    assert queue.status("2").state == "discarded"
    assert "Company is required." in admin.get("/admin/sync/queue_test/thing/2").text

    elsewhere = admin.post("/admin/sync/queue_test/retry-all", data={"next": "/\\evil.example"})
    assert elsewhere.location == "/admin/sync/", "only a path on this site is a place to return to"
    queue.wait_until_drained()
    assert queue.entries() == []
    assert sorted(line["record_id"] for line in queue.board.deliveries() if line["kind"] == "thing") == ["1", "3"]


def test_records_list_filters_by_state_and_links_each_record(queue, admin):
    queue.enqueue("1")
    queue.wait_until_drained()
    queue.board.behave("fail", reason="Email is invalid.")
    queue.enqueue("2")
    queue.wait_until_drained()

    dead_only = admin.get("/admin/sync/records?plugin=queue_test&state=dead").text
    assert "/admin/sync/queue_test/thing/2" in dead_only
    assert "/admin/sync/queue_test/thing/1" not in dead_only
    record_page = admin.get("/admin/sync/queue_test/thing/1").text
    assert "EXT-1" in record_page and "done" in record_page
    assert admin.get("/admin/sync/queue_test/thing/unknown").status_code == 404


def test_forms_need_the_csrf_token(make_queue, make_user, log_in):
    queue = make_queue(WTF_CSRF_ENABLED=True)
    with queue.app.app_context():
        pause("queue_test", "Maintenance")
        db.session.commit()
    admin = log_in(queue.app.test_client(), make_user(queue.app, admin=True))

    assert admin.post("/admin/sync/queue_test/resume").status_code == 400
    page = admin.get("/admin/sync/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert admin.post("/admin/sync/queue_test/resume", data={"csrf_token": token}).status_code == 302
    with queue.app.app_context():
        assert not is_paused("queue_test")


def test_a_queue_paused_until_a_time_is_told_on_every_admin_page(queue, admin):
    until = utcnow() + timedelta(hours=1)
    with queue.app.app_context():
        pause("queue_test", "The daily API limit is used up.", until=until)
        db.session.commit()
    for path in ["/admin/", "/admin/users/", "/admin/sync/"]:
        page = admin.get(path).text
        assert f"has paused syncing until {until:%Y-%m-%d %H:%M} UTC; nothing is lost." in page, path
        assert "The daily API limit is used up." in page and 'href="/admin/sync/#plugin-queue_test"' in page, path

    with queue.app.app_context():
        pause("queue_test", "Paused by an admin.")
        db.session.commit()
    assert "has paused syncing until" not in admin.get("/admin/").text, "a pause without an end says so on Sync only"
