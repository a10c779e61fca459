"""Each new user reaches the receiver as signed JSON through the sync queue; 5xx is tried again, 4xx is not."""

import hashlib
import hmac
import socket
import time

from conftest import SECRET, Received, wait_for

from host.api import create_tag, db


def signed_by(received: Received, secret: str) -> bool:
    """Whether the post carries the signature a receiver holding ``secret`` computes."""
    timestamp = received.headers["X-Plughost-Timestamp"]
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.headers["X-Plughost-Signature"], f"sha256={digest}")


def users_list_saying(site, *texts: str) -> str:
    """The admin's Users list, once each of ``texts`` shows there at once."""

    def page() -> str:
        listed = site.admin.get("/admin/users/").text
        return listed if all(text in listed for text in texts) else ""

    return wait_for(page, f"{texts} in the Users list")


def test_a_new_user_is_posted_as_signed_json(make_site, make_user, receiver):
    site = make_site(receiver.url)
    with site.app.app_context():
        create_tag("Newsletter", apply_on_registration=True)
        db.session.commit()
    user_id = make_user(site.app, email="grace@example.com", first_name="Grace", last_name="Hopper")

    [post] = receiver.wait_for(1)
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["X-Plughost-Event"] == "user.registered"
    assert abs(int(post.headers["X-Plughost-Timestamp"]) - time.time()) < 60
    assert signed_by(post, SECRET)
    assert not signed_by(post, "another secret entirely")
    document = post.json()
    assert document["event"] == "user.registered"
    assert document["user"]["registered_at"].endswith("+00:00")
    assert document["user"] | {"registered_at": None} == {
        "id": user_id,
        "email": "grace@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "name": "Grace Hopper",
        "tags": ["Newsletter"],
        "registered_at": None,
    }
    users_list_saying(site, "Sent", "The receiver answered 200.")


def test_a_5xx_is_tried_again_until_the_receiver_takes_it(make_site, make_user, receiver):
    site = make_site(receiver.url)
    receiver.answer(503)
    receiver.answer(500)
    make_user(site.app, email="ada@example.com")

    first, second, third = receiver.wait_for(3)
    assert first.json() == second.json() == third.json(), "the same delivery, repeated"
    assert first.json()["user"]["email"] == "ada@example.com"


def test_a_4xx_is_not_tried_again_and_the_users_list_says_why(make_site, make_user, receiver):
    site = make_site(receiver.url)
    receiver.answer(422)
    make_user(site.app)

    receiver.wait_for(1)
    users_list_saying(site, "Failed", "The receiver refused the webhook with 422 Unprocessable Entity.")
    make_user(site.app)
    receiver.wait_for(2)
    assert len(receiver.received) == 2, "the refused user was not posted again"


def test_a_receiver_that_cannot_be_reached_is_tried_again(make_site, make_user, receiver):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nobody listens on
    with closed:
        site = make_site(f"http://127.0.0.1:{closed.getsockname()[1]}/hooks")
        make_user(site.app)
        users_list_saying(site, "Retrying", "The receiver could not be reached (ConnectionError).")
