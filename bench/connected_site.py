"""A site with both Salesforce plugins enabled and authorized against the emulator.

Benchmarks build it the way an owner sets a site up: the Connected App's key and secret
entered as the demo enters them, each plugin's Authorize button pressed, the
emulator's login and Allow pages answered, the callback followed.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from demo.sample_site import enter_connected_app
from host import create_app
from host.extensions import db
from host.models import Role, User
from host.plugins import registry
from host.services.users import register_user
from salesforce_emulator.testing import EmulatorHandle

PLUGINS = ("salesforce_leads", "salesforce_contacts")
SITE_URL = "http://localhost"
CALLBACK_PATHS = ("/salesforce/oauth2/callback", "/salesforce_contacts/oauth2/callback")
OWNER_EMAIL = "owner@example.com"
PASSWORD = "correct horse battery"


def build_site(folder: Path, name: str, *, with_plugins: bool, **config: Any) -> Flask:
    """A SQLite site in ``folder`` with its owner; the installed plugins when asked."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'{name}.sqlite3'}",
            "PLUGHOST_LOAD_ENTRYPOINTS": with_plugins,
            "PLUGHOST_EXTERNAL_URL": SITE_URL,
            **config,
        },
        instance_path=str(folder / name),
    )
    with app.app_context():
        register_user(email=OWNER_EMAIL, password=PASSWORD, first_name="O", last_name="Owner", role=Role.ADMIN)
        db.session.commit()
    return app


def admin_client(app: Flask) -> FlaskClient:
    """A test client logged in as the site's owner."""
    client = app.test_client()
    with app.app_context():
        owner_id = db.session.scalar(db.select(User.id).where(User.email == OWNER_EMAIL))
    with client.session_transaction() as session:
        session["_user_id"] = str(owner_id)
        session["_fresh"] = True
    return client


def connect_plugins(app: Flask, emulator: EmulatorHandle) -> None:
    """Enable both plugins and authorize each the way an admin does."""
    emulator.admin.configure_app(emulator.consumer_key, callback_urls=[SITE_URL + path for path in CALLBACK_PATHS])
    with app.test_request_context(method="POST"):
        enter_connected_app(emulator.base_url, emulator.consumer_key, emulator.consumer_secret)
        for name in PLUGINS:
            registry.enable(name)
        db.session.commit()
    admin = admin_client(app)
    for name in PLUGINS:
        started = admin.post(f"/admin/plugins/{name}/authorize")
        assert started.status_code == 302, started.get_data(as_text=True)
        callback = urlsplit(emulator.authorize_with_requests(started.headers["Location"]))
        assert admin.get(f"{callback.path}?{callback.query}").status_code == 302


def connected_site(folder: Path, emulator: EmulatorHandle, **config: Any) -> Flask:
    app = build_site(folder, "connected", with_plugins=True, **config)
    connect_plugins(app, emulator)
    return app
