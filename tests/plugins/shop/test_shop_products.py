"""Products through the admin: add, edit, delete, and a sentence for every value refused."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from host.api import db
from plugins.shop.models import Product
from plugins.shop.snapshots import ProductSnapshot

NEW = "/admin/plugins/shop/products/new"
VALID = {"name": "Mug", "sku": "MUG-1", "price": "12.50", "currency": "usd", "active": "y", "description": "Blue."}


def _products(site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Product))


def test_hook_product_saved(site):
    product_id = site.add_product(**VALID)
    site.admin.post(f"/admin/plugins/shop/products/{product_id}/edit", data={**VALID, "price": "13", "active": ""})
    assert [event for event in site.listener.events] == [
        ("product_saved", ProductSnapshot(product_id, "MUG-1", "Mug", Decimal("12.50"), "USD", True, "Blue.")),
        ("product_saved", ProductSnapshot(product_id, "MUG-1", "Mug", Decimal("13.00"), "USD", False, "Blue.")),
    ]


def test_a_product_is_listed_shown_and_sold_while_on_sale(site):
    product_id = site.add_product(**VALID)
    assert "Mug" in site.admin.get("/admin/plugins/shop/products/").get_data(as_text=True)
    assert "12.50 USD" in site.buyer.get("/shop/").get_data(as_text=True)
    assert "Blue." in site.buyer.get(f"/shop/products/{product_id}").get_data(as_text=True)
    site.admin.post(f"/admin/plugins/shop/products/{product_id}/edit", data={**VALID, "active": ""})
    assert "Mug" not in site.buyer.get("/shop/").get_data(as_text=True)
    assert site.buyer.get(f"/shop/products/{product_id}").status_code == 404


def test_a_new_product_starts_in_the_shop_s_currency(site):
    with site.app.app_context():
        site.shop.settings.update({"currency": "EUR"})
        db.session.commit()
    assert 'value="EUR"' in site.admin.get(NEW).get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"name": " "}, "A product needs a name."),
        ({"sku": "MUG 1"}, "A SKU is 1 to 64 letters, digits, - and _, such as TSHIRT-RED-M."),
        ({"sku": ""}, "A SKU is 1 to 64 letters, digits, - and _"),
        ({"price": "0"}, "A price must be more than zero."),
        ({"price": "-3"}, "A price must be more than zero."),
        ({"price": "1.005"}, "A price has at most two decimal places, such as 12.50."),
        ({"price": "twelve"}, "A price is a number such as 12.50."),
        ({"price": "NaN"}, "A price is a number such as 12.50."),
        ({"price": "1e9"}, "A price must be at most 99,999,999.99."),
        ({"price": "1e999"}, "A price must be at most 99,999,999.99."),
        ({"currency": "US"}, "A currency is its three-letter ISO code, such as USD, EUR or GBP."),
        ({"currency": "U$D"}, "A currency is its three-letter ISO code"),
    ],
)
def test_a_refused_value_gets_a_sentence_and_changes_nothing(site, change, sentence):
    response = site.admin.post(NEW, data={**VALID, **change})
    assert response.status_code == 200
    assert sentence in response.get_data(as_text=True)
    assert _products(site) == 0
    assert site.listener.events == []


def test_a_sku_is_unique_whatever_its_case(site):
    site.add_product(**VALID)
    page = site.admin.post(NEW, data={**VALID, "sku": "mug-1"}).get_data(as_text=True)
    assert "Another product already has the SKU mug-1." in page
    assert _products(site) == 1


def test_editing_keeps_the_product_s_own_sku(site):
    product_id = site.add_product(**VALID)
    response = site.admin.post(f"/admin/plugins/shop/products/{product_id}/edit", data={**VALID, "name": "Big mug"})
    assert response.status_code == 302
    with site.app.app_context():
        assert db.session.get(Product, product_id).name == "Big mug"


def test_deleting_asks_first_naming_the_product_and_orders_keep_their_copy(site):
    product_id = site.add_product(**VALID)
    number = site.buy(product_id)
    page = site.admin.get(f"/admin/plugins/shop/products/{product_id}/edit").get_data(as_text=True)
    assert "Delete the product Mug (MUG-1)?" in page and "orders that hold it keep their copy" in page
    response = site.admin.post(f"/admin/plugins/shop/products/{product_id}/delete", follow_redirects=True)
    assert "Mug was deleted." in response.get_data(as_text=True)
    assert _products(site) == 0
    assert "Mug" in site.buyer.get(f"/shop/orders/{number}").get_data(as_text=True)


def test_pages_of_products_that_are_not_there_are_not_found(site):
    for path in ("/admin/plugins/shop/products/9/edit", "/shop/products/9", "/shop/products/99999999999"):
        assert site.admin.get(path).status_code == 404
    assert site.admin.post("/admin/plugins/shop/products/9/delete").status_code == 404
