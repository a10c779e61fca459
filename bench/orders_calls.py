"""Salesforce API calls per paid order, from the emulator's call log; asserts nothing.

    python bench/orders_calls.py [--burst 100]

The shop and the Contacts plugin run on a SQLite site against the emulator over real
HTTP; products are made and orders placed and paid through the shop's services. Measured:
one order of two products new to Salesforce, one of known products, and a burst of orders
(two items each) paid while the plugin is held, then delivered together, with new
products and with known ones.
Beside each, the one-call-per-record pattern of other connectors: the Order, then for
each item a product lookup and the OrderItem, so 1 + 2K calls per order of K items.
"""

import argparse
import tempfile
from pathlib import Path

from api_calls import calls, drained_calls
from connected_site import connected_site
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.models import User
from host.plugins import registry
from host.plugins.manager import current_plugin_host
from host.services.users import register_user
from plugins.salesforce_contacts.orders.options import AccountRule, OrderOptions, save_options
from plugins.shop.orders import mark_paid, place_order
from plugins.shop.payments import MANUAL
from plugins.shop.products import save_product
from salesforce_emulator.testing import EmulatorHandle, running_emulator

CONTACTS = "salesforce_contacts"
BUYER = "buyer@example.com"
ITEMS = 2


def one_call_per_record(orders: int, items: int = ITEMS) -> int:
    """The Order, then a product lookup and an OrderItem per item."""
    return orders * (1 + 2 * items)


def buyer(app: Flask, sf: EmulatorHandle) -> int:
    """Orders on (to a default Account), and the buyer, a Contact once synced."""
    account = sf.admin.insert("Account", Name="Web shop customers")
    with app.test_request_context(method="POST"):
        registry.enable("shop")
        plugin = current_plugin_host().get(CONTACTS)
        assert plugin is not None
        save_options(plugin.store, OrderOptions(True, AccountRule.DEFAULT, account, activate=True))
        user = register_user(email=BUYER, password="correct horse battery", first_name="B", last_name="Uyer")
        db.session.commit()
        user_id = user.id
    drained_calls(app, sf, 30)
    return user_id


def products(app: Flask, skus: list[str]) -> list[int]:
    with app.test_request_context(method="POST"):
        made = [
            save_product({"name": sku.title(), "sku": sku, "price": "10", "currency": "EUR", "active": True})
            for sku in skus
        ]
        db.session.commit()
        return [product.id for product in made]


def orders_sent(app: Flask, sf: EmulatorHandle, user_id: int, count: int, product_ids: list[int]) -> int:
    """Place and pay ``count`` orders (two of the products each) while the plugin is held;
    the calls to send them."""
    with app.test_request_context(method="POST"):
        host.sync.pause(CONTACTS, "queueing the burst")
        buyer = db.session.get(User, user_id)
        for n in range(count):
            lines = {product_ids[(n + k) % len(product_ids)]: k + 1 for k in range(ITEMS)}
            mark_paid(place_order(buyer, lines, MANUAL).id)
        db.session.commit()
    sf.admin.clear_calls()
    with app.test_request_context(method="POST"):
        host.sync.resume(CONTACTS)
        db.session.commit()
    return drained_calls(app, sf, 300)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=100, help="orders in each burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as sf:
        app = connected_site(Path(folder), sf, PLUGHOST_SYNC_POLL_SECONDS=0.2)
        user_id = buyer(app, sf)
        alone = products(app, ["ALONE-A", "ALONE-B"])
        many = products(app, [f"NEW-{n}" for n in range(20)])
        print(f"{'work':<48}{'Plughost':>10}{'one per record':>16}")
        rows = [
            ("order alone, 2 new products", 1, alone),
            ("order alone, 2 known products", 1, alone),
            (f"burst of {args.burst} orders, 20 new products", args.burst, many),
            (f"burst of {args.burst} orders, known products", args.burst, many),
        ]
        for name, count, product_ids in rows:
            used = orders_sent(app, sf, user_id, count, product_ids)
            theirs = one_call_per_record(count)
            print(f"{name:<48}{used:>10}{theirs:>16}")
            figure("API calls, orders", name, used, "calls")
            figure("API calls, orders", f"one call per record, {name}", theirs, "calls")
        print(f"\n{len(sf.admin.records('Order'))} Orders in the org, {calls(sf)} calls in the last step.")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
