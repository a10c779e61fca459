"""Both Salesforce plugins on one site, connected as one user of one org: one approval.

Salesforce keeps five approvals per user and connected app and revokes the oldest
beyond that; the emulator does the same. The plugins share one stored grant, so a
second plugin costs no approval, a rotated refresh token is seen by both, and a
refusal pauses both.
"""

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

import host.sync
from host.database import independent_transaction
from host.extensions import db
from host.plugins import registry
from plugins.salesforce_common.grants import GRANTS, INDEX_KEY, grant_record, record_key, tokens_key
from plugins.salesforce_common.status import CONNECTION_KEY, ConnectionState, grant_of, read_connection_status
from plugins.salesforce_common.tokens import LEGACY_TOKENS_KEY
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_contacts.plugin import CALLBACK_PATH as CONTACTS_CALLBACK
from plugins.salesforce_leads import SalesforceLeads
from plugins.salesforce_leads.plugin import CALLBACK_PATH as LEADS_CALLBACK
from salesforce_emulator.testing import EmulatorHandle

SITE_URL = "https://plughost.example.test"
LEADS, CONTACTS = "salesforce_leads", "salesforce_contacts"
PAGES = {LEADS: "/admin/plugins/salesforce_leads/", CONTACTS: "/admin/plugins/salesforce_contacts/"}


@dataclass
class TwoPluginSite:
    app: Flask
    admin: FlaskClient
    emulator: EmulatorHandle

    def page(self, plugin: str) -> str:
        response = self.admin.get(PAGES[plugin], follow_redirects=True)
        assert response.status_code == 200
        return html.unescape(response.get_data(as_text=True))

    def connect(self, plugin: str, **form: str) -> str:
        """Connect to Salesforce (or Connect as another user) through the emulator's pages."""
        response = self.admin.post(f"/admin/plugins/{plugin}/authorize", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)
        callback = urlsplit(self.emulator.authorize_with_requests(response.headers["Location"]))
        landed = self.admin.get(f"{callback.path}?{callback.query}", follow_redirects=True)
        return html.unescape(landed.get_data(as_text=True))

    def use_connection_offered(self, plugin: str) -> str:
        """Press "Use the connection of ..." on the plugin's page."""
        page = self.page(plugin)
        grant = re.search(r'name="grant" value="([^"]+)"', page)
        assert grant, page
        response = self.admin.post(
            f"/admin/plugins/{plugin}/use-connection", data={"grant": grant.group(1)}, follow_redirects=True
        )
        return html.unescape(response.get_data(as_text=True))

    def test_connection(self, plugin: str) -> str:
        response = self.admin.post(f"/admin/plugins/{plugin}/test-connection", follow_redirects=True)
        return html.unescape(response.get_data(as_text=True))

    def disconnect(self, plugin: str) -> str:
        response = self.admin.post(f"/admin/plugins/{plugin}/disconnect", follow_redirects=True)
        return html.unescape(response.get_data(as_text=True))

    def state(self, plugin: str) -> ConnectionState:
        with self.app.app_context():
            state = read_connection_status(self.plugin(plugin).store).state
            db.session.commit()
        return state

    def grant(self, plugin: str) -> str | None:
        with self.app.app_context():
            grant = grant_of(self.plugin(plugin).store)
            db.session.commit()
        return grant

    def plugin(self, name: str) -> Any:
        return self.app.extensions["plughost"].get(name)


@pytest.fixture
def two_plugins(
    make_app: Callable[..., Flask],
    make_user: Callable[..., int],
    log_in: Callable[[FlaskClient, int], FlaskClient],
    emulator: EmulatorHandle,
) -> Iterator[TwoPluginSite]:
    emulator.admin.configure_app(
        emulator.consumer_key, callback_urls=[SITE_URL + LEADS_CALLBACK, SITE_URL + CONTACTS_CALLBACK]
    )
    app = make_app(SalesforceLeads(), SalesforceContactsPlugin(), PLUGHOST_EXTERNAL_URL=SITE_URL)
    with app.test_request_context():
        for name in (LEADS, CONTACTS):
            registry.enable(name)
        app.extensions["plughost"].get(LEADS).settings.update(
            {
                "consumer_key": emulator.consumer_key,
                "consumer_secret": emulator.consumer_secret,
                "api_url": f"{emulator.base_url}/services/data/v62.0",
                "salesforce_domain": emulator.base_url,
            }
        )
        app.extensions["plughost"].get(CONTACTS).settings.update(
            {
                "login_host": "custom",
                "custom_login_url": emulator.base_url,
                "consumer_key": emulator.consumer_key,
                "consumer_secret": emulator.consumer_secret,
            }
        )
        db.session.commit()
    admin = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
    yield TwoPluginSite(app, admin, emulator)
    host.sync.stop(app)


