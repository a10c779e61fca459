"""What marks a Salesforce plugin's settings tabs as needing attention, for both plugins.

Each plugin lists its own tabs (``host.api.Tab``); the Connection tab and the Send
existing tab need attention for the same reasons in both.
"""

from host.api import ExistingRecords, Plugin
from plugins.salesforce_common.status import ConnectionState, ConnectionStatus

#: Where the records go, as the Send existing sentences say it: "3 users are not in Salesforce yet".
DESTINATION = "Salesforce"


def connection_attention(plugin: Plugin, status: ConnectionStatus) -> str | None:
    """Why the Connection tab needs attention: settings missing, never connected, or to reconnect."""
    if plugin.settings.missing_required():
        return "Fill in the Connected App's settings"
    if status.state is ConnectionState.NOT_CONNECTED:
        return "Not connected yet"
    if status.state is ConnectionState.NEEDS_REAUTHORIZATION:
        return "Needs reconnecting"
    return None


def unsent_attention(existing: ExistingRecords | None) -> str | None:
    """Why the Send existing tab needs attention: records that are not in Salesforce yet."""
    if existing is None:
        return None
    waiting = [records.count_of(records.never_sent) for records in existing.kinds if records.never_sent]
    return f"{' and '.join(waiting)} not in {DESTINATION} yet" if waiting else None
