"""A registration commits and answers at once; its user is synced after, off the request."""

from host.extensions import db
from host.models import User


def test_registration_returns_while_its_sync_is_still_in_flight(queue, make_user):
    make_user(queue.app, admin=True)
    queue.wait_until_drained()
    queue.board.hold()

    response = queue.app.test_client().post(
        "/register",
        data={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "phone": "",
            "password": "correct horse battery",
            "password_confirm": "correct horse battery",
        },
    )
    assert response.status_code == 302
    with queue.app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "grace@example.com"))
    assert user_id is not None
    # The handler holds the new user's delivery: the request did not wait for it.
    queue.board.wait_until_held()
    assert queue.board.delivered_payloads(str(user_id)) == []

    queue.board.release()
    queue.wait_until_drained()
    assert queue.board.delivered_payloads(str(user_id)) == [{"email": "grace@example.com"}]


def test_entry_queued_in_a_hook_wakes_the_worker_when_the_registration_commits(make_queue, make_user):
    """Hooks run in savepoints, whose release SQLAlchemy also reports as a commit: the
    worker must be woken by the registration's own commit, not wait for its next look."""
    queue = make_queue(PLUGHOST_SYNC_POLL_SECONDS=60)
    make_user(queue.app, admin=True)
    queue.wait_until_drained()

    response = queue.app.test_client().post(
        "/register",
        data={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "",
            "password": "correct horse battery",
            "password_confirm": "correct horse battery",
        },
    )
    assert response.status_code == 302
    queue.wait_until_drained(timeout=10)
    assert {"email": "ada@example.com"} in [line["payload"] for line in queue.board.deliveries()]
