"""What a site order becomes in Salesforce: its Order status, its mapped fields, and the
sentence for an order with no Account to go to."""

from typing import TYPE_CHECKING

from plugins.salesforce_contacts.orders.options import ACTIVATED, DRAFT, OrderOptions

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot

#: The External ID field of Order that holds the site's order id.
ORDER_KEY = "Site_Order_Id__c"


def target_status(order: "OrderSnapshot", options: OrderOptions) -> str | None:
    """The Order status the order should have in Salesforce; None when it is not sent."""
    status = str(order.status)
    if status == "paid":
        return ACTIVATED if options.activate else DRAFT
    if status == "refunded":
        return options.refunded_status
    if status == "cancelled":
        return options.cancelled_status
    return None


def description(order: "OrderSnapshot") -> str:
    items = ", ".join(f"{item.quantity} × {item.name}" for item in order.items)
    return f"Order {order.number} on the site: {items or 'no items'}; total {order.total} {order.currency}."


def mapped_values(order: "OrderSnapshot", options: OrderOptions) -> dict[str, str]:
    """The Order fields the settings fill from the site's order."""
    site = {"number": order.number, "description": description(order)}
    return {name: site[key] for name, key in options.mapping.items()}


def no_account_sentence(contact_id: str | None) -> str:
    if contact_id is None:
        return (
            "Orders go to the default Account, and none is set: "
            "set the Default Account ID in the plugin's Orders settings."
        )
    return (
        f"The buyer's Contact ({contact_id}) has no Account, and no default Account is set: give the "
        "Contact an Account in Salesforce, or set the Default Account ID in the plugin's Orders settings."
    )