@pytest.fixture
def shared(two_plugins: TwoPluginSite) -> TwoPluginSite:
    """Leads connected with an approval; Contacts using its connection.

    Connected, Contacts' worker sends the site owner, queued at sign-up, in the
    background; it is waited for, since that delivery reads the settings and may refresh
    the shared session, which would race what the test changes and checks.
    """
    assert "Connected to" in two_plugins.connect(LEADS)
    assert "Connected to" in two_plugins.use_connection_offered(CONTACTS)
    with two_plugins.app.app_context():
        host.sync.wait_until_drained()
    return two_plugins


def test_the_second_plugin_offers_the_first_ones_connection(two_plugins: TwoPluginSite) -> None:
    two_plugins.connect(LEADS)
    page = two_plugins.page(CONTACTS)
    assert f"Use the connection of Salesforce Leads ({two_plugins.emulator.username})" in page
    assert "Connect as another user" in page
    another = two_plugins.admin.post(f"/admin/plugins/{CONTACTS}/authorize", data={"another_user": "1"})
    assert "prompt=login" in another.headers["Location"]  # Salesforce asks who logs in


def test_joining_makes_no_approval_and_the_page_says_which_connection(shared: TwoPluginSite) -> None:
    assert len(shared.emulator.admin.approvals()) == 1
    assert shared.grant(LEADS) == shared.grant(CONTACTS) is not None
    page = shared.page(CONTACTS)
    assert f"This connection ({shared.emulator.username}) is shared with Salesforce Leads" in page
    assert "Use the connection of" not in page
    assert "is shared with Salesforce Contacts" in shared.page(LEADS)


def test_both_stay_connected_after_four_more_approvals_of_that_user(shared: TwoPluginSite) -> None:
    for _ in range(4):
        shared.emulator.obtain_token()
    assert len(shared.emulator.admin.approvals()) == 5
    # Every session ends: each plugin must refresh with the one stored refresh token.
    shared.emulator.admin.expire_sessions()
    for plugin in (LEADS, CONTACTS):
        assert "The connection works" in shared.test_connection(plugin)
        assert shared.state(plugin) is ConnectionState.CONNECTED


def test_a_rotated_refresh_token_stored_by_one_plugin_is_used_by_the_other(shared: TwoPluginSite) -> None:
    shared.emulator.admin.configure_app(shared.emulator.consumer_key, rotate_refresh_tokens=True)
    shared.emulator.admin.expire_sessions()
    assert "The connection works" in shared.test_connection(LEADS)  # refreshed: a new refresh token
    shared.emulator.admin.expire_sessions()
    # Refreshing with the old token would revoke the whole family (reuse detection).
    assert "The connection works" in shared.test_connection(CONTACTS)
    assert "The connection works" in shared.test_connection(LEADS)
    assert len(shared.emulator.admin.approvals()) == 1


def test_a_revoked_grant_pauses_both_and_one_reconnect_restores_both(shared: TwoPluginSite) -> None:
    shared.emulator.admin.revoke_refresh_tokens(shared.emulator.username)
    shared.emulator.admin.expire_sessions()
    assert "The connection does not work" in shared.test_connection(LEADS)
    dashboard = html.unescape(shared.admin.get("/admin/").get_data(as_text=True))
    assert "Salesforce Leads has stopped syncing" in dashboard
    assert "Salesforce Contacts has stopped syncing" in dashboard

    assert "Connected to" in shared.connect(CONTACTS)
    assert shared.state(LEADS) is shared.state(CONTACTS) is ConnectionState.CONNECTED
    assert "The connection works" in shared.test_connection(LEADS)
    assert len(shared.emulator.admin.approvals()) == 1


def test_a_new_approval_of_the_same_user_replaces_the_old_one(shared: TwoPluginSite) -> None:
    assert "Connected to" in shared.connect(CONTACTS, another_user="1")
    assert shared.grant(LEADS) == shared.grant(CONTACTS)
    assert len(shared.emulator.admin.approvals()) == 1
    assert "The connection works" in shared.test_connection(LEADS)


