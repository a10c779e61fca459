"""The plugin object: the Marketplace card, settings, menu entries and the shop's own hooks."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Blueprint, url_for

from host.api import FieldKind, MenuItem, Plugin, SettingField, hookimpl
from plugins.shop import admin_views, storefront
from plugins.shop.hookspecs import ShopHooks
from plugins.shop.payments import PAY_AT_ONCE, ManualPayment, PaymentProvider
from plugins.shop.products import check_currency

NAME = "shop"
DEFAULT_CURRENCY = "USD"


def _blank_or_currency(value: Any) -> str | None:
    """Left blank, new products start in USD."""
    return check_currency(value) if str(value or "").strip() else None


SETTINGS_FIELDS = (
    SettingField(
        "currency",
        "Currency of new products",
        default=DEFAULT_CURRENCY,
        help="The three-letter ISO code, such as USD, EUR or GBP; each product may still have its own.",
        validators=(_blank_or_currency,),
    ),
    SettingField(
        PAY_AT_ONCE,
        "Manual / test payments are paid at once",
        kind=FieldKind.BOOLEAN,
        default=False,
        help="On, an order paid the Manual / test way is paid as it is placed (for trying the shop out). "
        "Off, it stays pending until you mark it paid on its order page.",
    ),
)


class Shop(Plugin):
    name = NAME
    title = "Shop"
    description = (
        "Sell products on the site: a product list and pages, a cart, checkout for members and their orders, "
        "with Manual / test payments built in and other ways to pay from plugins."
    )
    author = "Plughost"
    distribution = "plughost"
    settings_fields = SETTINGS_FIELDS
    hookspecs = ShopHooks
    #: The shop's own tables, in an Alembic history of their own.
    migrations = Path(__file__).parent / "migrations"

    def default_currency(self) -> str:
        return str(self.settings.get("currency") or DEFAULT_CURRENCY).strip().upper()

    @hookimpl
    def plugin_blueprints(self) -> Iterable[Blueprint]:
        return [storefront.blueprint(self), admin_views.blueprint(self)]

    @hookimpl
    def admin_menu_items(self) -> Iterable[MenuItem]:
        return [
            MenuItem("Products", url_for(f"{NAME}_admin.products")),
            MenuItem("Orders", url_for(f"{NAME}_admin.orders")),
        ]

    @hookimpl
    def payment_providers(self) -> Iterable[PaymentProvider]:
        return [ManualPayment(self.settings)]
