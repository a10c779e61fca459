"""What the owner sees of orders: the Orders page beside the shop (and nowhere without it),
the order's panel with its Salesforce link, last result and Retry; and a site without the
shop, where nothing about orders happens."""

import re
from typing import Any

from flask import render_template
from order_shop import BUYER, Shop, StandInShop, item, paid_order

from host.extensions import db
from host.plugins import registry
from host.plugins.dispatch import collect, notify
from plugins.salesforce_contacts import SalesforceContactsPlugin
from plugins.salesforce_contacts.orders.options import AccountRule, load_options

ORDERS_PAGE = "/admin/plugins/salesforce_contacts/orders/"


def test_without_the_shop_nothing_about_orders_happens(site: Any) -> None:
    """No shop installed: no Orders page or link, and an order hook fired anyway calls nothing."""
    assert site.admin.get(ORDERS_PAGE).status_code == 404
    assert "Orders settings" not in site.admin.get("/admin/plugins/salesforce_contacts/fields").get_data(as_text=True)
    site.sf.admin.clear_calls()
    with site.writing():
        notify("order_paid", order=paid_order(1, 1, BUYER, item("MUG-1")))
        db.session.commit()
    site.drain()
    assert site.api_calls() == 0 and site.records("Order") == []


def test_orders_off_queues_nothing(shop: Shop) -> None:
    shop.options(enabled=False)
    shop.site.sf.admin.clear_calls()
    with shop.site.writing():
        shop.shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
        db.session.commit()
    shop.site.drain()
    assert shop.status(1) is None and shop.site.api_calls() == 0


def test_orders_page_saves_valid_choices_and_refuses_bad_ones_with_a_sentence(shop: Shop) -> None:
    page = shop.site.admin.get("/admin/plugins/salesforce_contacts/fields").get_data(as_text=True)
    assert "Orders settings" in page
    assert "Standard price book" in shop.site.admin.get(ORDERS_PAGE).get_data(as_text=True)
    form = {
        "enabled": "y",
        "account_rule": "default",
        "default_account_id": shop.account,
        "price_book_id": "",
        "activate": "y",
        "refunded_status": "Draft",
        "cancelled_status": "Draft",
        "number_field": "",
        "description_field": "Description",
    }
    assert shop.site.admin.post(ORDERS_PAGE, data=form).status_code == 302
    with shop.site.app.app_context():
        saved = load_options(shop.site.plugin.store)
    assert saved.enabled and saved.activate and saved.account_rule is AccountRule.DEFAULT
    assert saved.default_account_id == shop.account and saved.mapping == {"Description": "description"}
    for bad in (
        {"default_account_id": "003000000000001"},
        {"price_book_id": "01s000000000009"},
        {"number_field": "Not a field!"},
        {"account_rule": "elsewhere"},
    ):
        response = shop.site.admin.post(ORDERS_PAGE, data={**form, "activate": "", **bad})
        assert response.status_code == 200
        with shop.site.app.app_context():
            assert load_options(shop.site.plugin.store) == saved
    refused = shop.site.admin.post(ORDERS_PAGE, data={**form, "default_account_id": "003000000000001"})
    assert "starts with 001" in refused.get_data(as_text=True)


def test_price_books_are_read_from_salesforce_and_offered(shop: Shop) -> None:
    custom = shop.site.sf.admin.insert("Pricebook2", Name="Web shop", IsActive=True)
    response = shop.site.admin.post(f"{ORDERS_PAGE}price-books")
    assert response.status_code == 302
    page = shop.site.admin.get(ORDERS_PAGE).get_data(as_text=True)
    assert f'value="{custom}"' in page and "Web shop" in page


def test_order_in_a_custom_price_book_gets_entries_there_too(shop: Shop) -> None:
    custom = shop.site.sf.admin.insert("Pricebook2", Name="Web shop", IsActive=True)
    shop.options(price_book_id=custom)
    shop.site.sf.admin.clear_calls()
    assert shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1", 2, "5.00"))).state == "done"
    assert shop.calls() == 2
    [order] = shop.orders()
    assert order["Pricebook2Id"] == custom and order["TotalAmount"] == 10.0
    books = sorted(entry["Pricebook2Id"] for entry in shop.site.records("PricebookEntry"))
    assert len(books) == 2 and custom in books


