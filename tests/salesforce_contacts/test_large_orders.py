"""An order with more items than one Composite takes goes in several, the Order and its
first items first, and a retry after an outage sends only the items not yet in."""

from order_shop import BUYER, Shop, item, paid_order

import host.sync
from host.extensions import db
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.links import (
    PartialOrder,
    load_order_link,
    load_partial,
    save_partial,
    save_unsure,
)

SKUS = [f"SKU-{n}" for n in range(60)]


def _known_products(shop: Shop) -> None:
    """Every SKU sent once, so the large orders below are only their own calls."""
    for n, chunk in enumerate((SKUS[:20], SKUS[20:40], SKUS[40:])):
        status = shop.announce("order_paid", paid_order(100 + n, shop.buyer, BUYER, *map(item, chunk)))
        assert status.state == "done", status.message


def test_sixty_items_go_in_three_composites_each_line_once(shop: Shop) -> None:
    shop.options(activate=True)
    _known_products(shop)
    shop.site.sf.admin.clear_calls()
    lines = [item(sku, quantity=n % 3 + 1) for n, sku in enumerate(SKUS)]
    status = shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, *lines))
    assert status.state == "done", status.message
    assert "60 items" in (status.message or "")
    # 24 items beside the Order, then 25, then 11 and the activation.
    assert shop.site.sf.admin.call_counts() == {"POST composite": 3}
    [sent] = [order for order in shop.orders() if order["Site_Order_Id__c"] == "1"]
    assert sent["Status"] == "Activated"
    items = shop.items_of(sent["Id"])
    assert len(items) == 60 and sum(line["Quantity"] for line in items) == sum(n % 3 + 1 for n in range(60))
    with shop.site.app.app_context():
        assert load_partial([1]) == {}
        link = load_order_link(1)
    assert link is not None and link.salesforce_id == sent["Id"]


def test_a_large_order_with_new_products_sends_the_products_first(shop: Shop) -> None:
    shop.options()
    shop.site.sf.admin.clear_calls()
    status = shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, *map(item, SKUS[:30])))
    assert status.state == "done", status.message
    [sent] = shop.orders()
    assert len(shop.items_of(sent["Id"])) == 30 and len(shop.site.records("Product2")) == 30
    assert len(shop.site.records("PricebookEntry")) == 30


def _first_part_in(shop: Shop, lines: int) -> str:
    """Order 1 in Salesforce, in Draft, with its first ``lines`` items, as a first part leaves it."""
    admin = shop.site.sf.admin
    skus = {product["Id"]: product["Sku__c"] for product in admin.records("Product2")}
    entries = {skus[entry["Product2Id"]]: entry["Id"] for entry in admin.records("PricebookEntry")}
    book = admin.records("Pricebook2")[0]["Id"]
    order = admin.insert(
        "Order",
        Site_Order_Id__c="1",
        Status="Draft",
        EffectiveDate="2026-12-03",
        AccountId=shop.account,
        Pricebook2Id=book,
    )
    for sku in SKUS[:lines]:
        admin.insert("OrderItem", OrderId=order, PricebookEntryId=entries[sku], Quantity=1, UnitPrice=10)
    return order


def _sent_lines(shop: Shop, order: str) -> list[str]:
    return sorted(line["PricebookEntryId"] for line in shop.items_of(order))


def test_a_retry_sends_only_the_items_the_first_parts_did_not(shop: Shop) -> None:
    shop.options(activate=True)
    _known_products(shop)
    order = _first_part_in(shop, 24)
    with shop.site.writing():
        save_partial({1: PartialOrder(order, 24)})
        db.session.commit()
    shop.site.sf.admin.clear_calls()
    status = shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, *map(item, SKUS[:50])))
    assert status.state == "done", status.message
    assert shop.site.sf.admin.call_counts() == {"POST composite": 2}
    lines = _sent_lines(shop, order)
    assert len(lines) == 50 and len(set(lines)) == 50
    assert [o["Status"] for o in shop.orders() if o["Id"] == order] == ["Activated"]


def test_an_order_whose_answer_was_lost_midway_is_counted_and_resumed(shop: Shop) -> None:
    """No answer to a part: the order is unsure, so the retry finds it by Site_Order_Id__c,
    counts its items, and sends the rest."""
    shop.options()
    _known_products(shop)
    order = _first_part_in(shop, 30)
    with shop.site.writing():
        save_unsure([1], [])
        db.session.commit()
    status = shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, *map(item, SKUS[:50])))
    assert status.state == "done", status.message
    lines = _sent_lines(shop, order)
    assert len(lines) == 50 and len(set(lines)) == 50
    assert len([o for o in shop.orders() if o["Site_Order_Id__c"] == "1"]) == 1


def test_a_retry_of_a_complete_large_order_only_sets_its_status(shop: Shop) -> None:
    shop.options()
    _known_products(shop)
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, *map(item, SKUS[:40])))
    with shop.site.writing():
        host.sync.enqueue(shop.site.plugin, KIND, "1")
        db.session.commit()
    shop.site.drain()
    assert shop.settled(1).state == "done"
    assert len(shop.site.records("OrderItem")) == 60 + 40
