""" "Lost your password?": one answer for every address, throttled, and a link that
works once, for a while, and only as it was sent."""

import re

import itsdangerous.timed
import pytest

from host.extensions import db
from host.models import User
from host.services.mail_files import written_mail
from host.services.passwords import verify_password

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a fresh long passphrase"
SENT = "If an account uses that address, a link to choose a new password is on its way there."
RESET_LINK = re.compile(r"http://localhost(/reset-password/[\w.-]+)")


@pytest.fixture
def site(make_app, make_user):
    app = make_app(PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE=4)
    make_user(app, admin=True, email="owner@example.com")
    make_user(app, email="jane@example.com", first_name="Jane", password=PASSWORD)
    return app


def mail_to(app, address: str) -> list:
    with app.app_context():
        return [message for message in written_mail() if message.to == address]


def reset_link(app, address: str) -> str:
    """The path of the newest reset link mailed to ``address``."""
    found = RESET_LINK.search(mail_to(app, address)[0].body)
    assert found, "the mail holds no reset link"
    return found.group(1)


def has_password(app, address: str, password: str) -> bool:
    with app.app_context():
        return verify_password(db.session.scalar(db.select(User.password_hash).where(User.email == address)), password)


def test_a_known_and_an_unknown_address_get_the_same_answer(site):
    visitor = site.test_client()
    known = visitor.post("/lost-password", data={"email": "Jane@Example.com"}, follow_redirects=True)
    unknown = visitor.post("/lost-password", data={"email": "nobody@example.com"}, follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    assert SENT in known.text and SENT in unknown.text
    assert known.request.path == unknown.request.path == "/login"
    assert [message.subject for message in mail_to(site, "jane@example.com")] == ["Choose a new password"]
    assert mail_to(site, "nobody@example.com") == []


def test_the_log_in_page_offers_the_lost_password_page(site):
    page = site.test_client().get("/login").text
    assert 'href="/lost-password"' in page
    assert "Lost your password?" in page


def test_the_link_sets_a_new_password_once(site):
    visitor = site.test_client()
    visitor.post("/lost-password", data={"email": "jane@example.com"})
    link = reset_link(site, "jane@example.com")

    assert "For jane@example.com." in visitor.get(link).text
    changed = visitor.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert changed.location == "/login"
    assert has_password(site, "jane@example.com", NEW_PASSWORD)

    used = visitor.get(link)
    assert used.status_code == 400
    assert "it was already used" in used.text
    again = visitor.post(
        link, data={"password": "yet another passphrase", "password_confirm": "yet another passphrase"}
    )
    assert again.status_code == 400
    assert has_password(site, "jane@example.com", NEW_PASSWORD)


def test_the_link_refuses_an_easy_password_and_keeps_the_old_one(site):
    visitor = site.test_client()
    visitor.post("/lost-password", data={"email": "jane@example.com"})
    link = reset_link(site, "jane@example.com")

    refused = visitor.post(link, data={"password": "password1", "password_confirm": "password1"})
    assert refused.status_code == 200
    assert "This password is too easy to guess." in refused.text
    assert has_password(site, "jane@example.com", PASSWORD)
    assert visitor.get(link).status_code == 200


def test_an_expired_link_is_refused_with_a_sentence(site, monkeypatch):
    visitor = site.test_client()
    visitor.post("/lost-password", data={"email": "jane@example.com"})
    link = reset_link(site, "jane@example.com")
    issued = itsdangerous.timed.time.time()
    # Three hours later, by the signer's clock: past the two hours a link lasts.
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: issued + 3 * 3600)

    expired = visitor.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert expired.status_code == 400
    assert "This link has expired. Ask for a new one." in expired.text
    assert has_password(site, "jane@example.com", PASSWORD)


@pytest.mark.parametrize(
    "tamper", [lambda link: link[:-2], lambda link: link.replace("reset-password/", "reset-password/x")]
)
def test_an_altered_link_is_refused_with_a_sentence(site, tamper):
    visitor = site.test_client()
    visitor.post("/lost-password", data={"email": "jane@example.com"})
    altered = tamper(reset_link(site, "jane@example.com"))

    refused = visitor.post(altered, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    assert "This link does not work" in refused.text
    assert has_password(site, "jane@example.com", PASSWORD)


def test_a_set_password_link_of_a_plugin_opens_no_reset(site):
    """Links are signed for their purpose: another page's token is no reset link."""
    from host.services.password_links import password_token

    with site.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == "jane@example.com"))
        token = password_token(user, "salesforce_contacts.set_password")
    assert site.test_client().get(f"/reset-password/{token}").status_code == 400


def test_requests_are_throttled_like_log_ins_for_known_and_unknown_addresses(site):
    answers = {}
    for address, ip in [("jane@example.com", "192.0.2.1"), ("nobody@example.com", "192.0.2.2")]:
        visitor = site.test_client()
        visitor.environ_base["REMOTE_ADDR"] = ip
        for _ in range(4):
            assert visitor.post("/lost-password", data={"email": address}).status_code == 302
        answers[address] = visitor.post("/lost-password", data={"email": address})

    assert [answer.status_code for answer in answers.values()] == [429, 429]
    assert all("Too many requests. Try again in" in answer.text for answer in answers.values())
    assert len(mail_to(site, "jane@example.com")) == 4
