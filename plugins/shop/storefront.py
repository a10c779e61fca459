"""The shop's public pages: the products, the cart, checkout, and a buyer's own orders.

Anyone may fill a cart; checkout and the order pages need an account, and a visitor
who is not logged in is sent to log in and brought back (the host's log-in only ever
returns to a path on this site).
"""

import logging
from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from host.api import InvalidValue, db
from plugins.shop import cart
from plugins.shop.forms import AddToCartForm, CheckoutForm
from plugins.shop.models import Order, Product
from plugins.shop.orders import MAX_QUANTITY, OrderRefused, mark_paid, order_snapshot, place_order
from plugins.shop.payments import PaymentOutcome, PaymentProvider, payment_providers
from plugins.shop.status_labels import status_context

if TYPE_CHECKING:
    from plugins.shop.plugin import Shop

log = logging.getLogger(__name__)


def _product_on_sale(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not product.active:
        abort(404)
    return product


def _own_order(number: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.number == number, Order.user_id == current_user.id))
    return order or abort(404)


def _pay(provider: PaymentProvider, order_id: int) -> PaymentOutcome:
    """Start paying a committed order; a provider that fails leaves it pending, with a sentence."""
    snapshot = order_snapshot(order_id)
    assert snapshot is not None
    try:
        outcome = provider.start(snapshot)
    except Exception:
        log.exception("The payment provider %s failed to start paying order %s", provider.key, snapshot.number)
        return PaymentOutcome(
            False, f"Order {snapshot.number} is placed, but {provider.title} could not take the payment just now."
        )
    if outcome.paid:
        try:
            mark_paid(order_id)
        except OrderRefused as refusal:
            db.session.rollback()
            return PaymentOutcome(False, str(refusal))
        db.session.commit()
    return outcome


def blueprint(plugin: "Shop") -> Blueprint:
    """The public pages, under ``/shop/``."""
    pages = Blueprint(plugin.name, __name__, url_prefix="/shop", template_folder="templates")
    pages.context_processor(status_context)

    @pages.route("/")
    def products() -> str:
        listed = db.session.scalars(select(Product).where(Product.active.is_(True)).order_by(Product.name)).all()
        return render_template("shop/products.html", products=listed, form=AddToCartForm())

    @pages.route("/products/<int:product_id>")
    def product(product_id: int) -> str:
        return render_template("shop/product.html", product=_product_on_sale(product_id), form=AddToCartForm())

    @pages.route("/products/<int:product_id>/add", methods=["POST"])
    def add_to_cart(product_id: int) -> Response | tuple[str, int]:
        product = _product_on_sale(product_id)
        form = AddToCartForm()
        if not form.validate_on_submit():
            return render_template("shop/product.html", product=product, form=form), 400
        in_cart = cart.add(product.id, form.quantity.data or 1)
        flash(f"{product.name} is in your cart ({in_cart}).", "success")
        return redirect(url_for(".cart_page"))

    @pages.route("/cart", methods=["GET", "POST"])
    def cart_page() -> str | Response:
        if request.method == "POST":
            problems = []
            for line in cart.lines():
                given = request.form.get(f"quantity-{line.product.id}", "").strip()
                if not given.isdecimal() or int(given) > MAX_QUANTITY:
                    problems.append(f"The quantity of {line.product.name} is a whole number from 0 to {MAX_QUANTITY}.")
                    continue
                cart.set_quantity(line.product.id, int(given))
            if problems:
                for problem in problems:
                    flash(problem, "error")
            else:
                flash("Your cart is updated.", "success")
            return redirect(url_for(".cart_page"))
        return render_template("shop/cart.html", lines=cart.lines())

    @pages.route("/checkout", methods=["GET", "POST"])
    @login_required
    def checkout() -> str | Response:
        lines = cart.lines()
        if not lines:
            flash("Your cart is empty: add a product first.", "error")
            return redirect(url_for(".products"))
        providers = payment_providers()
        form = CheckoutForm()
        form.provider.choices = [(key, provider.title) for key, provider in providers.items()]
        if form.provider.data is None and providers:
            form.provider.data = next(iter(providers))
        if not providers:
            form.form_errors.append("The shop takes no payments just now; please come back later.")
        elif form.validate_on_submit():
            provider = providers[str(form.provider.data)]
            try:
                order = place_order(current_user, cart.quantities(), provider.key)
            except InvalidValue as refusal:
                db.session.rollback()
                form.form_errors.append(refusal.message)
            else:
                order_id, number = order.id, order.number
                db.session.commit()
                cart.empty()
                outcome = _pay(provider, order_id)
                flash(outcome.message, "success")
                return redirect(outcome.redirect_url or url_for(".order", number=number))
        return render_template("shop/checkout.html", lines=lines, form=form)

    @pages.route("/orders")
    @login_required
    def my_orders() -> str:
        orders = db.session.scalars(
            select(Order).where(Order.user_id == current_user.id).order_by(Order.created_at.desc(), Order.id.desc())
        ).all()
        return render_template("shop/my_orders.html", orders=orders)

    @pages.route("/orders/<number>")
    @login_required
    def order(number: str) -> str:
        return render_template("shop/order.html", order=_own_order(number))

    return pages
