"""The box on the admin's user page: the Salesforce record, the last sync, Resync, and
for a user created from Salesforce, the set-password link to hand them."""

from typing import TYPE_CHECKING

from flask import url_for

import host.sync
from host.contributions import AdminPanel
from host.extensions import db
from host.models import User
from host.snapshots import UserSnapshot
from plugins.salesforce_contacts.handler import KIND
from plugins.salesforce_contacts.links import load_link
from plugins.salesforce_contacts.set_password import set_password_url

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin


def user_panel(plugin: "SalesforceContactsPlugin", user: UserSnapshot) -> AdminPanel:
    link = load_link(plugin.store, user.id)
    account = db.session.get(User, user.id)
    return AdminPanel(
        "Salesforce",
        "salesforce_contacts/user_panel.html",
        {
            "link": link,
            "status": host.sync.record_status(plugin, KIND, str(user.id)),
            "resync_url": url_for(f"{plugin.name}.resync", user_id=user.id),
            "set_password_url": set_password_url(plugin.store, account) if account else None,
        },
    )
