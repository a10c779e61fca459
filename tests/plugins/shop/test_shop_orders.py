"""Checkout and orders: prices at the time, payment, each status move firing its hook once."""

import threading
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from shop_site import ShopSite
from sqlalchemy import select

from host.api import db
from host.plugin_migrations import tables_of, version_table
from plugins.shop.models import Order
from plugins.shop.orders import OrderRefused, cancel_order, mark_paid, order_snapshot, refund_order
from plugins.shop.products import product_snapshot
from plugins.shop.snapshots import OrderItemSnapshot, OrderStatus


def _order_id(site: ShopSite, number: str) -> int:
    with site.app.app_context():
        return db.session.scalar(select(Order.id).where(Order.number == number))


def _order_events(site: ShopSite) -> list[tuple[str, object]]:
    return [(hook, snapshot) for hook, snapshot in site.listener.events if hook != "product_saved"]


def _move(site: ShopSite, order_id: int, action: str) -> str:
    response = site.admin.post(f"/admin/plugins/shop/orders/{order_id}/{action}", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_checkout_places_a_pending_order_priced_as_the_product_was(site):
    product_id = site.add_product(price="12.50")
    number = site.buy(product_id, 2)
    site.admin.post(
        f"/admin/plugins/shop/products/{product_id}/edit",
        data={"name": "Mug", "sku": "MUG-1", "price": "99.00", "currency": "USD", "active": "y"},
    )
    with site.app.app_context():
        order = order_snapshot(_order_id(site, number))
    assert order.status is OrderStatus.PENDING
    assert order.email == "buyer@example.com" and order.user_id == site.buyer_id
    assert order.total == Decimal("25.00") and order.currency == "USD"
    assert order.items == (OrderItemSnapshot(product_id, "MUG-1", "Mug", 2, Decimal("12.50")),)
    assert order.paid_at is None
    assert _order_events(site) == []
    page = site.buyer.get(f"/shop/orders/{number}").get_data(as_text=True)
    assert "Pending" in page and "25.00 USD" in page
    assert site.buyer.get("/shop/cart").get_data(as_text=True).count("Your cart is empty") == 1


def test_manual_payments_set_to_pay_at_once_pay_the_order_as_it_is_placed(make_shop):
    site = make_shop(pay_at_once=True)
    number = site.buy(site.add_product())
    with site.app.app_context():
        order = order_snapshot(_order_id(site, number))
    assert order.status is OrderStatus.PAID and order.paid_at is not None
    assert [(hook, snapshot.number) for hook, snapshot in _order_events(site)] == [("order_paid", number)]
    assert f"Order {number} is paid." in site.buyer.get(f"/shop/orders/{number}").get_data(as_text=True)


def test_hook_order_paid(site):
    number = site.buy(site.add_product())
    order_id = _order_id(site, number)
    page = _move(site, order_id, "pay")
    assert f"Order {number} is paid." in page
    [(hook, order)] = _order_events(site)
    assert hook == "order_paid"
    assert order.number == number and order.status is OrderStatus.PAID and order.paid_at is not None
    assert order.total == Decimal("12.50") and order.items[0].sku == "MUG-1"


def test_hook_order_refunded(site):
    order_id = _order_id(site, site.buy(site.add_product()))
    _move(site, order_id, "pay")
    _move(site, order_id, "refund")
    hooks = [hook for hook, _order in _order_events(site)]
    assert hooks == ["order_paid", "order_refunded"]
    assert _order_events(site)[-1][1].status is OrderStatus.REFUNDED


@pytest.mark.parametrize("paid_first", [False, True])
def test_hook_order_cancelled(site, paid_first):
    order_id = _order_id(site, site.buy(site.add_product()))
    if paid_first:
        _move(site, order_id, "pay")
    _move(site, order_id, "cancel")
    hook, order = _order_events(site)[-1]
    assert hook == "order_cancelled" and order.status is OrderStatus.CANCELLED
    assert len(_order_events(site)) == (2 if paid_first else 1)


@pytest.mark.parametrize(
    ("moves", "refused", "sentence"),
    [
        ([], "refund", "Only a paid order can be refunded; order {number} is pending."),
        (["pay"], "pay", "Only a pending order can be marked paid; order {number} is paid."),
        (["cancel"], "pay", "Only a pending order can be marked paid; order {number} is cancelled."),
        (["pay", "refund"], "cancel", "Order {number} is already refunded, so it cannot be cancelled."),
        (["cancel"], "cancel", "Order {number} is already cancelled, so it cannot be cancelled."),
    ],
)
def test_a_move_the_status_does_not_allow_is_refused_in_a_sentence(site, moves, refused, sentence):
    number = site.buy(site.add_product())
    order_id = _order_id(site, number)
    for action in moves:
        _move(site, order_id, action)
    fired = len(_order_events(site))
    page = _move(site, order_id, refused)
    assert sentence.format(number=number) in page
    assert len(_order_events(site)) == fired


def test_the_services_refuse_the_same_moves(site):
    order_id = _order_id(site, site.buy(site.add_product()))
    with site.app.app_context():
        with pytest.raises(OrderRefused):
            refund_order(order_id)
        mark_paid(order_id)
        cancel_order(order_id)
        db.session.commit()
        assert order_snapshot(order_id).status is OrderStatus.CANCELLED


def test_the_order_page_offers_only_the_moves_its_status_allows(site):
    order_id = _order_id(site, site.buy(site.add_product()))
    pending = site.admin.get(f"/admin/plugins/shop/orders/{order_id}").get_data(as_text=True)
    assert "Mark paid" in pending and "Cancel order" in pending and "Refund" not in pending
    _move(site, order_id, "pay")
    paid = site.admin.get(f"/admin/plugins/shop/orders/{order_id}").get_data(as_text=True)
    assert "Mark paid" not in paid and "Refund" in paid and "Cancel order" in paid


def test_hook_order_admin_panels(site):
    number = site.buy(site.add_product())
    page = site.admin.get(f"/admin/plugins/shop/orders/{_order_id(site, number)}").get_data(as_text=True)
    assert "<h2>Listener</h2>" in page and f"Seen by the listener: {number}" in page


def test_snapshots_of_what_is_not_there_are_none(site):
    with site.app.app_context():
        assert order_snapshot(12345) is None
        assert product_snapshot(12345) is None


def test_an_order_holds_one_currency(site):
    site.buyer.post(f"/shop/products/{site.add_product()}/add", data={"quantity": "1"})
    site.buyer.post(f"/shop/products/{site.add_product(sku='TEE', currency='EUR')}/add", data={"quantity": "1"})
    page = site.buyer.post("/shop/checkout", data={"provider": "manual"}).get_data(as_text=True)
    assert "Your cart holds prices in EUR and USD; an order is paid in one currency" in page
    with site.app.app_context():
        assert db.session.scalar(select(Order.id)) is None


def test_a_buyer_sees_only_their_own_orders(site, make_user, log_in):
    number = site.buy(site.add_product())
    other = log_in(site.app.test_client(), make_user(site.app, email="other@example.com"))
    assert number in site.buyer.get("/shop/orders").get_data(as_text=True)
    assert number not in other.get("/shop/orders").get_data(as_text=True)
    assert other.get(f"/shop/orders/{number}").status_code == 404


def test_the_admin_lists_orders_by_status_a_page_at_a_time(site):
    product_id = site.add_product()
    numbers = [site.buy(product_id) for _ in range(3)]
    _move(site, _order_id(site, numbers[0]), "pay")
    paid = site.admin.get("/admin/plugins/shop/orders/?status=paid").get_data(as_text=True)
    assert numbers[0] in paid and numbers[1] not in paid
    everything = site.admin.get("/admin/plugins/shop/orders/?status=nonsense&page=x").get_data(as_text=True)
    assert all(number in everything for number in numbers)
    assert "No order is refunded." in site.admin.get("/admin/plugins/shop/orders/?status=refunded").get_data(
        as_text=True
    )


def test_the_shop_s_tables_come_from_its_own_migrations_and_match_its_models(site):
    with site.app.app_context(), db.engine.connect() as connection:
        versions = MigrationContext.configure(connection, opts={"version_table": version_table("shop")})
        assert versions.get_current_heads() == ("shop_0001",)
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": tables_of("shop", connection)}
        )
        assert compare_metadata(context, db.metadata) == []


def test_an_order_outlives_its_buyer_s_account(site):
    number = site.buy(site.add_product())
    order_id = _order_id(site, number)
    assert f'href="/admin/users/{site.buyer_id}"' in site.admin.get(f"/admin/plugins/shop/orders/{order_id}").get_data(
        as_text=True
    )
    assert site.admin.post(f"/admin/users/{site.buyer_id}/delete").status_code == 302
    page = site.admin.get(f"/admin/plugins/shop/orders/{order_id}").get_data(as_text=True)
    assert "buyer@example.com (account deleted)" in page
    with site.app.app_context():
        assert order_snapshot(order_id).user_id == site.buyer_id


def test_two_admins_marking_one_order_paid_at_once_fire_order_paid_once(site):
    order_id = _order_id(site, site.buy(site.add_product()))
    outcomes: list[str] = []

    def pay() -> None:
        with site.app.app_context():
            try:
                mark_paid(order_id)
                db.session.commit()
                outcomes.append("paid")
            except OrderRefused:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["paid", "refused"]
    assert [hook for hook, _order in _order_events(site)] == ["order_paid"]
