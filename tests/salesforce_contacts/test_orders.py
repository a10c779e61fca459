"""The shop's paid orders reach the emulated org as an Order with its OrderItems, over
real HTTP, in one Composite call once the products are known and two when they are new."""

from typing import Any

from order_shop import BUYER, Shop, cancelled, item, paid_order, refunded

import host.sync
from host.extensions import db
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.links import load_order_link
from plugins.salesforce_contacts.orders.options import AccountRule


def test_paid_order_with_new_products_is_two_calls_and_one_order_with_its_items(shop: Shop) -> None:
    shop.options(activate=True)
    shop.site.sf.admin.clear_calls()
    order = paid_order(1, shop.buyer, BUYER, item("MUG-1", 2, "12.50", "Mug"), item("CAP-2", 1, "8.00", "Cap"))
    status = shop.announce("order_paid", order)
    assert status.state == "done", status.message
    assert shop.calls() == 2
    [sent] = shop.orders()
    assert sent["Site_Order_Id__c"] == "1" and sent["Status"] == "Activated"
    assert (sent["BillToContactId"], sent["AccountId"]) == (shop.contact, shop.account)
    assert sent["EffectiveDate"] == "2026-12-03" and sent["TotalAmount"] == 33.0
    assert "Order 1001 on the site" in sent["Description"]
    products = {p["Sku__c"]: p for p in shop.site.records("Product2")}
    assert set(products) == {"MUG-1", "CAP-2"} and products["MUG-1"]["Name"] == "Mug"
    lines = sorted((line["Product2Id"], line["Quantity"], line["UnitPrice"]) for line in shop.items_of(sent["Id"]))
    assert lines == sorted([(products["MUG-1"]["Id"], 2, 12.5), (products["CAP-2"]["Id"], 1, 8.0)])
    assert len(shop.site.records("PricebookEntry")) == 2
    assert status.external_id == sent["Id"]


def test_order_of_known_products_is_exactly_one_call(shop: Shop) -> None:
    shop.options()
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
    shop.site.sf.admin.clear_calls()
    status = shop.announce("order_paid", paid_order(2, shop.buyer, BUYER, item("MUG-1", 3)))
    assert status.state == "done", status.message
    assert shop.calls() == 1
    assert shop.site.sf.admin.call_counts() == {"POST composite": 1}
    assert len(shop.orders()) == 2 and len(shop.site.records("Product2")) == 1
    assert len(shop.site.records("PricebookEntry")) == 1


def test_products_already_in_salesforce_are_found_not_duplicated(shop: Shop) -> None:
    """A product someone created in Salesforce, with its standard price, is used as it is."""
    book = shop.site.sf.admin.records("Pricebook2")[0]["Id"]
    product = shop.site.sf.admin.insert("Product2", Name="Mug", Sku__c="MUG-1", IsActive=True)
    shop.site.sf.admin.insert("PricebookEntry", Pricebook2Id=book, Product2Id=product, UnitPrice=12, IsActive=True)
    shop.options()
    shop.site.sf.admin.clear_calls()
    assert shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("mug-1"))).state == "done"
    assert shop.calls() == 2
    assert [p["Id"] for p in shop.site.records("Product2")] == [product]
    assert len(shop.site.records("PricebookEntry")) == 1


def test_sending_again_makes_no_second_order_and_refund_updates_the_status(shop: Shop) -> None:
    shop.options(activate=True, refunded_status="Draft")
    order = paid_order(1, shop.buyer, BUYER, item("MUG-1", 2))
    shop.announce("order_paid", order)
    [sent] = shop.orders()
    with shop.site.writing():
        host.sync.enqueue(shop.site.plugin, KIND, "1")
        db.session.commit()
    shop.site.drain()
    assert shop.settled(1).state == "done"
    shop.site.sf.admin.clear_calls()
    status = shop.announce("order_refunded", refunded(order))
    assert status.state == "done", status.message
    assert shop.calls() == 1
    [after] = shop.orders()
    assert after["Id"] == sent["Id"] and after["Status"] == "Draft"
    assert len(shop.items_of(sent["Id"])) == 1
    with shop.site.app.app_context():
        link = load_order_link(shop.site.plugin.store, 1)
    assert link is not None and link.salesforce_id == sent["Id"] and link.status == "Draft"


def test_cancelled_order_takes_the_chosen_status(shop: Shop) -> None:
    """An owner who added a value to Order Status names it; without one a cancel is Draft."""
    shop.options(activate=True, cancelled_status="Activated")
    order = paid_order(1, shop.buyer, BUYER, item("MUG-1"))
    shop.announce("order_paid", order)
    shop.options(cancelled_status="Draft")
    assert shop.announce("order_cancelled", cancelled(order)).state == "done"
    assert [o["Status"] for o in shop.orders()] == ["Draft"]


