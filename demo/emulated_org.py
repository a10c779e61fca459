"""The demo's Salesforce: the emulator on a loopback port, plain HTTP, in a thread."""

from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer

from salesforce_emulator.app import create_app
from salesforce_emulator.config import ConnectedAppConfig, EmulatorConfig
from salesforce_emulator.server import base_url, build_server, serve_in_thread

#: Where each plugin's Connect to Salesforce flow comes back to, below the site's URL.
CALLBACK_PATHS = ("/salesforce/oauth2/callback", "/salesforce_contacts/oauth2/callback")


@dataclass(frozen=True)
class EmulatedOrg:
    """A running emulated org and what a site owner needs to connect to it."""

    url: str
    config: EmulatorConfig
    server: BaseWSGIServer
    app: Flask

    @property
    def connected_app(self) -> ConnectedAppConfig:
        return self.config.connected_apps[0]

    def add_record(self, sobject: str, **fields: Any) -> str:
        """Create a record in the org, as its admin would (no API call counted); its Id."""
        org = self.app.extensions["salesforce_emulator"]
        with org.lock:
            return str(org.dml.create(org.schema.get(sobject), fields, next(iter(org.users.values()))))

    def stop(self) -> None:
        self.server.shutdown()


def start_emulated_org(port: int, site_url: str) -> EmulatedOrg:
    """Start the org with the site's callback URLs registered in its Connected App."""
    config = EmulatorConfig.from_dict({"host": "127.0.0.1", "port": port, "https": False, "org_name": "Plughost Demo"})
    config.connected_apps[0].callback_urls = [site_url + path for path in CALLBACK_PATHS]
    app = create_app(config)
    server, _certificate = build_server(app, config)
    serve_in_thread(server)
    return EmulatedOrg(url=base_url(server, config), config=config, server=server, app=app)
