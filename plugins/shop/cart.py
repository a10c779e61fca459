"""The cart: product ids and quantities in the visitor's session, before any account.

Only ids and counts are kept; names and prices are read from the products each time,
so the cart always shows (and checkout charges) what the shop asks now.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask import session
from sqlalchemy import select

from host.api import db
from plugins.shop.models import Product
from plugins.shop.orders import MAX_QUANTITY

SESSION_KEY = "shop_cart"


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def subtotal(self) -> Decimal:
        return self.product.price * self.quantity


def quantities() -> dict[int, int]:
    """The cart as product id to quantity; whatever else a session holds is ignored."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    cart = {}
    for key, value in stored.items():
        if str(key).isdigit() and isinstance(value, int) and 0 < value <= MAX_QUANTITY:
            cart[int(key)] = value
    return cart


def _store(cart: dict[int, int]) -> None:
    session[SESSION_KEY] = {str(product_id): quantity for product_id, quantity in cart.items() if quantity > 0}


def add(product_id: int, quantity: int) -> int:
    """Add ``quantity`` of a product, up to :data:`MAX_QUANTITY` in all; the quantity now in the cart."""
    cart = quantities()
    cart[product_id] = min(cart.get(product_id, 0) + quantity, MAX_QUANTITY)
    _store(cart)
    return cart[product_id]


def set_quantity(product_id: int, quantity: int) -> None:
    """Change a line's quantity; zero removes it."""
    cart = quantities()
    cart[product_id] = quantity
    _store(cart)


def empty() -> None:
    session.pop(SESSION_KEY, None)


def lines() -> list[CartLine]:
    """The cart's products still on sale, with their quantities; others drop out."""
    cart = quantities()
    if not cart:
        return []
    products = db.session.scalars(
        select(Product).where(Product.id.in_(cart), Product.active.is_(True)).order_by(Product.name)
    ).all()
    return [CartLine(product, cart[product.id]) for product in products]
