"""The plugin's name, and its object in the application serving a request.

The plugin's blueprints are made once, at import, and shared by every application
that registers them, so their views find the plugin object per request.
"""

from typing import TYPE_CHECKING, cast

from host.api import current_plugin

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

NAME = "salesforce_contacts"


def contacts_plugin() -> "SalesforceContactsPlugin":
    """The Salesforce Contacts plugin whose page serves the request."""
    # Only this plugin's blueprints reach here, and the host registers them for it alone.
    return cast("SalesforceContactsPlugin", current_plugin())
