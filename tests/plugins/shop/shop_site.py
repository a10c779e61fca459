"""A site with the shop enabled, and a plugin that listens to the shop's hooks."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask.testing import FlaskClient

from host.api import AdminPanel, Plugin, hookimpl
from plugins.shop import Shop
from plugins.shop.snapshots import OrderSnapshot, ProductSnapshot

TEMPLATES = Path(__file__).parent / "shop_listener_templates"


class ShopListener(Plugin):
    """Keeps every shop event it hears, in order, and adds a panel to the admin's order page."""

    name = "shop_listener"
    title = "Shop listener"

    def __init__(self) -> None:
        self.events: list[tuple[str, OrderSnapshot | ProductSnapshot]] = []

    @hookimpl(optionalhook=True)
    def order_paid(self, order: OrderSnapshot) -> None:
        self.events.append(("order_paid", order))

    @hookimpl(optionalhook=True)
    def order_refunded(self, order: OrderSnapshot) -> None:
        self.events.append(("order_refunded", order))

    @hookimpl(optionalhook=True)
    def order_cancelled(self, order: OrderSnapshot) -> None:
        self.events.append(("order_cancelled", order))

    @hookimpl(optionalhook=True)
    def product_saved(self, product: ProductSnapshot) -> None:
        self.events.append(("product_saved", product))

    @hookimpl(optionalhook=True)
    def order_admin_panels(self, order: OrderSnapshot) -> list[AdminPanel]:
        return [AdminPanel("Listener", "shop_listener/order_panel.html", {"number": order.number})]

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        return [Blueprint(self.name, __name__, template_folder=TEMPLATES)]


@dataclass
class ShopSite:
    app: Flask
    shop: Shop
    listener: ShopListener
    admin: FlaskClient
    buyer_id: int
    buyer: FlaskClient
    extra_plugins: tuple[Plugin, ...] = ()

    def add_product(self, **values: Any) -> int:
        """A product made through the admin's form; its id."""
        form = {"name": "Mug", "sku": "MUG-1", "price": "12.50", "currency": "USD", "active": "y", **values}
        response = self.admin.post("/admin/plugins/shop/products/new", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)
        from sqlalchemy import select

        from host.api import db
        from plugins.shop.models import Product

        with self.app.app_context():
            return db.session.scalar(select(Product.id).where(Product.sku == form["sku"]))

    def buy(self, product_id: int, quantity: int = 1, client: FlaskClient | None = None) -> str:
        """Put a product in the cart and check out with Manual / test; the order number."""
        client = client or self.buyer
        client.post(f"/shop/products/{product_id}/add", data={"quantity": str(quantity)})
        response = client.post("/shop/checkout", data={"provider": "manual"})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"].rsplit("/", 1)[-1]


PRICE = Decimal("12.50")
