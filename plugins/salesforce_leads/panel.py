"""An affiliate's Salesforce sync as the admin sees it: the panel and its live notice.

After an admin saves an affiliate, the affiliate's page shows this panel; its notice
asks the status endpoint every second until the sync settles, so the save never
waits on Salesforce and the admin still sees, within seconds, "Synced to Salesforce"
with a link to the record, or the reason it was not and a Retry button.
"""

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from flask import url_for

from host.api import AdminPanel, pause_reason, record_status
from plugins.salesforce_common.authorization import connection_status
from plugins.salesforce_leads.links import link_of
from plugins.salesforce_leads.settings import destination_object
from plugins.salesforce_leads.sync import KIND

if TYPE_CHECKING:
    from plugins.salesforce_leads.plugin import SalesforceLeads

#: Queue states after which nothing more happens without a change or an admin.
SETTLED = {"done": True, "dead": False, "discarded": False}


@dataclass(frozen=True)
class SyncReport:
    """One affiliate's sync: where it stands, in a sentence, and where to go from there."""

    state: str
    #: True when synced, False when it failed, None while it is still on its way.
    ok: bool | None
    message: str
    record_id: str | None
    record_url: str | None
    api_usage: str | None
    retry_url: str
    sync_page_url: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _waiting_message(plugin: "SalesforceLeads", state: str, last_error: str) -> str:
    reason = pause_reason(plugin)
    if reason is not None:
        return f"Waiting: syncing to Salesforce is paused. {reason}".strip()
    if state == "retrying":
        return f"Not in Salesforce yet; it will be tried again. {last_error}".strip()
    return "Sending to Salesforce…"


def sync_report(plugin: "SalesforceLeads", affiliate_id: int) -> SyncReport:
    """The affiliate's last sync result, read from the queue and the plugin's links."""
    status = record_status(plugin, KIND, str(affiliate_id))
    connection = connection_status(plugin.salesforce_config())
    sobject = destination_object(plugin)
    link = link_of(affiliate_id)
    if link is not None and link.sobject.lower() != sobject.lower():
        link = None
    record_url = link.url(connection.instance_url) if link and connection.instance_url else None
    retry_url = url_for(f"{plugin.name}.resync", affiliate_id=affiliate_id)
    usage = connection.api_usage.summary if connection.api_usage else None
    if status is None:
        state, ok = "not_queued", (True if link else None)
        message = f"In Salesforce as {sobject} {link.record_id}" if link else "Not sent to Salesforce yet."
        return SyncReport(state, ok, message, link.record_id if link else None, record_url, usage, retry_url, None)
    page = url_for("sync_admin.record", plugin=plugin.name, kind=KIND, record_id=str(affiliate_id))
    ok = SETTLED.get(status.state)
    record_id = link.record_id if link else status.external_id
    if ok is True:
        message = f"Synced to Salesforce — {sobject} {record_id or ''}".strip()
    elif ok is False:
        message = f"Not synced to Salesforce: {status.message}"
    else:
        message = _waiting_message(plugin, status.state, status.message)
    return SyncReport(status.state, ok, message, record_id, record_url, usage, retry_url, page)


def affiliate_panel(plugin: "SalesforceLeads", affiliate_id: int) -> AdminPanel:
    return AdminPanel(
        "Salesforce",
        "salesforce_leads/affiliate_panel.html",
        {
            "report": sync_report(plugin, affiliate_id),
            "status_url": url_for(f"{plugin.name}.sync_status", affiliate_id=affiliate_id),
            "script_url": url_for(f"{plugin.name}.static", filename="salesforce_leads.js"),
        },
    )
