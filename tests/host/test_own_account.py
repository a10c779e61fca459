"""A person's own account: changing the password with the current one, deleting the
account after being asked and giving the password, the strength estimate."""

import pytest

from host.extensions import db
from host.models import User
from host.plugins import registry
from host.services.passwords import verify_password

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a fresh long passphrase"


@pytest.fixture
def member(make_app, make_user, log_in, recorder):
    """A site with the recorder enabled, and a client logged in as a subscriber."""
    app = make_app(recorder, PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE=3)
    make_user(app, admin=True, email="owner@example.com")
    user_id = make_user(app, email="jane@example.com", password=PASSWORD)
    with app.app_context():
        registry.enable(recorder.name)
        db.session.commit()
    return app, user_id, log_in(app.test_client(), user_id)


def has_password(app, user_id: int, password: str) -> bool:
    with app.app_context():
        return verify_password(db.session.get(User, user_id).password_hash, password)


def change(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    data = {"current_password": current, "password": new, "password_confirm": new if confirm is None else confirm}
    return client.post("/account/password", data=data)


def test_the_profile_links_to_the_password_and_deletion_pages(member):
    _app, _user_id, client = member
    page = client.get("/account/").text
    assert 'href="/account/password"' in page
    assert 'href="/account/delete"' in page


def test_the_password_changes_with_the_current_one(member):
    app, user_id, client = member
    changed = change(client, PASSWORD)
    assert changed.location == "/account/"
    assert has_password(app, user_id, NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_and_changes_nothing(member):
    app, user_id, client = member
    refused = change(client, "not my password")
    assert refused.status_code == 200
    assert "That is not your current password." in refused.text
    assert has_password(app, user_id, PASSWORD)


def test_wrong_current_passwords_are_throttled_like_log_ins(member):
    app, user_id, client = member
    for _ in range(3):
        assert change(client, "a guess").status_code == 200
    limited = change(client, PASSWORD)
    assert limited.status_code == 429
    assert "Too many wrong passwords" in limited.text
    assert has_password(app, user_id, PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "sentence"),
    [
        ("password1", None, "This password is too easy to guess."),
        (NEW_PASSWORD, "something else entirely", "The passwords differ."),
        ("x" * 257, None, "Use between 8 and 256 characters."),
    ],
)
def test_a_bad_new_password_is_refused_and_changes_nothing(member, new, confirm, sentence):
    app, user_id, client = member
    refused = change(client, PASSWORD, new, confirm)
    assert refused.status_code == 200
    assert sentence in refused.text
    assert has_password(app, user_id, PASSWORD)


def test_deletion_asks_first_and_needs_the_password(member, recorder):
    app, user_id, client = member
    question = client.get("/account/delete")
    assert "Delete your account?" in question.text
    assert "This cannot be undone." in question.text

    refused = client.post("/account/delete", data={"password": "not my password"})
    assert "That is not your current password." in refused.text
    with app.app_context():
        assert db.session.get(User, user_id) is not None
    assert recorder.of("user_deleted") == []


def test_deletion_fires_the_hook_deletes_and_logs_out(member, recorder):
    app, user_id, client = member
    deleted = client.post("/account/delete", data={"password": PASSWORD}, follow_redirects=True)
    assert "Your account is deleted." in deleted.text
    with app.app_context():
        assert db.session.get(User, user_id) is None
    assert [event["user"].email for event in recorder.of("user_deleted")] == ["jane@example.com"]
    assert client.get("/account/").location.startswith("/login")


def test_the_last_admin_cannot_delete_their_account(make_app, make_user, log_in):
    app = make_app()
    owner_id = make_user(app, admin=True, password=PASSWORD)
    refused = log_in(app.test_client(), owner_id).post("/account/delete", data={"password": PASSWORD})
    assert refused.status_code == 200
    assert "The last admin cannot be deleted. Make someone else an admin first." in refused.text
    with app.app_context():
        assert db.session.get(User, owner_id) is not None


def test_new_password_fields_carry_the_strength_meter(member):
    _app, _user_id, client = member
    page = client.get("/account/password").text
    assert 'data-strength-url="/password-strength"' in page
    assert "password-strength.js" in page
    assert page.count("data-strength-url") == 1


def test_the_strength_estimate_grows_with_the_password(member):
    client = member[0].test_client()
    weak = client.post("/password-strength", data={"password": "password"}).json
    strong = client.post("/password-strength", data={"password": "plum tractor hums sideways"}).json
    assert (weak["score"], weak["acceptable"]) == (0, False)
    assert weak["sentence"].startswith("Very weak. This is a top-10 common password.")
    assert strong["score"] == 4 and strong["acceptable"]
    assert strong["sentence"] == "Strong."
    assert client.post("/password-strength", data={}).status_code == 400


def test_the_set_up_page_can_estimate_the_owners_password(make_app):
    visitor = make_app().test_client()
    assert 'data-strength-url="/password-strength"' in visitor.get("/setup").text
    assert visitor.post("/password-strength", data={"password": "password"}).json["score"] == 0
