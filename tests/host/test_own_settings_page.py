"""A plugin's own settings page: linked while enabled, the host's form before, one form handling."""

from sample_plugins import Connector

from host.extensions import db
from host.plugins import registry

OWN_PAGE = "/admin/plugins/connector/"
HOST_PAGE = "/admin/plugins/connector/settings"


def card(page: str, name: str) -> str:
    start = page.index(f'id="plugin-{name}"')
    return page[start : page.index("</article>", start)]


class Misdirected(Connector):
    """Names a settings page it does not have."""

    settings_endpoint = "connector.no_such_page"


def _site(make_app, make_user, log_in, plugin=None):
    app = make_app(plugin or Connector())
    return app, log_in(app.test_client(), make_user(app, admin=True))


def _enable(app, name="connector"):
    with app.app_context():
        registry.enable(name)
        db.session.commit()


def test_before_it_is_enabled_the_links_lead_to_the_host_form_with_every_field(make_app, make_user, log_in):
    app, admin = _site(make_app, make_user, log_in)

    marketplace = admin.get("/admin/marketplace/").text
    assert f'href="{HOST_PAGE}"' in card(marketplace, "connector")
    page = admin.get(HOST_PAGE)
    assert page.status_code == 200
    assert 'name="setting_region"' in page.text and 'name="setting_client_id"' in page.text
    assert '<option selected value="eu">Europe</option>' in page.text


def test_once_enabled_the_card_menu_and_host_page_lead_to_its_own_page(make_app, make_user, log_in):
    app, admin = _site(make_app, make_user, log_in)
    _enable(app)

    marketplace = admin.get("/admin/marketplace/").text
    assert f'href="{OWN_PAGE}"' in card(marketplace, "connector")
    assert "Fill in its settings: Client ID." in card(marketplace, "connector")
    assert f'href="{HOST_PAGE}"' not in marketplace, "neither the card, its action nor the menu"
    assert admin.get(HOST_PAGE).headers["Location"] == OWN_PAGE


def test_its_page_embeds_the_settings_form_and_saves_through_the_host(make_app, make_user, log_in):
    app, admin = _site(make_app, make_user, log_in)
    _enable(app)

    page = admin.get(OWN_PAGE).text
    assert "https://site.example/connector/callback" in page and "Connected app" in page
    assert 'name="setting_client_id"' in page and 'name="setting_region"' not in page

    refused = admin.post(OWN_PAGE, data={"setting_client_id": ""})
    assert refused.status_code == 200 and "This field is required." in refused.text
    assert "https://site.example/connector/callback" in refused.text

    saved = admin.post(OWN_PAGE, data={"setting_client_id": "abc", "setting_client_secret": "s3cret-value"})
    assert saved.headers["Location"] == OWN_PAGE
    page = admin.get(OWN_PAGE).text
    assert "Settings of Connector saved." in page and "s3cret-value" not in page
    with app.app_context():
        plugin = app.extensions["plughost"].plugins["connector"]
        assert plugin.settings.get("client_id") == "abc"
        assert plugin.settings.get("client_secret") == "s3cret-value"
        assert plugin.settings.get("region") == "eu", "a field the page leaves out keeps its value"


def test_a_settings_endpoint_that_is_not_its_route_is_reported_and_never_linked(make_app, make_user, log_in):
    app, admin = _site(make_app, make_user, log_in, Misdirected())
    _enable(app)

    marketplace = admin.get("/admin/marketplace/").text
    connector = card(marketplace, "connector")
    assert "settings_endpoint &#39;connector.no_such_page&#39; is not a route" in connector
    assert f'href="{HOST_PAGE}"' in connector
    assert admin.get(HOST_PAGE).status_code == 200
