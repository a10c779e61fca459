"""The settings page: each field validated with a sentence, and no secret ever shown."""

from leads_site import Site

PAGE = "/admin/plugins/salesforce_leads/"


def _post(site: Site, **values: str) -> str:
    form = {
        "setting_consumer_key": "key",
        "setting_consumer_secret": "",
        "setting_api_url": "https://na1.salesforce.com/services/data/v62.0",
        "setting_salesforce_domain": "https://na1.salesforce.com",
        "setting_external_id_field": "",
        **{f"setting_{key}": value for key, value in values.items()},
    }
    return site.admin.post(PAGE, data=form, follow_redirects=True).get_data(as_text=True)


def test_bad_values_are_refused_with_a_sentence_each(site: Site) -> None:
    page = _post(
        site,
        api_url="https://na1.salesforce.com/services/data",
        salesforce_domain="http://na1.salesforce.com",
        consumer_key="two words",
    )
    assert "The API URL must look like https://{instance}.salesforce.com/services/data/v62.0" in page
    assert "uses plain http; Salesforce requires https (http is allowed only for this machine)" in page
    assert "The Consumer Key has no spaces" in page
    assert "saved" not in page


def test_a_domain_with_a_path_is_refused(site: Site) -> None:
    page = _post(site, salesforce_domain="https://na1.salesforce.com/home")
    assert "The Salesforce domain is the address you log in at, without a path" in page


def test_good_values_are_saved_and_the_version_is_read_from_the_api_url(site: Site) -> None:
    page = _post(site, api_url="https://na1.salesforce.com/services/data/v58.0")
    assert "Settings of Salesforce Leads saved." in page
    with site.app.app_context():
        assert site.plugin.salesforce_config().version == "58.0"


def test_the_page_shows_the_callback_url_and_scopes_and_never_a_secret(connected: Site) -> None:
    with connected.app.app_context():
        tokens = connected.plugin.store.get_secret("salesforce.tokens")
    assert tokens
    pages = [
        connected.admin.get(PAGE).get_data(as_text=True),
        connected.admin.get(f"{PAGE}fields").get_data(as_text=True),
        connected.admin.get("/admin/marketplace/").get_data(as_text=True),
        connected.admin.get("/admin/plugins/salesforce_leads/settings").get_data(as_text=True),
    ]
    assert "https://plughost.example.test/salesforce/oauth2/callback" in pages[0]
    assert "api refresh_token offline_access" in pages[0]
    assert 'data-copy="salesforce-callback-url"' in pages[0]
    import json

    stored = json.loads(tokens)
    for page in pages:
        assert connected.emulator.consumer_secret not in page
        assert stored["access_token"] not in page
        assert stored["refresh_token"] not in page
