"""The shop, reached only when it is there: its module is imported inside functions,
so the Contacts plugin loads, and runs, on a site without it."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flask import current_app, url_for

from host.api import RecordLabel, is_installed

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot, ProductSnapshot

SHOP = "shop"
#: The shop's admin page for one order, where the order's panel is shown.
ORDER_PAGE = "shop_admin.order"
PRODUCT_PAGE = "shop_admin.edit_product"


def shop_installed() -> bool:
    return is_installed(SHOP)


def order_snapshot(order_id: int) -> "OrderSnapshot | None":
    """The order as the shop holds it now; None when the order (or the shop) is gone."""
    if not shop_installed():
        return None
    from plugins.shop.orders import order_snapshot as shop_order_snapshot

    return shop_order_snapshot(order_id)


def product_snapshot(product_id: int) -> "ProductSnapshot | None":
    """The product as the shop holds it now; None when the product (or the shop) is gone."""
    if not shop_installed():
        return None
    from plugins.shop.orders import product_snapshot as shop_product_snapshot

    return shop_product_snapshot(product_id)


def order_labels(record_ids: Sequence[str]) -> dict[str, RecordLabel]:
    """The Sync pages' names of orders ("Order 8F3K2M9Q — grace@example.com"), linked to
    the shop's order page; none without the shop, and none for an order gone from it."""
    if not shop_installed():
        return {}
    from plugins.shop.orders import order_headings

    linked = ORDER_PAGE in current_app.view_functions
    headings = order_headings(int(record_id) for record_id in record_ids if record_id.isascii() and record_id.isdigit())
    return {
        str(order_id): RecordLabel(
            f"Order {number} — {email}", url_for(ORDER_PAGE, order_id=order_id) if linked else None
        )
        for order_id, (number, email) in headings.items()
    }


def product_labels(record_ids: Sequence[str]) -> dict[str, RecordLabel]:
    """The Sync pages' names of products ("Plughost mug (MUG-BLUE)"), linked to their edit page."""
    if not shop_installed():
        return {}
    from plugins.shop.products import product_headings

    linked = PRODUCT_PAGE in current_app.view_functions
    headings = product_headings(
        int(record_id) for record_id in record_ids if record_id.isascii() and record_id.isdigit()
    )
    return {
        str(product_id): RecordLabel(
            f"{name} ({sku})", url_for(PRODUCT_PAGE, product_id=product_id) if linked else None
        )
        for product_id, (name, sku) in headings.items()
    }
