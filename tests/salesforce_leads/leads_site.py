"""The site under test and what tests do with it, shared by the Leads tests."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import host.sync
from host.extensions import db
from host.models import Affiliate
from host.services.affiliates import create_affiliate, update_affiliate
from plugins.salesforce_leads import SalesforceLeads
from plugins.salesforce_leads.plugin import CALLBACK_PATH
from salesforce_emulator.testing import EmulatorHandle

SITE_URL = "https://plughost.example.test"
API_VERSION = "62.0"
FAST_SYNC: dict[str, Any] = {
    "PLUGHOST_SYNC_RETRY_BASE_SECONDS": 0.05,
    "PLUGHOST_SYNC_RETRY_MAX_SECONDS": 0.2,
    "PLUGHOST_SYNC_POLL_SECONDS": 0.2,
    "PLUGHOST_SYNC_MAX_ATTEMPTS": 3,
}


@dataclass
class Site:
    """The site under test, its admin's browser, and shortcuts for what tests do."""

    app: Flask
    plugin: SalesforceLeads
    admin: FlaskClient
    emulator: EmulatorHandle

    def settings(self, **values: Any) -> None:
        with self.app.app_context():
            self.plugin.settings.update(values)
            db.session.commit()

    def start_authorization(self) -> str:
        """Press Connect to Salesforce; the URL of Salesforce's authorize page."""
        response = self.admin.post(f"/admin/plugins/{self.plugin.name}/authorize")
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"]

    def callback(self, callback_url: str) -> str:
        """Deliver Salesforce's redirect to the site; the page the admin lands on."""
        parts = urlsplit(callback_url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SITE_URL + CALLBACK_PATH
        return self.admin.get(f"{parts.path}?{parts.query}", follow_redirects=True).get_data(as_text=True)

    def connect(self) -> str:
        """The whole Connect to Salesforce flow through the emulator's login and Allow pages."""
        return self.callback(self.emulator.authorize_with_requests(self.start_authorization()))

    def create_affiliate(self, **values: Any) -> int:
        fields = {
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@example.com",
            "company": "Navy",
            **values,
        }
        with self.app.app_context():
            affiliate = create_affiliate(**fields)
            db.session.commit()
            return affiliate.id

    def update_affiliate(self, affiliate_id: int, **values: Any) -> None:
        with self.app.app_context():
            update_affiliate(db.session.get(Affiliate, affiliate_id), values)
            db.session.commit()

    def affiliate_ids(self) -> list[int]:
        with self.app.app_context():
            return list(db.session.scalars(select(Affiliate.id).order_by(Affiliate.id)))

    def drain(self, timeout: float = 20.0) -> None:
        with self.app.app_context():
            host.sync.wait_until_drained(timeout)

    def status(self, affiliate_id: int) -> dict[str, Any]:
        """The JSON the affiliate page's notice polls."""
        response = self.admin.get(f"/admin/plugins/{self.plugin.name}/affiliates/{affiliate_id}/sync-status")
        assert response.status_code == 200
        return response.get_json()

    def is_paused(self) -> bool:
        with self.app.app_context():
            return host.sync.is_paused(self.plugin)

    def records(self, sobject: str = "Lead") -> list[dict[str, Any]]:
        return self.emulator.admin.records(sobject)
