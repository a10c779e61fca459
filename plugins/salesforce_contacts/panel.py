"""What the admin sees of a user's sync: the box on the user's page (the Salesforce
record, the last sync, Resync, and for a user created from Salesforce, the set-password
link to hand them) and the Salesforce column of the Users list."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask import url_for

from host.api import (
    AdminPanel,
    ListCell,
    ListColumn,
    RecordStatus,
    User,
    UserSnapshot,
    db,
    record_status,
    record_statuses,
)
from plugins.salesforce_contacts.handler import KIND
from plugins.salesforce_contacts.links import Link, load_link, load_links
from plugins.salesforce_contacts.set_password import set_password_url

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin


def user_panel(plugin: "SalesforceContactsPlugin", user: UserSnapshot) -> AdminPanel:
    link = load_link(user.id)
    account = db.session.get(User, user.id)
    return AdminPanel(
        "Salesforce",
        "salesforce_contacts/user_panel.html",
        {
            "link": link,
            "status": record_status(plugin, KIND, str(user.id)),
            "resync_url": url_for(f"{plugin.name}.resync", user_id=user.id),
            "set_password_url": set_password_url(plugin.store, account) if account else None,
        },
    )


#: Sync states in which the user's latest change has not reached Salesforce yet.
UNDELIVERED = frozenset({"pending", "in_flight", "retrying"})


def _list_cell(plugin_name: str, user_id: int, link: Link | None, status: RecordStatus | None) -> ListCell | None:
    """A failure first (the admin must act), then work still waiting, then the linked record."""
    if status is not None and status.state == "dead":
        url = url_for("sync_admin.record", plugin=plugin_name, kind=KIND, record_id=str(user_id))
        return ListCell("Failed", url=url, level="error", title=status.message)
    if status is not None and status.state in UNDELIVERED:
        return ListCell("Waiting", level="warning", title=status.message or "Queued for Salesforce.")
    if link is not None:
        return ListCell(
            link.object_type, url=link.record_url, level="ok", title=f"{link.object_type} {link.salesforce_id}"
        )
    return None


def user_list_column(plugin: "SalesforceContactsPlugin", users: Sequence[UserSnapshot]) -> ListColumn:
    """Each listed user's Salesforce record or last error, read for the whole page at once."""
    user_ids = [user.id for user in users]
    links = load_links(user_ids)
    statuses = record_statuses(plugin, KIND, [str(user_id) for user_id in user_ids])
    cells = {
        user_id: cell
        for user_id in user_ids
        if (cell := _list_cell(plugin.name, user_id, links.get(str(user_id)), statuses.get(str(user_id))))
    }
    return ListColumn("Salesforce", cells)
