"""The shared connect/callback views: what they refuse and what they show, before any call.

The full Connect to Salesforce flow against the emulator is in tests/salesforce_leads.
"""

from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from salesforce_probe import CALLBACK_PATH, LOGIN_URL, NAME

from host.database import independent_transaction
from host.extensions import db
from plugins.salesforce_common.grants import GRANTS, INDEX_KEY
from plugins.salesforce_common.status import CONNECTION_KEY, set_needs_reauthorization


def _authorize(client: FlaskClient) -> dict[str, list[str]]:
    response = client.post(f"/admin/plugins/{NAME}/authorize")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{LOGIN_URL}/services/oauth2/authorize"
    return parse_qs(location.query)


def test_authorize_sends_state_pkce_scopes_and_the_callback(probe_admin: FlaskClient) -> None:
    query = _authorize(probe_admin)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["probe-key"]
    assert query["redirect_uri"] == [f"https://site.example.test{CALLBACK_PATH}"]
    assert query["scope"] == ["api refresh_token offline_access"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and query["code_challenge"][0]
    assert _authorize(probe_admin)["state"] != query["state"]


def test_authorize_is_post_only(probe_admin: FlaskClient) -> None:
    assert probe_admin.get(f"/admin/plugins/{NAME}/authorize").status_code == 405


def test_forged_state_changes_nothing_and_says_so(probe_admin: FlaskClient, probe_site: Flask) -> None:
    _authorize(probe_admin)
    response = probe_admin.get(f"{CALLBACK_PATH}?code=stolen&state=forged", follow_redirects=True)
    assert "the state differs" in response.get_data(as_text=True)
    # The pending authorization was spent by the forged attempt: the real state is refused too.
    replay = probe_admin.get(f"{CALLBACK_PATH}?code=stolen&state=anything", follow_redirects=True)
    assert "already used, or was not started from this browser" in replay.get_data(as_text=True)
    with probe_site.app_context():
        assert probe_site.extensions["plughost"].get(NAME).store.get(CONNECTION_KEY) is None
        assert GRANTS.get(INDEX_KEY) is None


def test_callback_is_for_admins_only(probe_admin: FlaskClient, probe_site: Flask, make_user, log_in) -> None:
    visitor = log_in(probe_site.test_client(), make_user(probe_site, email="visitor@example.com"))
    assert visitor.get(f"{CALLBACK_PATH}?code=x&state=y").status_code == 403
    assert probe_site.test_client().get(f"{CALLBACK_PATH}?code=x&state=y").status_code == 302


def test_panel_shows_callback_url_and_scopes_but_no_secret(probe_admin: FlaskClient) -> None:
    page = probe_admin.get(f"/admin/plugins/{NAME}/").get_data(as_text=True)
    assert f"https://site.example.test{CALLBACK_PATH}" in page
    assert "api refresh_token offline_access" in page
    assert "Connect to Salesforce" in page
    assert "probe-secret" not in page


def test_needs_reauthorization_shows_a_banner_and_card_link(probe_admin: FlaskClient, probe_site: Flask) -> None:
    with probe_site.app_context():
        with independent_transaction():
            set_needs_reauthorization(probe_site.extensions["plughost"].get(NAME).store, "token revoked")
        db.session.commit()
    page = probe_admin.get("/admin/").get_data(as_text=True)
    assert "Salesforce probe has stopped syncing. Salesforce needs reauthorization: token revoked" in page
    assert f'href="/admin/plugins/{NAME}/#salesforce-connection"' in page
    marketplace = probe_admin.get("/admin/marketplace/").get_data(as_text=True)
    assert "Needs reauthorization: token revoked" in marketplace
    assert "Reconnect" in probe_admin.get(f"/admin/plugins/{NAME}/").get_data(as_text=True)
