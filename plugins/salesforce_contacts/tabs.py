"""The settings pages' tabs: which settings each one edits, and which one needs attention.

The settings are split by what they are about, so each tab is a short page of its
own; the first tab that needs attention is where the plugin's page opens.
"""

from typing import TYPE_CHECKING, Any

from flask import url_for

from host.api import Tab, existing_records
from plugins.salesforce_common.api_budget import BUDGET_FIELD
from plugins.salesforce_common.batching import BATCH_WAIT_FIELD
from plugins.salesforce_common.record_loads import BULK_THRESHOLD_SETTING
from plugins.salesforce_common.status import ConnectionState, ConnectionStatus
from plugins.salesforce_common.tabs import DESTINATION, connection_attention, unsent_attention
from plugins.salesforce_contacts.current import NAME
from plugins.salesforce_contacts.refusals import refused_mapped_fields, tags_salesforce_lacks
from plugins.salesforce_contacts.settings import Options

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

#: The settings each tab's form edits; the rest are chosen from the org's lists.
CONNECTION_SETTINGS = frozenset({"login_host", "custom_login_url", "consumer_key", "consumer_secret"})
FIELDS_SETTINGS = frozenset({"merge_strategy", "deletion", "deletion_field", "deletion_value", "default_company"})
SENDING_SETTINGS = frozenset({BATCH_WAIT_FIELD.key, BUDGET_FIELD.key, BULK_THRESHOLD_SETTING.key})


def settings_outside(plugin: "SalesforceContactsPlugin", shown: frozenset[str]) -> set[str]:
    """The settings a tab leaves out of its form: all but ``shown``."""
    return {setting.key for setting in plugin.settings_fields} - shown


def _counted(items: list[str] | dict[str, str], one: str, many: str) -> str | None:
    return f"{len(items)} {one if len(items) == 1 else many}" if items else None


def contacts_tabs(plugin: "SalesforceContactsPlugin", status: ConnectionStatus) -> list[Tab]:
    """The tabs in their order, each marked when it needs attention (read from the caches, no call)."""
    connected = status.state is ConnectionState.CONNECTED
    existing = existing_records(plugin.name, DESTINATION) if connected else None
    options = Options.of(plugin.settings)
    refused = refused_mapped_fields(plugin.store, options)
    lacking = tags_salesforce_lacks(plugin.store, options)
    return [
        Tab("Connection", url_for(f"{NAME}.connection"), connection_attention(plugin, status)),
        Tab(
            "Object & fields",
            url_for(f"{NAME}.fields"),
            _counted(refused, "mapped field Salesforce no longer takes", "mapped fields Salesforce no longer takes"),
        ),
        Tab(
            "Tags",
            url_for(f"{NAME}.tags"),
            _counted(lacking, "site tag the picklist lacks", "site tags the picklist lacks"),
        ),
        Tab("Webhooks", url_for(f"{NAME}.webhooks")),
        Tab("Import", url_for(f"{NAME}_import.page")),
        Tab("Send existing", url_for(f"{NAME}.send"), unsent_attention(existing)),
    ]


def tab_context(plugin: "SalesforceContactsPlugin") -> dict[str, Any]:
    """What every tab's page renders beside its own content: the tab bar and the connection."""
    status = plugin.connection.status()
    return {
        "plugin": plugin,
        "tabs": contacts_tabs(plugin, status),
        "not_connected": status.state is ConnectionState.NOT_CONNECTED,
        **plugin.connection.panel_context(),
    }
