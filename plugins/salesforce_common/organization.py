"""The connected org's name, read once when a connection is made, so people see a name.

Salesforce's identity URL gives the org's ID only; the name is the ``Organization``
record's. Reading it is one SOQL call, and a connection that works does not fail for
want of a name: the ID is shown instead.
"""

import logging

from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.errors import SalesforceError

ORGANIZATION_QUERY = "SELECT Name FROM Organization"

log = logging.getLogger(__name__)


def fetch_organization_name(config: SalesforceConfig) -> str:
    """The connected org's Name, or ``""`` if Salesforce would not say."""
    try:
        with SalesforceClient(config) as client:
            records = client.query(ORGANIZATION_QUERY)
    except (SalesforceError, ValueError, KeyError) as error:
        log.warning("The name of the Salesforce org of %s could not be read: %s", config.plugin_name, error)
        return ""
    return str(records[0].get("Name") or "") if records else ""
