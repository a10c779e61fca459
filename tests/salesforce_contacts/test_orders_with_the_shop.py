"""End to end with the real shop: products and an order made through its services, paid
and refunded as its admin does, reach the emulated org; its order page shows the panel."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import host.sync
from host.extensions import db
from host.models import User
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.options import AccountRule, OrderOptions, save_options
from plugins.shop import Shop
from plugins.shop.orders import mark_paid, place_order, refund_order
from plugins.shop.payments import MANUAL
from plugins.shop.products import save_product


def test_a_paid_then_refunded_shop_order_is_one_order_in_salesforce(make_site: Callable[..., Any]) -> None:
    site = make_site(beside=(Shop(),))
    account = site.sf.admin.insert("Account", Name="Web shop customers")
    buyer = site.register("buyer@example.com")
    site.wait_synced(buyer)
    with site.writing():
        save_options(
            site.plugin.store,
            OrderOptions(True, AccountRule.DEFAULT, account, activate=True, refunded_status="Draft"),
        )
        mug = save_product({"name": "Mug", "sku": "MUG-1", "price": "12.50", "currency": "EUR", "active": True})
        cap = save_product({"name": "Cap", "sku": "CAP-2", "price": "8", "currency": "EUR", "active": True})
        order = place_order(db.session.get(User, buyer), {mug.id: 2, cap.id: 1}, MANUAL)
        db.session.commit()
        order_id, number = order.id, order.number
    site.sf.admin.clear_calls()
    with site.writing():
        mark_paid(order_id)
        db.session.commit()

    def status() -> host.sync.RecordStatus | None:
        with site.app.app_context():
            found = host.sync.record_status(site.plugin, KIND, str(order_id))
        return found if found and found.state in ("done", "dead") else None

    assert site.wait_for(status, "the order to be sent").state == "done"
    assert site.api_calls() == 2
    [sent] = site.records("Order")
    assert (sent["Status"], sent["TotalAmount"], sent["AccountId"]) == ("Activated", 33.0, account)
    assert number in sent["Description"]
    assert sorted(line["Quantity"] for line in site.records("OrderItem")) == [1, 2]
    page = site.admin.get(f"/admin/plugins/shop/orders/{order_id}").get_data(as_text=True)
    assert f"/lightning/r/Order/{sent['Id']}/view" in page and "Created Order" in page

    with site.writing():
        refund_order(order_id)
        db.session.commit()
    site.wait_for(lambda: site.records("Order")[0]["Status"] == "Draft", "the refund to reach Salesforce")
    assert len(site.records("Order")) == 1 and len(site.records("OrderItem")) == 2
    assert Decimal(str(site.records("Order")[0]["TotalAmount"])) == Decimal("33")
