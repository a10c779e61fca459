"""The shop, reached only when it is there: its module is imported inside functions,
so the Contacts plugin loads, and runs, on a site without it."""

from typing import TYPE_CHECKING

from host.api import is_installed

if TYPE_CHECKING:
    from plugins.shop.snapshots import OrderSnapshot

SHOP = "shop"
#: The shop's admin page for one order, where the order's panel is shown.
ORDER_PAGE = "shop_admin.order"


def shop_installed() -> bool:
    return is_installed(SHOP)


def order_snapshot(order_id: int) -> "OrderSnapshot | None":
    """The order as the shop holds it now; None when the order (or the shop) is gone."""
    if not shop_installed():
        return None
    from plugins.shop.orders import order_snapshot as shop_order_snapshot

    return shop_order_snapshot(order_id)
