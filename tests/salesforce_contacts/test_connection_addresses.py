"""The login URL cannot lead the server to a private or metadata address: refused when
saved, and again when connecting, whatever was stored meanwhile."""

import pytest

from host.extensions import db
from host.plugins.models import PluginSettings
from plugins.salesforce_common import ConfigurationError, SalesforceClient
from plugins.salesforce_contacts.settings import SETTINGS_FIELDS
from plugins.salesforce_contacts.tabs import CONNECTION_SETTINGS

PAGE = "/admin/plugins/salesforce_contacts/"
METADATA = "https://169.254.169.254/latest"


def setup_form(site, **values: str) -> dict[str, str]:
    """The Connection tab's settings form as it stands, with ``values`` changed."""
    with site.app.app_context():
        stored = site.plugin.settings.public_values()
    form = {
        f"setting_{field.key}": str(stored.get(field.key) or "")
        for field in SETTINGS_FIELDS
        if field.key in CONNECTION_SETTINGS and not field.secret
    }
    return {**form, **{f"setting_{key}": value for key, value in values.items()}}


def stored_login_url(site) -> str:
    with site.app.app_context():
        return str(site.plugin.settings.get("custom_login_url"))


@pytest.mark.parametrize("url", [METADATA, "http://169.254.169.254/latest", "https://10.0.0.7", "https://[fd00::1]"])
def test_a_private_my_domain_url_is_refused_on_the_connection_tab(site, url: str) -> None:
    before = stored_login_url(site)
    page = site.admin.post(f"{PAGE}connection", data=setup_form(site, login_host="custom", custom_login_url=url))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The My Domain URL" in text and ("private or local network" in text or "plain http" in text)
    assert "saved" not in text
    assert stored_login_url(site) == before


def test_a_stored_private_url_is_refused_again_when_connecting(site) -> None:
    with site.writing():
        row = db.session.get(PluginSettings, site.plugin.name)
        row.values = {**row.values, "custom_login_url": METADATA}
        db.session.commit()
    site.sf.admin.clear_calls()

    refused = site.admin.post(f"{PAGE}authorize", follow_redirects=True).get_data(as_text=True)
    assert "private or local network" in refused
    with site.app.app_context(), pytest.raises(ConfigurationError, match="169.254.169.254"):
        SalesforceClient(site.plugin.config())
    assert site.api_calls() == 0
