"""A stand-in for the shop: the hook contract of plugins.shop (its specs and snapshots)
with orders kept in memory, announced as the shop announces them, and read back through
``plugins.shop.orders.order_snapshot`` as the Contacts plugin reads them."""

import sys
import types
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

import host.sync
from host.extensions import db
from host.plugins import Plugin
from host.plugins.dispatch import notify
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.options import OrderOptions, save_options
from plugins.shop.hookspecs import ShopHooks
from plugins.shop.snapshots import OrderItemSnapshot, OrderSnapshot, OrderStatus

if TYPE_CHECKING:
    from conftest import Site

PAID_AT = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)


class StandInShop(Plugin):
    name = "shop"
    title = "Shop"
    hookspecs = ShopHooks

    def __init__(self) -> None:
        self.orders: dict[int, OrderSnapshot] = {}

    def module(self) -> types.ModuleType:
        """What ``plugins.shop.orders`` offers other plugins, answered from memory."""
        module = types.ModuleType("plugins.shop.orders")
        module.order_snapshot = self.orders.get  # type: ignore[attr-defined]
        return module

    def install_module(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "plugins.shop.orders", self.module())

    def announce(self, hook: str, order: OrderSnapshot) -> None:
        """Keep the order and fire ``hook`` (call inside the change's transaction)."""
        self.orders[order.id] = order
        notify(hook, order=order)


def item(sku: str, quantity: int = 1, price: str = "10.00", name: str | None = None) -> OrderItemSnapshot:
    """An order line; the shop's product id is not sent, so every line says 1."""
    return OrderItemSnapshot(
        product_id=1, sku=sku, name=name or sku.title(), quantity=quantity, unit_price=Decimal(price)
    )


def paid_order(order_id: int, user_id: int, email: str, *items: OrderItemSnapshot) -> OrderSnapshot:
    total = sum((line.unit_price * line.quantity for line in items), Decimal("0"))
    return OrderSnapshot(
        id=order_id,
        number=f"{1000 + order_id}",
        user_id=user_id,
        email=email,
        status=OrderStatus.PAID,
        currency="EUR",
        total=total,
        created_at=PAID_AT,
        paid_at=PAID_AT,
        items=tuple(items),
    )


def refunded(order: OrderSnapshot) -> OrderSnapshot:
    return replace(order, status=OrderStatus.REFUNDED)


def cancelled(order: OrderSnapshot) -> OrderSnapshot:
    return replace(order, status=OrderStatus.CANCELLED)


BUYER = "buyer@example.com"


class Shop:
    """The site with the stand-in shop beside the Contacts plugin, and one linked buyer."""

    def __init__(self, site: "Site", shop: StandInShop) -> None:
        self.site = site
        self.shop = shop
        self.account = site.sf.admin.insert("Account", Name="Web shop customers")
        self.buyer = site.register(BUYER)
        site.wait_synced(self.buyer)
        self.contact = site.record(BUYER)["Id"]

    def options(self, **values: Any) -> None:
        chosen = {"enabled": True, "default_account_id": self.account, **values}
        with self.site.writing():
            save_options(self.site.plugin.store, OrderOptions(**chosen))
            db.session.commit()

    def announce(self, hook: str, order: OrderSnapshot) -> host.sync.RecordStatus:
        with self.site.writing():
            self.shop.announce(hook, order)
            db.session.commit()
        return self.settled(order.id)

    def status(self, order_id: int) -> host.sync.RecordStatus | None:
        with self.site.app.app_context():
            return host.sync.record_status(self.site.plugin, KIND, str(order_id))

    def settled(self, order_id: int) -> host.sync.RecordStatus:
        return self.site.wait_for(
            lambda: (status := self.status(order_id)) and status.state in ("done", "dead") and status,
            f"order {order_id} to be sent",
        )

    def calls(self) -> int:
        return self.site.api_calls()

    def orders(self) -> list[dict[str, Any]]:
        return self.site.records("Order")

    def items_of(self, order_id: str) -> list[dict[str, Any]]:
        return [line for line in self.site.records("OrderItem") if line["OrderId"] == order_id]
