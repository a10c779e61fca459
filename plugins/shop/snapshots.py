"""What the shop's hooks hand to other plugins: frozen copies of products and orders.

A snapshot is taken inside the transaction of the change, so a listener sees the
order as it was when it was paid, refunded or cancelled, and needs no session.
Amounts are :class:`~decimal.Decimal` in the order's currency, never floats.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class ProductSnapshot:
    id: int
    sku: str
    name: str
    price: Decimal
    currency: str
    active: bool
    description: str = ""


@dataclass(frozen=True)
class OrderItemSnapshot:
    product_id: int
    sku: str
    name: str
    quantity: int
    #: The price of one, as charged (the product's price when the order was placed).
    unit_price: Decimal


@dataclass(frozen=True)
class OrderSnapshot:
    id: int
    #: The order number the buyer sees; unique on the site.
    number: str
    user_id: int
    email: str
    status: OrderStatus
    currency: str
    total: Decimal
    created_at: datetime
    paid_at: datetime | None
    items: tuple[OrderItemSnapshot, ...]
