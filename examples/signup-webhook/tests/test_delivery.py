"""Each new user reaches the receiver as signed JSON through the sync queue; 5xx is tried again, 4xx is not."""

import hashlib
import hmac
import time

from conftest import SECRET, Received, wait_for

from host.api import create_tag, db


def signed_by(received: Received, secret: str) -> bool:
    """Whether the post carries the signature a receiver holding ``secret`` computes."""
    timestamp = received.headers["X-Plughost-Timestamp"]
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(received.headers["X-Plughost-Signature"], f"sha256={digest}")


def users_list_saying(site, text: str) -> str:
    """The admin's Users list, once ``text`` shows there."""

    def page() -> str:
        listed = site.admin.get("/admin/users/").text
        return listed if text in listed else ""

    return wait_for(page, f"{text!r} in the Users list")


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
    assert "Sent" in users_list_saying(site, "The receiver answered 200.")


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
    page = users_list_saying(site, "The receiver refused the webhook with 422 Unprocessable Entity.")
    assert "Failed" in page
    make_user(site.app)
    receiver.wait_for(2)
    assert len(receiver.received) == 2, "the refused user was not posted again"
