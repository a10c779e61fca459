"""A site with the Salesforce Contacts plugin connected to the emulator over real HTTP.

``site`` is built once per database (SQLite, PostgreSQL) with the embedded sync
engine and fast retries; the emulator server is shared by the session and reset
before each test. The plugin is authorized the way an admin does it: the Connect to Salesforce
button, the emulator's login and Allow pages, the callback.
"""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from order_shop import Shop, StandInShop
from polling import wait_for
from werkzeug.serving import make_server

import host.sync
from host.extensions import db
from host.models import User
from host.plugins import Plugin, registry
from host.services.tags import create_tag, find_tag, set_registration_tags
from host.services.users import change_tags, register_user
from plugins.salesforce_contacts import SalesforceContactsPlugin
from salesforce_emulator.testing import EmulatorHandle

FAST_SYNC = {
    "PLUGHOST_SYNC_RETRY_BASE_SECONDS": 0.05,
    "PLUGHOST_SYNC_RETRY_MAX_SECONDS": 0.3,
    "PLUGHOST_SYNC_POLL_SECONDS": 0.2,
    "PLUGHOST_SYNC_LEASE_SECONDS": 5.0,
    "PLUGHOST_SYNC_MAX_ATTEMPTS": 50,
}
CALLBACK = "http://localhost/salesforce_contacts/oauth2/callback"


