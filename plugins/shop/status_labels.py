"""How each order status reads on a page, and the badge colour it takes from the host's CSS."""

from plugins.shop.snapshots import OrderStatus

STATUS_LABELS = {
    OrderStatus.PENDING: "Pending",
    OrderStatus.PAID: "Paid",
    OrderStatus.REFUNDED: "Refunded",
    OrderStatus.CANCELLED: "Cancelled",
}

#: The host's badge classes: waiting in amber, done in green, the ends in grey.
STATUS_BADGES = {
    OrderStatus.PENDING: "badge-on_moderation",
    OrderStatus.PAID: "badge-active",
    OrderStatus.REFUNDED: "badge",
    OrderStatus.CANCELLED: "badge",
}


def status_context() -> dict[str, object]:
    """For the shop's blueprints' ``context_processor``: every page may show a status."""
    return {"status_labels": STATUS_LABELS, "status_badges": STATUS_BADGES}
