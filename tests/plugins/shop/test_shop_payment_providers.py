"""Ways to pay from other plugins, through the shop's payment_providers hook."""

from sqlalchemy import select

from host.api import Plugin, db, hookimpl
from plugins.shop.models import Order
from plugins.shop.payments import PaymentOutcome, PaymentProvider
from plugins.shop.snapshots import OrderSnapshot, OrderStatus


class Hosted(PaymentProvider):
    """Sends the buyer to a payment page elsewhere; the order stays pending until it reports back."""

    key = "hosted"
    title = "Hosted card page"

    def __init__(self) -> None:
        self.started: list[OrderSnapshot] = []

    def start(self, order: OrderSnapshot) -> PaymentOutcome:
        self.started.append(order)
        return PaymentOutcome(False, "Pay on the card page.", redirect_url=f"https://pay.example/{order.number}")


class Broken(PaymentProvider):
    key = "broken"
    title = "Broken"

    def start(self, order: OrderSnapshot) -> PaymentOutcome:
        raise RuntimeError("the payment service is down")


class Payments(Plugin):
    name = "payments"
    title = "Payments"

    def __init__(self) -> None:
        self.hosted = Hosted()

    @hookimpl(optionalhook=True)
    def payment_providers(self) -> list[PaymentProvider]:
        return [self.hosted, Broken()]


def _checkout(site, provider):
    site.buyer.post(f"/shop/products/{site.add_product()}/add", data={"quantity": "1"})
    return site.buyer.post("/shop/checkout", data={"provider": provider})


def _only_order(site) -> Order:
    with site.app.app_context():
        return db.session.scalars(select(Order)).one()


def test_hook_payment_providers(make_shop):
    site = make_shop(extra_plugins=(Payments(),))
    site.buyer.post(f"/shop/products/{site.add_product()}/add", data={"quantity": "1"})
    page = site.buyer.get("/shop/checkout").get_data(as_text=True)
    assert "Manual / test" in page and "Hosted card page" in page
    response = site.buyer.post("/shop/checkout", data={"provider": "hosted"})
    order = _only_order(site)
    assert response.headers["Location"] == f"https://pay.example/{order.number}"
    assert order.payment_provider == "hosted" and order.status == OrderStatus.PENDING
    [started] = site.extra_plugins[0].hosted.started
    assert started.number == order.number and started.status is OrderStatus.PENDING


def test_a_provider_that_fails_leaves_the_order_pending_with_a_sentence(make_shop):
    site = make_shop(extra_plugins=(Payments(),))
    response = _checkout(site, "broken")
    order = _only_order(site)
    page = site.buyer.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Order {order.number} is placed, but Broken could not take the payment just now." in page
    assert order.status == OrderStatus.PENDING
