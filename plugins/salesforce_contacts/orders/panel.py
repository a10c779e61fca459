"""What the admin sees of an order's sync, on the shop's order page: the Order in
Salesforce, the last sync, and Retry."""

from typing import TYPE_CHECKING

from flask import url_for

from host.api import AdminPanel, Plugin, record_status
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.links import load_order_link

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot


def order_panel(plugin: Plugin, order: "OrderSnapshot") -> AdminPanel:
    return AdminPanel(
        "Salesforce",
        "salesforce_contacts/order_panel.html",
        {
            "link": load_order_link(plugin.store, order.id),
            "status": record_status(plugin, KIND, str(order.id)),
            "retry_url": url_for(f"{plugin.name}_orders.retry", order_id=order.id),
        },
    )
