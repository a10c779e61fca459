"""The plugin's name, and its object in the application serving a request.

The plugin's blueprints are made once, at import, and shared by every application
that registers them, so their views find the plugin object per request.
"""

from typing import TYPE_CHECKING, cast

from host.api import current_plugin

if TYPE_CHECKING:
    from plugins.salesforce_leads.plugin import SalesforceLeads

NAME = "salesforce_leads"


def leads_plugin() -> "SalesforceLeads":
    """The Salesforce Leads plugin whose page serves the request."""
    # Only this plugin's blueprints reach here, and the host registers them for it alone.
    return cast("SalesforceLeads", current_plugin())
