"""Outgoing mail: sent only once its change commits, never failing the page that sends
it, kept in the Outbox when no SMTP server is set."""

import logging
import socket

import pytest

from host.config import mail_settings
from host.extensions import db
from host.services.mail import send_mail
from host.services.mail_files import written_mail

PASSWORD = "correct horse battery"
NEW_USER = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


def subjects(app) -> list[str]:
    with app.app_context():
        return [message.subject for message in written_mail()]


def test_registration_writes_a_welcome_mail(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    assert app.test_client().post("/register", data=NEW_USER).status_code == 302

    with app.app_context():
        (welcome,) = written_mail()
    assert (welcome.to, welcome.subject) == ("jane@example.com", "Welcome: your account is ready")
    assert "Hello Jane," in welcome.body
    assert "http://localhost/account/" in welcome.body


def test_mail_waits_for_the_commit_and_a_rollback_drops_it(app):
    with app.test_request_context():
        send_mail("kept@example.com", "Kept", "Sent with its change.")
        db.session.commit()
        send_mail("dropped@example.com", "Dropped", "Its change was undone.")
        assert subjects(app) == ["Kept"]
        db.session.rollback()
        db.session.commit()
    assert subjects(app) == ["Kept"]


def test_a_savepoint_rollback_drops_only_the_mail_queued_inside_it(app):
    with app.test_request_context():
        send_mail("outer@example.com", "Outer", "Queued before the savepoint.")
        with pytest.raises(RuntimeError):
            with db.session.begin_nested():
                send_mail("inner@example.com", "Inner", "Queued in a savepoint that fails.")
                raise RuntimeError("a plugin's hook failed")
        with db.session.begin_nested():
            send_mail("released@example.com", "Released", "Queued in a savepoint that succeeds.")
        assert subjects(app) == []
        db.session.commit()
    assert sorted(subjects(app)) == ["Outer", "Released"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_that_refuses_never_fails_the_page(make_app, make_user, caplog):
    app = make_app(PLUGHOST_MAIL_SERVER="127.0.0.1", PLUGHOST_MAIL_PORT=str(_closed_port()))
    make_user(app, admin=True)
    with caplog.at_level(logging.ERROR, logger="host.services.mail"):
        registered = app.test_client().post("/register", data=NEW_USER, follow_redirects=True)

    assert registered.status_code == 200
    assert "Welcome! Your account is ready." in registered.text
    assert "could not be sent" in caplog.text
    assert "Traceback" not in registered.text


def test_the_outbox_lists_mail_with_clickable_links(make_app, make_user, log_in):
    app = make_app()
    owner = log_in(app.test_client(), make_user(app, admin=True))
    with app.test_request_context():
        send_mail("jane@example.com", "A <b>bold</b> subject", "Open https://site.example/reset?a=1&b=2. Then log in.")
        db.session.commit()

    page = owner.get("/admin/outbox/").text
    assert '<a href="/admin/outbox/" aria-current="page">Outbox</a>' in page
    assert "jane@example.com" in page
    assert "A &lt;b&gt;bold&lt;/b&gt; subject" in page
    assert '<a href="https://site.example/reset?a=1&amp;b=2">https://site.example/reset?a=1&amp;b=2</a>. Then' in page


def test_with_a_mail_server_the_outbox_says_where_mail_goes(make_app, make_user, log_in):
    app = make_app(PLUGHOST_MAIL_SERVER="smtp.example.com")
    owner = log_in(app.test_client(), make_user(app, admin=True))
    page = owner.get("/admin/outbox/").text
    assert "Mail goes out through the SMTP server smtp.example.com" in page


def test_mail_settings_from_the_environment_are_converted(tmp_path):
    settings = {
        "PLUGHOST_MAIL_SERVER": "smtp.example.com",
        "PLUGHOST_MAIL_PORT": "465",
        "PLUGHOST_MAIL_USERNAME": "site",
        "PLUGHOST_MAIL_PASSWORD": "secret",
        "PLUGHOST_MAIL_USE_TLS": "true",
        "PLUGHOST_MAIL_USE_SSL": "yes",
        "PLUGHOST_MAIL_SENDER": "Site <site@example.com>",
    }
    converted = mail_settings(settings, str(tmp_path))
    assert converted["MAIL_BACKEND"] == "smtp"
    assert (converted["MAIL_PORT"], converted["MAIL_USE_SSL"], converted["MAIL_USE_TLS"]) == (465, True, False)
    assert converted["MAIL_DEFAULT_SENDER"] == "Site <site@example.com>"

    embedded = mail_settings({**settings, "PLUGHOST_MAIL_SERVER": ""}, str(tmp_path))
    assert (embedded["MAIL_BACKEND"], embedded["MAIL_FILE_PATH"]) == ("file", str(tmp_path / "mail"))
