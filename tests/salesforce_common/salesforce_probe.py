"""A minimal plugin built on salesforce_common, as the Leads and Contacts plugins are.

Its settings hold the connected app's key and secret, the login URL and the API
version; its pages are the library's connection views and one page showing the
connection panel, and nothing else.
"""

from collections.abc import Iterable

from flask import Blueprint, render_template_string

from host.api import FieldKind, SettingField, current_plugin, hookimpl
from plugins.salesforce_common import DEFAULT_API_VERSION, SalesforceConfig
from plugins.salesforce_common.connection_views import (
    ConnectionViews,
    SalesforceConnectedPlugin,
    connection_blueprint,
)

NAME = "salesforce_probe"
CALLBACK_PATH = "/salesforce_probe/oauth2/callback"
#: An https login host that no test ever reaches: the probe's tests stop before any call.
LOGIN_URL = "https://login.example.test"

PAGE = """{% extends "admin/base.html" %}{% block content %}
{% include "salesforce_common/connection_panel.html" %}{% endblock %}"""

pages = Blueprint(NAME, __name__)
connection_pages = connection_blueprint(NAME, CALLBACK_PATH)


@pages.get(f"/admin/plugins/{NAME}/")
def page() -> str:
    plugin = current_plugin()
    assert isinstance(plugin, SalesforceProbe)
    return render_template_string(PAGE, **plugin.connection.panel_context())


class SalesforceProbe(SalesforceConnectedPlugin):
    name = NAME
    title = "Salesforce probe"
    settings_fields = (
        SettingField("consumer_key", "Consumer Key", required=True),
        SettingField("consumer_secret", "Consumer Secret", secret=True, required=True),
        SettingField("login_url", "Login URL", kind=FieldKind.URL, required=True),
        SettingField("api_version", "API version", default=DEFAULT_API_VERSION),
    )

    def __init__(self) -> None:
        self.connection = ConnectionViews(self, self.config, f"{NAME}.page")

    def config(self) -> SalesforceConfig:
        return SalesforceConfig(
            consumer_key=self.settings.get("consumer_key"),
            consumer_secret=self.settings.get("consumer_secret"),
            login_url=self.settings.get("login_url"),
            api_version=self.settings.get("api_version"),
            store=self.store,
            record_kind="affiliate",
        )

    @hookimpl
    def plugin_blueprints(self) -> Iterable[Blueprint]:
        return [pages, connection_pages]
