"""A site with Salesforce Leads enabled, against the emulator over real HTTP.

One emulator server serves the whole session and is reset before each test; the
site runs the embedded sync worker with short backoffs, on SQLite and PostgreSQL.
"""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from leads_site import API_VERSION, FAST_SYNC, SITE_URL, Site

from host.extensions import db
from host.plugins import registry
from plugins.salesforce_leads import SalesforceLeads
from plugins.salesforce_leads.plugin import CALLBACK_PATH
from salesforce_emulator.testing import EmulatorHandle


@pytest.fixture
def emulator(emulator_server: EmulatorHandle) -> EmulatorHandle:
    emulator_server.reset()
    emulator_server.admin.configure_app(emulator_server.consumer_key, callback_urls=[SITE_URL + CALLBACK_PATH])
    return emulator_server


@pytest.fixture
def make_site(
    make_app: Callable[..., Flask],
    make_user: Callable[..., int],
    log_in: Callable[[FlaskClient, int], FlaskClient],
    emulator: EmulatorHandle,
) -> Callable[..., Site]:

    def make(*, configure: bool = True, **config: Any) -> Site:
        plugin = SalesforceLeads()
        app = make_app(plugin, PLUGHOST_EXTERNAL_URL=SITE_URL, **FAST_SYNC, **config)
        with app.app_context():
            registry.enable(plugin.name)
            db.session.commit()
        admin = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
        site = Site(app, plugin, admin, emulator)
        if configure:
            site.settings(
                consumer_key=emulator.consumer_key,
                consumer_secret=emulator.consumer_secret,
                api_url=f"{emulator.base_url}/services/data/v{API_VERSION}",
                salesforce_domain=emulator.base_url,
            )
        return site

    return make


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    """Configured, not yet connected."""
    return make_site()


@pytest.fixture
def connected(site: Site) -> Site:
    """Configured and connected through Connect to Salesforce."""
    page = site.connect()
    assert "Connected to" in page, page
    return site
