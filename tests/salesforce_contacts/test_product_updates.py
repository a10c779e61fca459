"""A product edited in the shop reaches its Product2 and standard PricebookEntry once an
order has put it in Salesforce; one never ordered is not sent."""

from collections.abc import Callable
from typing import Any

import host.sync
from host.extensions import db
from host.models import User
from plugins.salesforce_contacts.orders.options import AccountRule, OrderOptions, save_options
from plugins.salesforce_contacts.orders.products import KIND
from plugins.shop import Shop
from plugins.shop.models import Product
from plugins.shop.orders import mark_paid, place_order
from plugins.shop.payments import MANUAL
from plugins.shop.products import save_product

MUG = {"name": "Mug", "sku": "MUG-1", "price": "12.50", "currency": "EUR", "active": True}


def test_edits_of_an_ordered_product_reach_salesforce_in_two_calls_and_new_products_stay(
    make_site: Callable[..., Any],
) -> None:
    site = make_site(beside=(Shop(),))
    account = site.sf.admin.insert("Account", Name="Web shop customers")
    buyer = site.register("buyer@example.com")
    site.wait_synced(buyer)
    with site.writing():
        save_options(site.plugin.store, OrderOptions(True, AccountRule.DEFAULT, account))
        mug = save_product(dict(MUG))
        mark_paid(place_order(db.session.get(User, buyer), {mug.id: 1}, MANUAL).id)
        db.session.commit()
        mug_id = mug.id
    site.wait_for(lambda: site.records("OrderItem"), "the order to be sent")
    site.sf.admin.clear_calls()

    with site.writing():
        save_product(MUG | {"name": "Large mug", "price": "14.00", "active": False}, db.session.get(Product, mug_id))
        save_product({"name": "Cap", "sku": "CAP-2", "price": "8", "currency": "EUR", "active": True})
        db.session.commit()

    def sent() -> host.sync.RecordStatus | None:
        with site.app.app_context():
            status = host.sync.record_status(site.plugin, KIND, str(mug_id))
        return status if status and status.state in ("done", "dead") else None

    status = site.wait_for(sent, "the product's edit to be sent")
    assert status.state == "done", status.message
    assert site.sf.admin.call_counts() == {"PATCH composite/sobjects": 2}
    [product] = site.records("Product2")
    assert (product["Name"], product["IsActive"], product["Sku__c"]) == ("Large mug", False, "MUG-1")
    [entry] = site.records("PricebookEntry")
    assert (entry["UnitPrice"], entry["IsActive"]) == (14.0, False)
    with site.app.app_context():
        assert host.sync.record_status(site.plugin, KIND, str(mug_id + 1)) is None
    page = site.admin.get(f"/admin/sync/salesforce_contacts/product/{mug_id}").get_data(as_text=True)
    assert "Large mug (MUG-1)" in page and f'href="/admin/plugins/shop/products/{mug_id}/edit"' in page