@dataclass
class Site:
    app: Flask
    plugin: SalesforceContactsPlugin
    admin: FlaskClient
    sf: EmulatorHandle

    # -- set-up ---------------------------------------------------------------------

    def writing(self) -> Any:
        """A context for writes, as a request has (hooks may build URLs)."""
        return self.app.test_request_context()

    def configure(self, **values: Any) -> None:
        with self.writing():
            self.plugin.settings.update(values)
            db.session.commit()

    def connect(self) -> None:
        """Connect as an admin would: button, login and Allow pages, callback."""
        response = self.admin.post("/admin/plugins/salesforce_contacts/authorize")
        assert response.status_code == 302, response.get_data(as_text=True)
        callback = self.sf.authorize_with_requests(response.headers["Location"])
        parts = urlsplit(callback)
        landed = self.admin.get(f"{parts.path}?{parts.query}")
        assert landed.status_code == 302

    def registration_tags(self, *names: str) -> None:
        with self.writing():
            set_registration_tags([find_tag(name) or create_tag(name) for name in names])
            db.session.commit()

    # -- users ----------------------------------------------------------------------

    def register(self, email: str, **fields: Any) -> int:
        values = {"password": "correct horse battery", "first_name": "Ada", "last_name": "Lovelace", **fields}
        with self.writing():
            user = register_user(email=email, **values)
            db.session.commit()
            return user.id

    def change_tags(self, user_id: int, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
        with self.writing():
            user = db.session.get(User, user_id)
            change_tags(
                [user],
                add=[find_tag(name) or create_tag(name) for name in add],
                remove=[find_tag(name) for name in remove],
            )
            db.session.commit()

    def status(self, user_id: int) -> host.sync.RecordStatus | None:
        with self.app.app_context():
            return host.sync.record_status(self.plugin, "user", str(user_id))

    def wait_synced(self, user_id: int, timeout: float = 15.0) -> host.sync.RecordStatus:
        """The user's status once the queue has settled it (done or dead)."""

        def settled() -> host.sync.RecordStatus | None:
            status = self.status(user_id)
            return status if status and status.state in ("done", "dead") else None

        return wait_for(settled, f"user {user_id} to be synced", timeout)

    def wait_for_state(self, user_id: int, state: str, timeout: float = 15.0) -> host.sync.RecordStatus:
        return wait_for(
            lambda: (status := self.status(user_id)) and status.state == state and status,
            f"user {user_id} to be {state}",
            timeout,
        )

    def wait_for(self, condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
        return wait_for(condition, what, timeout)

    def paused(self) -> bool:
        with self.app.app_context():
            return host.sync.is_paused(self.plugin)

    def drain(self, timeout: float = 30.0) -> None:
        with self.app.app_context():
            host.sync.wait_until_drained(timeout)

    def import_from_admin_page(self, by: str, value: str, timeout: float = 120.0) -> dict[str, Any]:
        """Start an import on the admin page and wait for the queue to finish it; its progress."""
        started = self.admin.post("/admin/plugins/salesforce_contacts/import/", data={"by": by, "value": value})
        assert started.status_code == 302
        return self.wait_for(
            lambda: (
                (p := self.admin.get("/admin/plugins/salesforce_contacts/import/progress.json").get_json())
                and p["finished"]
                and p
            ),
            "the import to finish",
            timeout,
        )

    # -- what Salesforce holds ------------------------------------------------------

    def records(self, sobject: str = "Contact") -> list[dict[str, Any]]:
        return self.sf.admin.records(sobject)

    def record(self, email: str, sobject: str = "Contact") -> dict[str, Any]:
        matches = [record for record in self.records(sobject) if (record.get("Email") or "").lower() == email]
        assert len(matches) == 1, f"{len(matches)} {sobject} records for {email}"
        return matches[0]

    def topics_of(self, record_id: str) -> set[str]:
        names = {topic["Id"]: topic["Name"] for topic in self.records("Topic")}
        return {names[a["TopicId"]] for a in self.records("TopicAssignment") if a["EntityId"] == record_id}

    def api_calls(self) -> int:
        return sum(self.sf.admin.call_counts().values())


@pytest.fixture
def make_site(make_app: Callable[..., Flask], emulator: EmulatorHandle) -> Callable[..., Site]:  # noqa: F811

    def make(connect: bool = True, beside: tuple[Plugin, ...] = (), **settings: Any) -> Site:
        """``beside``: other plugins installed and enabled with it (a shop)."""
        emulator.admin.configure_app(emulator.consumer_key, callback_urls=[CALLBACK])
        plugin = SalesforceContactsPlugin()
        app = make_app(plugin, *beside, **FAST_SYNC)
        with app.app_context():
            admin = register_user(
                email="owner@example.com",
                password="correct horse battery",
                first_name="Site",
                last_name="Owner",
                role="admin",
            )
            for each in (plugin, *beside):
                registry.enable(each.name)
            db.session.commit()
            admin_id = admin.id
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(admin_id)
            session["_fresh"] = True
        site = Site(app, plugin, client, emulator)
        site.configure(
            login_host="custom",
            custom_login_url=emulator.base_url,
            consumer_key=emulator.consumer_key,
            consumer_secret=emulator.consumer_secret,
            **settings,
        )
        if connect:
            site.connect()
            site.drain()
            emulator.admin.clear_calls()
        return site

    return make


@pytest.fixture
def shop(make_site: Callable[..., Site], monkeypatch: pytest.MonkeyPatch) -> Shop:
    """A site with a stand-in shop beside the plugin, and one buyer already a Contact."""
    stand_in = StandInShop()
    stand_in.install_module(monkeypatch)
    return Shop(make_site(beside=(stand_in,)), stand_in)


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    return make_site()


class SalesforceUser:
    """Someone editing records in the org through its REST API, as a Salesforce user would."""

    def __init__(self, emulator: EmulatorHandle) -> None:
        self.emulator = emulator
        self.http = emulator.session()
        token = emulator.obtain_token()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"
        self.base = f"{emulator.base_url}/services/data/v62.0"

    def create(self, sobject: str, **fields: Any) -> str:
        response = self.http.post(f"{self.base}/sobjects/{sobject}", json=fields)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def update(self, sobject: str, record_id: str, **fields: Any) -> None:
        response = self.http.patch(f"{self.base}/sobjects/{sobject}/{record_id}", json=fields)
        assert response.status_code == 204, response.text

    def assign_topic(self, record_id: str, name: str) -> str:
        found = self.http.get(f"{self.base}/query", params={"q": f"SELECT Id FROM Topic WHERE Name = '{name}'"})
        records = found.json()["records"]
        topic_id = records[0]["Id"] if records else self.create("Topic", Name=name)
        return self.create("TopicAssignment", EntityId=record_id, TopicId=topic_id)

    def delete(self, sobject: str, record_id: str) -> None:
        response = self.http.delete(f"{self.base}/sobjects/{sobject}/{record_id}")
        assert response.status_code == 204, response.text


class LiveSite:
    """The site served over real HTTP, so the emulator can POST outbound messages to it.

    While ``lose_acks`` is set, requests reach the site but Salesforce gets a 503, as
    when an acknowledgement is lost on the way; while ``down`` is set they never arrive.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.down = False
        self.lose_acks = False
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        if self.lose_acks:
            body = b"".join(self.app(environ, lambda *args: None))
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [body[:0]]
        return self.app(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()


@pytest.fixture
def salesforce_user(emulator: EmulatorHandle) -> SalesforceUser:  # noqa: F811
    return SalesforceUser(emulator)


@pytest.fixture
def live_site(site: Site) -> Iterator[LiveSite]:
    served = LiveSite(site.app)
    yield served
    served.stop()
