"""The shop's tables: products, orders and the items of each order.

Orders are the shop's accounting records, so they outlive what they point at: an item
copies its product's SKU, name and price when the order is placed, and an order keeps
its buyer's id and email, so deleting a product or an account leaves past orders whole.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Enum, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.api import Model, utcnow
from plugins.shop.snapshots import OrderStatus

PLUGIN_TABLE = {"info": {"plugin": "shop"}}
#: Amounts up to 99,999,999.99, exact: never floats.
MONEY = Numeric(10, 2)


class Product(Model):
    """Something the shop sells, at one price in one currency."""

    __tablename__ = "shop_products"
    __table_args__ = PLUGIN_TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Order(Model):
    """One checkout: what a buyer ordered, at what prices, and how far its payment went."""

    __tablename__ = "shop_orders"
    __table_args__ = PLUGIN_TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    #: The buyer's account id, kept (with the email) after the account is deleted.
    user_id: Mapped[int] = mapped_column(index=True)
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, native_enum=False, length=20, values_callable=lambda kinds: [kind.value for kind in kinds]),
        default=OrderStatus.PENDING,
        index=True,
    )
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(MONEY)
    #: The key of the payment provider the buyer paid (or is paying) with.
    payment_provider: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )


class OrderItem(Model):
    """A line of an order: a product as it was sold, and how many."""

    __tablename__ = "shop_order_items"
    __table_args__ = PLUGIN_TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_orders.id", ondelete="CASCADE"), index=True)
    #: The product's id when the order was placed; the product may since be gone.
    product_id: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(MONEY)

    order: Mapped[Order] = relationship(back_populates="items")
