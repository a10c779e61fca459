"""Who reaches which page: admin pages for admins, checkout for members, a cart for anyone;
every form carries a CSRF token, and nonsense in a form is a sentence, never an error page."""

import re

import pytest
from sqlalchemy import select

from host.api import db
from plugins.shop.models import Order, Product

ADMIN_PAGES = ("/admin/plugins/shop/products/", "/admin/plugins/shop/products/new", "/admin/plugins/shop/orders/")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(site, path):
    assert site.admin.get(path).status_code == 200
    assert site.buyer.get(path).status_code == 403
    anonymous = site.app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_order_moves_are_for_admins_only(site):
    number = site.buy(site.add_product())
    with site.app.app_context():
        order_id = db.session.scalar(select(Order.id).where(Order.number == number))
    assert site.buyer.post(f"/admin/plugins/shop/orders/{order_id}/pay").status_code == 403
    assert site.buyer.get(f"/admin/plugins/shop/orders/{order_id}").status_code == 403
    assert site.listener.events[-1][0] == "product_saved"


def test_the_admin_menu_lists_products_and_orders(site):
    page = site.admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/plugins/shop/products/"' in page and 'href="/admin/plugins/shop/orders/"' in page


def test_a_visitor_fills_a_cart_then_logs_in_and_comes_back_to_checkout(site):
    product_id = site.add_product()
    visitor = site.app.test_client()
    visitor.post(f"/shop/products/{product_id}/add", data={"quantity": "3"})
    cart = visitor.get("/shop/cart").get_data(as_text=True)
    assert "37.50 USD" in cart and "Log in to check out" in cart
    sent = visitor.get("/shop/checkout")
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/login?next=/shop/checkout")
    logged_in = visitor.post(
        "/login?next=/shop/checkout", data={"email": "buyer@example.com", "password": "correct horse battery"}
    )
    assert logged_in.headers["Location"] == "/shop/checkout"
    page = visitor.get("/shop/checkout").get_data(as_text=True)
    assert "Place the order" in page and "Manual / test" in page and "37.50 USD" in page


def test_log_in_never_sends_the_buyer_to_another_site(site):
    response = site.app.test_client().post(
        "/login?next=//evil.example/shop", data={"email": "buyer@example.com", "password": "correct horse battery"}
    )
    assert "evil.example" not in response.headers["Location"]


def test_checkout_of_an_empty_cart_says_so(site):
    response = site.buyer.get("/shop/checkout", follow_redirects=True)
    assert "Your cart is empty: add a product first." in response.get_data(as_text=True)


@pytest.mark.parametrize("quantity", ["", "0", "-1", "1000", "many"])
def test_a_quantity_out_of_range_is_a_sentence(site, quantity):
    product_id = site.add_product()
    response = site.buyer.post(f"/shop/products/{product_id}/add", data={"quantity": quantity})
    assert response.status_code == 400
    assert re.search(r"Choose from 1 to 999\.|Say how many you want\.", response.get_data(as_text=True))
    assert "Your cart is empty" in site.buyer.get("/shop/cart").get_data(as_text=True)


def test_changing_the_cart_takes_whole_numbers_only(site):
    product_id = site.add_product()
    site.buyer.post(f"/shop/products/{product_id}/add", data={"quantity": "2"})
    for quantity in ("lots", "²"):  # a superscript two looks like a digit to str.isdigit, not to int()
        refused = site.buyer.post("/shop/cart", data={f"quantity-{product_id}": quantity}, follow_redirects=True)
        assert "The quantity of Mug is a whole number from 0 to 999." in refused.get_data(as_text=True)
    site.buyer.post("/shop/cart", data={f"quantity-{product_id}": "5"})
    assert "62.50 USD" in site.buyer.get("/shop/cart").get_data(as_text=True)
    site.buyer.post("/shop/cart", data={f"quantity-{product_id}": "0"})
    assert "Your cart is empty" in site.buyer.get("/shop/cart").get_data(as_text=True)


def test_an_unknown_way_to_pay_is_refused(site):
    site.buyer.post(f"/shop/products/{site.add_product()}/add", data={"quantity": "1"})
    response = site.buyer.post("/shop/checkout", data={"provider": "stolen-card"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with site.app.app_context():
        assert db.session.scalar(select(Order.id)) is None


def test_a_tampered_session_cart_is_an_empty_cart(site):
    with site.buyer.session_transaction() as session:
        session["shop_cart"] = {"x": "y", "1": 10**9, "2": -4}
    assert "Your cart is empty" in site.buyer.get("/shop/cart").get_data(as_text=True)


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(make_shop):
    site = make_shop(WTF_CSRF_ENABLED=True)
    form = site.admin.get("/admin/plugins/shop/products/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"name": "Mug", "sku": "MUG-1", "price": "12.50", "currency": "USD", "active": "y"}
    assert site.admin.post("/admin/plugins/shop/products/new", data=data).status_code == 400
    assert site.admin.post("/admin/plugins/shop/products/new", data={**data, "csrf_token": token}).status_code == 302
    with site.app.app_context():
        product_id = db.session.scalar(select(Product.id))
    pages = [
        site.admin.get(f"/admin/plugins/shop/products/{product_id}/edit"),
        site.buyer.get("/shop/"),
        site.buyer.get(f"/shop/products/{product_id}"),
    ]
    assert all('name="csrf_token"' in page.get_data(as_text=True) for page in pages)
    assert site.buyer.post(f"/shop/products/{product_id}/add", data={"quantity": "1"}).status_code == 400


def test_the_marketplace_card_and_the_settings_of_the_shop(site):
    card = site.admin.get("/admin/marketplace/").get_data(as_text=True)
    assert "Sell products on the site" in card
    settings = site.admin.get("/admin/plugins/shop/settings").get_data(as_text=True)
    assert "Currency of new products" in settings and "Manual / test payments are paid at once" in settings
    refused = site.admin.post("/admin/plugins/shop/settings", data={"setting_currency": "dollars"}).get_data(
        as_text=True
    )
    assert "A currency is its three-letter ISO code" in refused
    with site.app.app_context():
        assert site.shop.settings.get("currency") == "USD"
