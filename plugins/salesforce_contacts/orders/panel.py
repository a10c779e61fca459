"""What the admin sees of an order's sync, on the shop's order page: the Order in
Salesforce, the last sync, and Retry."""

from typing import TYPE_CHECKING

from flask import url_for

from host.api import AdminPanel, Plugin, record_status
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.links import load_order_link
from plugins.salesforce_contacts.orders.options import load_options

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot


def order_panel(plugin: Plugin, order: "OrderSnapshot") -> AdminPanel | None:
    """The box, unless orders are off and this one was never sent (nothing to say)."""
    link = load_order_link(plugin.store, order.id)
    status = record_status(plugin, KIND, str(order.id))
    if link is None and status is None and not load_options(plugin.store).enabled:
        return None
    return AdminPanel(
        "Salesforce",
        "salesforce_contacts/order_panel.html",
        {"link": link, "status": status, "retry_url": url_for(f"{plugin.name}_orders.retry", order_id=order.id)},
    )
