"""Send existing records from the Sync page: the count of records never sent, the button, the progress."""

import re

import pytest
from test_backfill import add_users

pytestmark = pytest.mark.parametrize("engine", ["embedded"])


@pytest.fixture
def admin(queue, make_user, log_in):
    client = log_in(queue.app.test_client(), make_user(queue.app, admin=True))
    queue.wait_until_drained()  # the admin's own registration is sent
    return client


def test_records_that_existed_before_are_counted_and_sent_from_the_page(queue, admin):
    add_users(queue.app, 5)
    page = admin.get("/admin/sync/").text
    assert "5 users are not in Queue test yet." in page
    [action] = re.findall(r'action="([^"]*send-existing)"', page)
    assert action == "/admin/sync/queue_test/user/send-existing"

    sent = admin.post(action, follow_redirects=True).text
    assert "Sending 5 existing user records to Queue test" in sent
    queue.wait_until_drained()
    delivered = {line["record_id"] for line in queue.board.deliveries()}
    assert len(delivered) == 6, "the admin and the five existing users"

    page = admin.get("/admin/sync/").text
    assert "not in Queue test yet" not in page and 'http-equiv="refresh"' not in page
    again = admin.post(action, follow_redirects=True).text
    assert "Queue test has every user record already." in again


def test_while_they_are_on_their_way_the_page_shows_a_bar_and_looks_again(queue, admin):
    add_users(queue.app, 3)
    queue.set_enabled(False)  # entries wait: nothing delivers them
    admin.post("/admin/sync/queue_test/user/send-existing")
    page = admin.get("/admin/sync/").text
    assert 'http-equiv="refresh"' in page
    assert re.search(r'<progress id="sending-queue_test-user" max="4" value="1">', page)
    assert "1 of 4 users have reached Queue test" in page


def test_only_admins_send_and_a_kind_that_cannot_be_listed_sends_nothing(queue, admin, make_user, log_in):
    subscriber = log_in(queue.app.test_client(), make_user(queue.app))
    assert subscriber.post("/admin/sync/queue_test/user/send-existing").status_code == 403
    for path in ["/admin/sync/queue_test/thing/send-existing", "/admin/sync/nobody/user/send-existing"]:
        answer = admin.post(path, follow_redirects=True)
        assert answer.status_code == 200 and "every" in answer.text, path


def test_the_bar_s_script_reads_where_the_records_stand_and_only_admins_may(queue, admin, make_user, log_in):
    add_users(queue.app, 3)
    queue.set_enabled(False)
    admin.post("/admin/sync/queue_test/user/send-existing")
    standing = admin.get("/admin/sync/queue_test/existing.json?to=the queue").get_json()
    assert standing == {
        "waiting": True,
        "kinds": [{"kind": "user", "total": 4, "arrived": 1, "label": "1 of 4 users have reached the queue"}],
    }
    subscriber = log_in(queue.app.test_client(), make_user(queue.app))
    assert subscriber.get("/admin/sync/queue_test/existing.json").status_code == 403
    assert admin.get("/admin/sync/nobody/existing.json").get_json() == {"waiting": False, "kinds": []}