def test_order_panel_links_the_order_and_retries_a_failure(shop: Shop) -> None:
    shop.options(default_account_id="")
    order = paid_order(1, shop.buyer, BUYER, item("MUG-1"))
    failed = shop.announce("order_paid", order)
    assert failed.state == "dead"
    with shop.site.app.test_request_context():
        [(_, [panel])] = collect("order_admin_panels", order=order)
        html = render_template(panel.template, **panel.context)
    assert "Not in Salesforce yet" in html and "Retry" in html and "Default Account ID" in html
    shop.options()
    assert shop.site.admin.post(f"{ORDERS_PAGE}999999/retry").status_code == 404, "no such order: nothing queued"
    response = shop.site.admin.post(f"{ORDERS_PAGE}1/retry")
    assert response.status_code == 302 and response.headers["Location"].endswith(ORDERS_PAGE)
    shop.site.drain()
    assert shop.settled(1).state == "done"
    [sent] = shop.orders()
    with shop.site.app.test_request_context():
        [(_, [panel])] = collect("order_admin_panels", order=order)
        html = render_template(panel.template, **panel.context)
    assert f"/lightning/r/Order/{sent['Id']}/view" in html and "Created Order" in html


def test_buyer_not_yet_a_contact_waits_for_the_user(shop: Shop, salesforce_user: Any) -> None:
    """The order goes once the buyer is a Contact; until then it retries, saying why."""
    shop.options()
    twins = [shop.site.sf.admin.insert("Contact", Email="late@example.com", LastName=name) for name in ("A", "B")]
    other = shop.site.register("late@example.com")
    assert shop.site.wait_synced(other).state == "dead"
    with shop.site.writing():
        shop.shop.announce("order_paid", paid_order(1, other, "late@example.com", item("MUG-1")))
        db.session.commit()
    status = shop.site.wait_for(lambda: (s := shop.status(1)) and s.state == "retrying" and s, "a retry")
    assert "late@example.com" in status.message and "not in Salesforce as a Contact yet" in status.message
    salesforce_user.delete("Contact", twins[1])
    assert shop.site.admin.post(f"/admin/plugins/salesforce_contacts/users/{other}/resync").status_code == 302
    assert shop.settled(1).state == "done"
    assert [order["BillToContactId"] for order in shop.orders()] == [twins[0]]


def test_orders_page_is_for_admins_and_its_forms_carry_csrf_tokens(make_app, make_user, log_in) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SalesforceContactsPlugin(), StandInShop(), WTF_CSRF_ENABLED=True)
    with app.app_context():
        registry.enable("salesforce_contacts")
        registry.enable("shop")
        db.session.commit()
    member = log_in(app.test_client(), make_user(app, email="member@example.com"))
    assert member.get(ORDERS_PAGE).status_code in (302, 403, 404)
    assert member.post(f"{ORDERS_PAGE}1/retry").status_code in (302, 400, 403, 404)
    admin = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
    page = admin.get(ORDERS_PAGE).get_data(as_text=True)
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S)
    assert len(forms) >= 2 and all("csrf_token" in form for form in forms)
    refused = admin.post(ORDERS_PAGE, data={"enabled": "y", "account_rule": "default"})
    assert refused.status_code in (200, 400)
    with app.app_context():
        assert not load_options(SalesforceContactsPlugin().store).enabled
    assert admin.post(f"{ORDERS_PAGE}1/retry").status_code == 400


def test_a_product_gone_from_salesforce_is_made_again_and_the_order_sent(shop: Shop, salesforce_user: Any) -> None:
    """A cached price book entry Salesforce no longer has: the order retries, the product is found missing and made."""
    shop.options()
    shop.announce("order_paid", paid_order(1, shop.buyer, BUYER, item("MUG-1")))
    [product] = shop.site.records("Product2")
    [entry] = shop.site.records("PricebookEntry")
    salesforce_user.delete("PricebookEntry", entry["Id"])
    salesforce_user.delete("Product2", product["Id"])
    status = shop.announce("order_paid", paid_order(2, shop.buyer, BUYER, item("MUG-1", 4)))
    assert status.state == "done", status.message
    [again] = shop.site.records("Product2")
    assert again["Id"] != product["Id"] and again["Sku__c"] == "MUG-1"
    assert sorted(line["Quantity"] for line in shop.site.records("OrderItem")) == [1, 4]


def test_no_panel_while_orders_are_off_and_the_order_was_never_sent(shop: Shop) -> None:
    shop.options(enabled=False)
    with shop.site.app.test_request_context():
        assert collect("order_admin_panels", order=paid_order(1, shop.buyer, BUYER, item("MUG-1"))) == [
            (shop.site.plugin, [])
        ]