def test_disconnecting_one_leaves_the_other_and_the_last_revokes(shared: TwoPluginSite) -> None:
    page = shared.disconnect(CONTACTS)
    assert "the other plugin using the connection stays connected" in page
    assert "Not connected to Salesforce" in page
    assert shared.state(CONTACTS) is ConnectionState.NOT_CONNECTED
    assert len(shared.emulator.admin.approvals()) == 1
    assert "The connection works" in shared.test_connection(LEADS)

    page = shared.disconnect(LEADS)
    assert "Salesforce revoked the connection" in page
    assert shared.state(LEADS) is ConnectionState.NOT_CONNECTED
    assert shared.emulator.admin.approvals() == []
    with shared.app.app_context():
        assert GRANTS.get(INDEX_KEY) == []


def test_disconnect_asks_first(shared: TwoPluginSite) -> None:
    page = shared.page(LEADS)
    assert "Disconnect Salesforce Leads from Salesforce?" in page
    assert "Salesforce Contacts uses the same connection and stays connected." in page
    assert "Yes, disconnect" in page


def test_a_connection_stored_before_grants_were_shared_moves_on_first_use(two_plugins: TwoPluginSite) -> None:
    two_plugins.connect(LEADS)
    with two_plugins.app.app_context():
        store = two_plugins.plugin(LEADS).store
        with independent_transaction():
            grant = grant_of(store)
            assert grant is not None
            record = grant_record(grant)
            assert record is not None
            store.set(CONNECTION_KEY, {k: record[k] for k in ("state", "identity", "instance_url", "changed_at")})
            store.set(LEGACY_TOKENS_KEY, GRANTS.get(tokens_key(grant)))
            for key in (record_key(grant), tokens_key(grant), INDEX_KEY):
                GRANTS.delete(key)
        db.session.commit()
    assert two_plugins.state(LEADS) is ConnectionState.CONNECTED
    assert "The connection works" in two_plugins.test_connection(LEADS)
    assert two_plugins.grant(LEADS) is not None
    with two_plugins.app.app_context():
        assert two_plugins.plugin(LEADS).store.get(LEGACY_TOKENS_KEY) is None
        db.session.commit()
    assert "Use the connection of Salesforce Leads" in two_plugins.page(CONTACTS)


def test_another_connected_app_is_not_offered(two_plugins: TwoPluginSite) -> None:
    two_plugins.connect(LEADS)
    with two_plugins.app.test_request_context():
        two_plugins.plugin(CONTACTS).settings.update({"consumer_key": "another-app"})
        db.session.commit()
    page = two_plugins.page(CONTACTS)
    assert "Use the connection of" not in page
    assert "Connect to Salesforce" in page


def test_a_connection_not_offered_cannot_be_joined(two_plugins: TwoPluginSite) -> None:
    two_plugins.connect(LEADS)
    response = two_plugins.admin.post(
        f"/admin/plugins/{CONTACTS}/use-connection", data={"grant": "00Dforged.005forged.0"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "no longer available to share" in html.unescape(response.get_data(as_text=True))
    assert two_plugins.state(CONTACTS) is ConnectionState.NOT_CONNECTED


def test_disconnecting_a_plugin_not_connected_changes_nothing(shared: TwoPluginSite) -> None:
    shared.disconnect(CONTACTS)
    page = shared.disconnect(CONTACTS)
    assert "There was no connection to Salesforce to disconnect; nothing was changed." in page
    assert shared.state(LEADS) is ConnectionState.CONNECTED
    assert len(shared.emulator.admin.approvals()) == 1


def test_a_wrong_secret_on_one_plugin_leaves_the_shared_grant_alone(shared: TwoPluginSite) -> None:
    with shared.app.test_request_context():
        shared.plugin(CONTACTS).settings.update({"consumer_secret": "not-the-secret"})
        db.session.commit()
    shared.emulator.admin.expire_sessions()
    page = shared.test_connection(CONTACTS)
    assert "Salesforce refused this plugin's Consumer Key or Secret" in page
    assert shared.state(CONTACTS) is shared.state(LEADS) is ConnectionState.CONNECTED
    assert "The connection works" in shared.test_connection(LEADS)
