"""Salesforce API calls per paid order, from the emulator's call log; asserts nothing.

    python bench/orders_calls.py [--burst 100]

The Contacts plugin sends the shop's orders on a SQLite site against the emulator over
real HTTP. The orders come from the tests' stand-in shop (tests/salesforce_contacts/
order_shop.py), which fires the shop's hooks and answers ``order_snapshot`` from memory,
so the figures count the plugin's calls alone. Measured: one order of two products new to
Salesforce, one of known products, and a burst of orders (two items each) queued while
the plugin is held, then delivered together, with new products and with known ones.
Beside each, the one-call-per-record pattern of other connectors: the Order, then for
each item a product lookup and the OrderItem, so 1 + 2K calls per order of K items.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from api_calls import calls, drained_calls
from connected_site import connected_site
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.plugins import registry
from host.plugins.manager import current_plugin_host
from host.services.users import register_user
from salesforce_emulator.testing import EmulatorHandle, running_emulator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "salesforce_contacts"))
from order_shop import StandInShop, item, paid_order  # noqa: E402

from plugins.salesforce_contacts.orders.options import AccountRule, OrderOptions, save_options  # noqa: E402

CONTACTS = "salesforce_contacts"
BUYER = "buyer@example.com"
ITEMS = 2


def one_call_per_record(orders: int, items: int = ITEMS) -> int:
    """The Order, then a product lookup and an OrderItem per item."""
    return orders * (1 + 2 * items)


def buyer(app: Flask, sf: EmulatorHandle) -> int:
    """Turn orders on (to a default Account) and register the buyer, a Contact once synced."""
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


def orders_sent(app: Flask, sf: EmulatorHandle, shop: StandInShop, user_id: int, ids: range, skus: list[str]) -> int:
    """Announce orders ``ids`` (two of ``skus`` each) while the plugin is held; the calls to send them."""
    with app.test_request_context(method="POST"):
        host.sync.pause(CONTACTS, "queueing the burst")
        for order_id in ids:
            lines = [item(skus[(order_id + n) % len(skus)], quantity=n + 1) for n in range(ITEMS)]
            shop.announce("order_paid", paid_order(order_id, user_id, BUYER, *lines))
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
    shop = StandInShop()
    sys.modules["plugins.shop.orders"] = shop.module()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as sf:
        app = connected_site(Path(folder), sf, beside=[shop], PLUGHOST_SYNC_POLL_SECONDS=0.2)
        user_id = buyer(app, sf)
        print(f"{'work':<48}{'Plughost':>10}{'one per record':>16}")
        rows = [
            ("order alone, 2 new products", range(1, 2), ["ALONE-A", "ALONE-B"]),
            ("order alone, 2 known products", range(2, 3), ["ALONE-A", "ALONE-B"]),
            (
                f"burst of {args.burst} orders, 20 new products",
                range(3, 3 + args.burst),
                [f"NEW-{n}" for n in range(20)],
            ),
            (
                f"burst of {args.burst} orders, known products",
                range(3 + args.burst, 3 + 2 * args.burst),
                ["NEW-1", "NEW-2"],
            ),
        ]
        for name, ids, skus in rows:
            used = orders_sent(app, sf, shop, user_id, ids, skus)
            theirs = one_call_per_record(len(ids))
            print(f"{name:<48}{used:>10}{theirs:>16}")
            figure("API calls, orders", name, used, "calls")
            figure("API calls, orders", f"one call per record, {name}", theirs, "calls")
        print(f"\n{len(sf.admin.records('Order'))} Orders in the org, {calls(sf)} calls in the last step.")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