def test_missing_account_is_a_sentence_and_nothing_is_sent(shop: Shop) -> None:
    shop.options(default_account_id="")
    status = shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
    assert status.state == "dead"
    assert shop.contact in status.message and "Default Account ID" in status.message
    assert shop.orders() == []
    shop.options(account_rule=AccountRule.DEFAULT, default_account_id="")
    with shop.site.writing():
        host.sync.enqueue(shop.site.plugin, KIND, "1")
        db.session.commit()
    shop.site.drain()
    assert "set the Default Account ID" in (shop.settled(1).message or "")


def test_buyer_contact_account_is_taken_when_it_has_one(shop: Shop, salesforce_user: Any) -> None:
    own = salesforce_user.create("Account", Name="Buyer's company")
    salesforce_user.update("Contact", shop.contact, AccountId=own)
    shop.options()
    assert shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1"))).state == "done"
    assert [o["AccountId"] for o in shop.orders()] == [own]


def test_burst_of_orders_is_packed_into_few_composites(shop: Shop) -> None:
    shop.options(account_rule=AccountRule.DEFAULT, activate=True)
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1"), item("CAP-2")))
    shop.site.sf.admin.clear_calls()
    with shop.site.writing():
        for order_id in range(2, 22):
            shop.shop.announce("order_paid", paid_order(order_id, shop.buyer, BUYER, item("MUG-1"), item("CAP-2")))
        db.session.commit()
    shop.site.drain()
    assert all(shop.settled(order_id).state == "done" for order_id in range(2, 22))
    assert len(shop.orders()) == 21 and len(shop.site.records("OrderItem")) == 42
    # Four subrequests an order (upsert, two items, activation): six orders a Composite.
    assert shop.calls() <= 20


def test_order_whose_answer_was_lost_is_looked_for_before_it_is_sent_again(shop: Shop) -> None:
    """An order marked unsure (its Composite got no answer) may be in Salesforce without a
    link: it is found by its Site_Order_Id__c, and only its status changes."""
    shop.options(activate=True)
    order = paid_order(1, shop.buyer, BUYER, item("MUG-1", 2))
    shop.announce("order_paid", order)
    with shop.site.writing():
        shop.site.plugin.store.delete("order.1")
        shop.site.plugin.store.set("orders.unsure.1", True)
        db.session.commit()
    status = shop.announce("order_refunded", refunded(order))
    assert status.state == "done", status.message
    [sent] = shop.orders()
    assert sent["Status"] == "Draft" and len(shop.items_of(sent["Id"])) == 1
    with shop.site.app.app_context():
        assert shop.site.plugin.store.get("orders.unsure.1") is None
        assert load_order_link(shop.site.plugin.store, 1) is not None


def test_outage_while_sending_marks_the_order_unsure_and_the_retry_sends_it_once(shop: Shop) -> None:
    shop.options()
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
    shop.site.sf.admin.clear_calls()
    shop.site.sf.admin.settings(outage_seconds=0.5)
    status = shop.announce("order_paid", paid_order(2, shop.buyer, BUYER, item("MUG-1")))
    assert status.state == "done", status.message
    answered = [call["status"] for call in shop.site.sf.admin.calls() if call["status"] != 503]
    # Known products are one Composite; the retry first looks for the order (one more).
    assert answered == [200, 200]
    assert len(shop.orders()) == 2 and len(shop.site.records("OrderItem")) == 2


def test_one_failing_order_of_a_burst_gets_its_sentence_and_the_others_go(shop: Shop, salesforce_user: Any) -> None:
    """Orders packed in one Composite: the one whose buyer's Contact is gone fails alone."""
    shop.options()
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
    other = shop.site.register("gone@example.com")
    shop.site.wait_synced(other)
    salesforce_user.delete("Contact", shop.site.record("gone@example.com")["Id"])
    with shop.site.writing():
        host.sync.pause(shop.site.plugin, "queueing a burst")
        for order_id, buyer, email in ((2, shop.buyer, BUYER), (3, other, "gone@example.com"), (4, shop.buyer, BUYER)):
            shop.shop.announce("order_paid", paid_order(order_id, buyer, email, item("MUG-1")))
        db.session.commit()
    shop.site.sf.admin.clear_calls()
    with shop.site.writing():
        host.sync.resume(shop.site.plugin)
        db.session.commit()
    assert [shop.settled(order_id).state for order_id in (2, 4)] == ["done", "done"]
    failed = shop.settled(3)
    assert failed.state == "dead" and "cannot be read in Salesforce" in failed.message
    assert sorted(order["Site_Order_Id__c"] for order in shop.orders()) == ["1", "2", "4"]
    assert shop.calls() == 2
