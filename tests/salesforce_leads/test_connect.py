"""Connect to Salesforce through the emulator's real login and Allow pages, with state and PKCE."""

from urllib.parse import parse_qs, urlsplit

from leads_site import SITE_URL, Site

from plugins.salesforce_leads.plugin import CALLBACK_PATH


def test_grant_permissions_connects_and_checks_the_destination_object(site: Site) -> None:
    authorize_url = site.start_authorization()
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [SITE_URL + CALLBACK_PATH]
    page = site.callback(site.emulator.authorize_with_requests(authorize_url))
    org = site.emulator.config
    assert f"Connected to {org.org_name} ({org.org_id}) as {site.emulator.username}" in page
    assert "Reconnect" in page
    marketplace = site.admin.get("/admin/marketplace/").get_data(as_text=True)
    assert f"as {site.emulator.username}" in marketplace
    assert "API usage today" in marketplace


def test_a_replayed_callback_is_refused_and_changes_nothing(connected: Site) -> None:
    callback = connected.emulator.authorize_with_requests(connected.start_authorization())
    assert "Connected to" in connected.callback(callback)
    replayed = connected.callback(callback)
    assert "already used" in replayed
    assert "Connected to" in connected.admin.get("/admin/plugins/salesforce_leads/").get_data(as_text=True)


def test_a_forged_state_is_refused(site: Site) -> None:
    callback = site.emulator.authorize_with_requests(site.start_authorization())
    forged = callback.replace("state=", "state=forged")
    page = site.callback(forged)
    assert "the state differs" in page
    assert "Not connected to Salesforce" in page


def test_denying_access_changes_nothing_and_says_so(site: Site) -> None:
    callback = site.emulator.authorize_with_requests(site.start_authorization(), approve=False)
    page = site.callback(callback)
    assert "Salesforce access was denied" in page
    assert "Not connected to Salesforce" in page


def test_a_missing_custom_object_is_reported_after_connecting(site: Site) -> None:
    site.settings(destination_object="Missing__c")
    page = site.connect()
    assert "Connected to" in page
    assert "Salesforce has no object Missing__c" in page


def test_test_connection_answers_in_a_sentence_with_one_call(connected: Site) -> None:
    emulator = connected.emulator
    emulator.admin.clear_calls()
    tested = connected.admin.post("/admin/plugins/salesforce_leads/test-connection", follow_redirects=True)
    page = tested.get_data(as_text=True)
    assert "The connection works: Salesforce answered, with " in page and " API requests left today." in page
    assert emulator.admin.call_counts() == {"GET limits": 1}

    emulator.admin.revoke_refresh_tokens(emulator.username)
    emulator.admin.expire_sessions()
    tested = connected.admin.post("/admin/plugins/salesforce_leads/test-connection", follow_redirects=True)
    page = tested.get_data(as_text=True)
    assert "The connection does not work: " in page
    assert "Reconnect" in page


def test_test_connection_is_for_admins_only(connected: Site, make_user, log_in) -> None:
    subscriber = log_in(connected.app.test_client(), make_user(connected.app))
    assert subscriber.post("/admin/plugins/salesforce_leads/test-connection").status_code == 403
    assert connected.emulator.admin.call_counts().get("GET limits") is None
