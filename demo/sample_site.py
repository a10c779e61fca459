"""The demo site's content: its owner, tags, users, affiliates, the shop's products and a
paid order, and the plugins' keys."""

from sqlalchemy import select

from host.api import enqueue
from host.extensions import db
from host.models import AffiliateStatus, Role, User
from host.plugins.manager import current_plugin_host
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag
from host.services.users import change_tags, register_user
from plugins.salesforce_common import DEFAULT_API_VERSION
from plugins.salesforce_contacts.handler import KIND as USER_KIND
from plugins.salesforce_contacts.orders.handler import KIND as ORDER_KIND
from plugins.salesforce_contacts.orders.options import OrderOptions, save_options
from plugins.shop.orders import mark_paid, place_order
from plugins.shop.payments import MANUAL, PAY_AT_ONCE
from plugins.shop.products import save_product

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "plughost-demo-owner"
USER_PASSWORD = "plughost-demo-user"

TAGS = ("Newsletter", "Customer", "Partner program")
USERS = (
    ("Grace", "Hopper", "grace@example.com", ("Newsletter", "Customer")),
    ("Alan", "Turing", "alan@example.com", ("Customer",)),
    ("Katherine", "Johnson", "katherine@example.com", ()),
)
AFFILIATES = (
    ("Margaret", "Hamilton", "margaret@apollo.example", "Apollo Referrals", AffiliateStatus.ACTIVE),
    ("Edsger", "Dijkstra", "edsger@shortest.example", "Shortest Path Media", AffiliateStatus.ON_MODERATION),
)

PRODUCTS = (
    ("Plughost mug", "MUG-BLUE", "12.50", "A blue mug that holds a large coffee."),
    ("Plughost T-shirt", "TEE-M", "24.00", "Organic cotton, size M."),
    ("Sticker pack", "STICKERS-10", "4.99", "Ten stickers for a laptop lid."),
)


def enter_connected_app(login_url: str, consumer_key: str, consumer_secret: str) -> None:
    """Put a Connected App's key and secret, and the org's URL, into both plugins' settings.

    The plugins stay as they are, disabled and unauthorized in the demo: enabling them
    and granting access is the visitor's part.
    """
    plugins = current_plugin_host().plugins
    plugins["salesforce_leads"].settings.update(
        {
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "api_url": f"{login_url}/services/data/v{DEFAULT_API_VERSION}",
            "salesforce_domain": login_url,
        }
    )
    plugins["salesforce_contacts"].settings.update(
        {
            "login_host": "custom",
            "custom_login_url": login_url,
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
        }
    )


def add_sample_content() -> None:
    """The owner, tags, users and affiliates a visitor finds on the demo site."""
    owner = register_user(
        email=OWNER_EMAIL, password=OWNER_PASSWORD, first_name="Olive", last_name="Owner", role=Role.ADMIN
    )
    tags = {name: create_tag(name) for name in TAGS}
    for first_name, last_name, email, tag_names in USERS:
        user = register_user(
            email=email,
            password=USER_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            marketing_email_consent=bool(tag_names),
        )
        change_tags([user], add=[tags[name] for name in tag_names])
    for first_name, last_name, email, company, status in AFFILIATES:
        create_affiliate(
            first_name=first_name, last_name=last_name, email=email, company=company, status=status, manager_id=owner.id
        )


#: The sample user who has bought something, and what: product SKU to quantity.
BUYER_EMAIL = "grace@example.com"
PURCHASE = {"MUG-BLUE": 2, "STICKERS-10": 1}
#: The emulated org's Account for orders whose buyer's Contact has none (as the demo's have).
SHOP_ACCOUNT = "Web shop customers"


def stock_the_shop() -> dict[str, int]:
    """Products in the shop, and Manual / test payments paid at once, so a visitor's order
    goes through. The products' ids by SKU."""
    current_plugin_host().plugins["shop"].settings.update({PAY_AT_ONCE: True})
    return {
        sku: save_product(
            {"name": name, "sku": sku, "price": price, "currency": "USD", "active": True, "description": description}
        ).id
        for name, sku, price, description in PRODUCTS
    }


def place_sample_order(products: dict[str, int], default_account_id: str) -> str:
    """A paid order of the sample buyer's, queued for Salesforce Contacts with the buyer,
    and orders on in its settings: both go once the plugin is enabled and connected.
    The order's number."""
    contacts = current_plugin_host().plugins["salesforce_contacts"]
    save_options(contacts.store, OrderOptions(enabled=True, default_account_id=default_account_id))
    buyer = db.session.scalars(select(User).where(User.email == BUYER_EMAIL)).one()
    order = place_order(buyer, {products[sku]: quantity for sku, quantity in PURCHASE.items()}, MANUAL)
    mark_paid(order.id)
    enqueue(contacts, USER_KIND, str(buyer.id))
    enqueue(contacts, ORDER_KIND, str(order.id))
    return order.number
