"""The plugin's settings: the fields the connected-app setup asks for, each validated.

API URL and Salesforce domain are what an admin copies from Salesforce; the API
version is read from the API URL, and the domain is where admins log in (the API
host itself comes from the token response).
"""

import re
from typing import Any
from urllib.parse import urlsplit

from host.api import Plugin, SettingField
from plugins.salesforce_common import ConfigurationError, SalesforceConfig
from plugins.salesforce_common.api_budget import BUDGET_FIELD, budget_share
from plugins.salesforce_common.api_names import check_api_name
from plugins.salesforce_common.batching import BATCH_WAIT_FIELD
from plugins.salesforce_common.record_loads import BULK_THRESHOLD_SETTING, bulk_threshold
from plugins.salesforce_common.transport import check_secure_url

DEFAULT_OBJECT = "Lead"
RECORD_KIND = "affiliate"

_API_PATH = re.compile(r"^/services/data/v(\d{2,3}\.\d)/?$")
API_URL_EXAMPLE = "https://{instance}.salesforce.com/services/data/v62.0"


def _text(value: Any) -> str:
    return str(value or "").strip()


_secure_api_url = check_secure_url("The API URL")
_secure_domain = check_secure_url("The Salesforce domain")


def check_api_url(value: Any) -> str | None:
    """An https URL ending in ``/services/data/vNN.N``."""
    url = _text(value)
    if not url:
        return None
    if problem := _secure_api_url(url):
        return problem
    parts = urlsplit(url)
    if parts.query or parts.fragment or not _API_PATH.match(parts.path):
        return f"The API URL must look like {API_URL_EXAMPLE}: the instance's address, then /services/data/ and the API version."
    return None


def api_version(api_url: str) -> str:
    """``"62.0"`` from ``https://na1.salesforce.com/services/data/v62.0``."""
    match = _API_PATH.match(urlsplit(_text(api_url)).path)
    if match is None:
        raise ConfigurationError(f"The API URL must look like {API_URL_EXAMPLE}; correct it in the settings.")
    return match.group(1)


def check_domain(value: Any) -> str | None:
    """A base URL only: ``https://{instance}.salesforce.com`` or ``https://login.salesforce.com``."""
    url = _text(value)
    if not url:
        return None
    if problem := _secure_domain(url):
        return problem
    parts = urlsplit(url)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return (
            "The Salesforce domain is the address you log in at, without a path, such as "
            "https://{instance}.salesforce.com or https://login.salesforce.com."
        )
    return None


def check_no_spaces(value: Any) -> str | None:
    text = _text(value)
    if text and re.search(r"\s", text):
        return "The Consumer Key has no spaces; copy it again from the connected app."
    return None


SETTINGS_FIELDS = (
    SettingField(
        "consumer_key",
        "Consumer Key",
        required=True,
        help="From the connected app in Salesforce (App Manager, View, Manage Consumer Details).",
        validators=(check_no_spaces,),
    ),
    SettingField("consumer_secret", "Consumer Secret", secret=True, required=True, help="From the same page."),
    SettingField(
        "api_url",
        "API URL",
        required=True,
        help=f"{API_URL_EXAMPLE}: your instance name is on your Salesforce profile page.",
        validators=(check_api_url,),
    ),
    SettingField(
        "destination_object",
        "Salesforce destination object",
        default=DEFAULT_OBJECT,
        help="Chosen from the org's objects on the Salesforce fields page.",
        validators=(check_api_name("The destination object", "Lead or Partner__c"),),
    ),
    SettingField(
        "salesforce_domain",
        "Salesforce domain",
        required=True,
        help="Where you log in: https://{instance}.salesforce.com, your My Domain, or https://test.salesforce.com for a sandbox.",
        validators=(check_domain,),
    ),
    SettingField(
        "external_id_field",
        "External ID field (optional)",
        help="A field of the destination object marked External ID; it receives the affiliate's id, and records "
        "are matched on it. Left blank, Leads are matched by Email.",
        validators=(check_api_name("The External ID field", "Affiliate_Id__c"),),
    ),
    BATCH_WAIT_FIELD,
    BUDGET_FIELD,
    BULK_THRESHOLD_SETTING,
)


#: Settings chosen from lists the org fills, on the fields page, so left out of the settings form.
CHOSEN_FROM_ORG = frozenset({"destination_object"})


def destination_object(plugin: Plugin) -> str:
    return _text(plugin.settings.get("destination_object")) or DEFAULT_OBJECT


def external_id_field(plugin: Plugin) -> str | None:
    return _text(plugin.settings.get("external_id_field")) or None


def salesforce_config(plugin: Plugin) -> SalesforceConfig:
    """The settings as the Salesforce library takes them."""
    api_url = _text(plugin.settings.get("api_url"))
    return SalesforceConfig(
        consumer_key=_text(plugin.settings.get("consumer_key")),
        consumer_secret=_text(plugin.settings.get("consumer_secret")),
        login_url=_text(plugin.settings.get("salesforce_domain")),
        api_version=api_version(api_url) if api_url else "",
        store=plugin.store,
        record_kind=RECORD_KIND,
        api_budget_share=budget_share(plugin.settings.get(BUDGET_FIELD.key)),
        bulk_threshold=bulk_threshold(plugin.settings),
    )
