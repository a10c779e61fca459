"""The shop's admin pages: products (list, add, edit, delete) and orders (list, page, moves).

Every path is under ``/admin/``, which the host keeps for admins. An order's page shows
the panels other plugins add through ``order_admin_panels``, such as where the order
was sent.
"""

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from host.api import PER_PAGE, InvalidValue, User, db, page_number, rendered_panels
from plugins.shop.forms import ProductForm
from plugins.shop.models import Order, Product
from plugins.shop.orders import MOVES, OrderRefused, move_order, order_snapshot
from plugins.shop.products import delete_product, save_product
from plugins.shop.snapshots import OrderStatus
from plugins.shop.status_labels import status_context

if TYPE_CHECKING:
    from plugins.shop.plugin import Shop


def _product_or_404(product_id: int) -> Product:
    return db.session.get(Product, product_id) or abort(404)


def _status_filter() -> OrderStatus | None:
    """The status the list is narrowed to; an unknown one shows every order."""
    try:
        return OrderStatus(request.args.get("status", ""))
    except ValueError:
        return None


def blueprint(plugin: "Shop") -> Blueprint:
    """The admin pages, under ``/admin/plugins/shop/``."""
    pages = Blueprint(
        f"{plugin.name}_admin", __name__, url_prefix=f"/admin/plugins/{plugin.name}", template_folder="templates"
    )
    pages.context_processor(status_context)

    @pages.route("/products/")
    def products() -> str:
        statement = select(Product).order_by(Product.name, Product.id)
        page = db.paginate(statement, page=page_number(), per_page=PER_PAGE, error_out=False)
        return render_template("shop/admin/products.html", page=page)

    def _edit(product: Product | None) -> str | Response:
        form = ProductForm(obj=product)
        if product is None and not form.is_submitted():
            form.currency.data = plugin.default_currency()
        if form.validate_on_submit():
            try:
                saved = save_product(form.service_values(), product)
            except InvalidValue as error:
                db.session.rollback()
                form.show_error(error)
            else:
                db.session.commit()
                flash(f"{saved.name} is saved.", "success")
                return redirect(url_for(".products"))
        return render_template("shop/admin/product_form.html", form=form, product=product)

    @pages.route("/products/new", methods=["GET", "POST"])
    def create_product() -> str | Response:
        return _edit(None)

    @pages.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
    def edit_product(product_id: int) -> str | Response:
        return _edit(_product_or_404(product_id))

    @pages.route("/products/<int:product_id>/delete", methods=["POST"])
    def remove_product(product_id: int) -> Response:
        product = _product_or_404(product_id)
        name = product.name
        delete_product(product)
        db.session.commit()
        flash(f"{name} was deleted.", "success")
        return redirect(url_for(".products"))

    @pages.route("/orders/")
    def orders() -> str:
        status = _status_filter()
        statement = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
        if status is not None:
            statement = statement.where(Order.status == status)
        page = db.paginate(statement, page=page_number(), per_page=PER_PAGE, error_out=False)
        return render_template("shop/admin/orders.html", page=page, status=status)

    @pages.route("/orders/<int:order_id>")
    def order(order_id: int) -> str:
        snapshot = order_snapshot(order_id) or abort(404)
        return render_template(
            "shop/admin/order.html",
            order=snapshot,
            buyer_exists=db.session.get(User, snapshot.user_id) is not None,
            moves=[move for move in MOVES.values() if snapshot.status in move.allowed_from],
            plugin_panels=rendered_panels("order_admin_panels", order=snapshot),
        )

    @pages.route("/orders/<int:order_id>/<any(pay, refund, cancel):action>", methods=["POST"])
    def move(order_id: int, action: str) -> Response:
        try:
            moved = move_order(order_id, action)
        except LookupError:
            abort(404)
        except OrderRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(MOVES[action].done.format(number=moved.number), "success")
        return redirect(url_for(".order", order_id=order_id))

    return pages
