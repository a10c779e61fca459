"""The Orders page (shown only beside the shop) and an order's Retry, under
``/admin/plugins/salesforce_contacts/orders/``."""

from typing import TYPE_CHECKING, Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from host.api import admin_required, db, enqueue
from plugins.salesforce_common import SalesforceClient, SalesforceError
from plugins.salesforce_contacts.current import NAME, contacts_plugin
from plugins.salesforce_contacts.orders.forms import OrderSettingsForm
from plugins.salesforce_contacts.orders.handler import KIND
from plugins.salesforce_contacts.orders.links import PRICE_BOOKS_KEY
from plugins.salesforce_contacts.orders.options import load_options, save_options
from plugins.salesforce_contacts.orders.shop import ORDER_PAGE, order_snapshot, shop_installed

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

pages = Blueprint(f"{NAME}_orders", __name__, url_prefix=f"/admin/plugins/{NAME}/orders")


def read_price_books(plugin: "SalesforceContactsPlugin") -> list[dict[str, Any]]:
    """The org's active price books, one query."""
    config = plugin.config()
    db.session.commit()
    with SalesforceClient(config) as client:
        records = client.query("SELECT Id, Name, IsStandard FROM Pricebook2 WHERE IsActive = true ORDER BY Name")
    return [{"id": r["Id"], "name": r["Name"], "standard": bool(r["IsStandard"])} for r in records]


@pages.before_request
def needs_the_shop() -> None:
    if not shop_installed():
        abort(404)


@pages.route("/", methods=["GET", "POST"])
@admin_required
def settings() -> str | Response:
    plugin = contacts_plugin()
    form = OrderSettingsForm()
    form.offer_price_books(list(plugin.store.get(PRICE_BOOKS_KEY) or []))
    if form.validate_on_submit():
        save_options(plugin.store, form.options())
        db.session.commit()
        flash("Orders settings saved; they apply to the next order sent.", "success")
        return redirect(url_for(".settings"))
    if not form.is_submitted():
        form.fill(load_options(plugin.store))
    return render_template("salesforce_contacts/orders.html", plugin=plugin, form=form)


@pages.route("/price-books", methods=["POST"])
@admin_required
def refresh_price_books() -> Response:
    plugin = contacts_plugin()
    try:
        books = read_price_books(plugin)
    except SalesforceError as error:
        flash(f"The price books cannot be read now: {error}", "error")
        return redirect(url_for(".settings"))
    plugin.store.set(PRICE_BOOKS_KEY, books)
    db.session.commit()
    flash(f"{len(books)} active price books read from Salesforce.", "success")
    return redirect(url_for(".settings"))


@pages.route("/<int:order_id>/retry", methods=["POST"])
@admin_required
def retry(order_id: int) -> Response:
    if order_snapshot(order_id) is None:
        abort(404)
    enqueue(contacts_plugin(), KIND, str(order_id))
    db.session.commit()
    flash("The order is queued for Salesforce.", "success")
    if ORDER_PAGE in current_app.view_functions:
        return redirect(url_for(ORDER_PAGE, order_id=order_id))
    return redirect(url_for(".settings"))
