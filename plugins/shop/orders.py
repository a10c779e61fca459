"""Orders: placing one from a cart, its snapshot, and the moves between statuses.

Each move locks the order's row, checks that it makes sense from where the order is,
and fires its hook inside the same transaction, so a listener (a sync to another
system) sees the change if and only if it commits. The Salesforce orders feature reads
:func:`order_snapshot` and :func:`product_snapshot` when it delivers, and names orders
on its Sync pages with :func:`order_headings`.
"""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from host.api import InvalidValue, User, as_utc, db, notify, utcnow
from plugins.shop.models import Order, OrderItem, Product
from plugins.shop.products import product_snapshot
from plugins.shop.snapshots import OrderItemSnapshot, OrderSnapshot, OrderStatus

__all__ = [
    "MOVES",
    "Move",
    "OrderRefused",
    "cancel_order",
    "mark_paid",
    "move_order",
    "order_headings",
    "order_snapshot",
    "place_order",
    "product_snapshot",
    "refund_order",
]

#: Order numbers: letters and digits nobody misreads (no 0/O, 1/I/L).
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_NUMBER_LENGTH = 8
MAX_QUANTITY = 999


class OrderRefused(Exception):
    """A move the order's status does not allow; the message says why, for a person."""


@dataclass(frozen=True)
class Move:
    """One status change: from where it may start, where it ends, what fires, what the admin reads."""

    action: str
    target: OrderStatus
    allowed_from: frozenset[OrderStatus]
    hook: str
    #: The button on the admin's order page.
    label: str
    #: The question the button asks first, and what follows; with ``{number}``.
    question: str
    consequence: str
    #: The sentence once it is done.
    done: str


MOVES: Mapping[str, Move] = {
    move.action: move
    for move in (
        Move(
            "pay",
            OrderStatus.PAID,
            frozenset({OrderStatus.PENDING}),
            "order_paid",
            "Mark paid",
            "Mark order {number} paid?",
            "Do this once the payment has reached you: the buyer sees the order as paid.",
            "Order {number} is paid.",
        ),
        Move(
            "refund",
            OrderStatus.REFUNDED,
            frozenset({OrderStatus.PAID}),
            "order_refunded",
            "Refund",
            "Refund order {number}?",
            "The order is marked refunded in full; return the money the way it was paid, if that is not done yet.",
            "Order {number} is refunded.",
        ),
        Move(
            "cancel",
            OrderStatus.CANCELLED,
            frozenset({OrderStatus.PENDING, OrderStatus.PAID}),
            "order_cancelled",
            "Cancel order",
            "Cancel order {number}?",
            "The order stays on record as cancelled and can no longer be paid or refunded.",
            "Order {number} is cancelled.",
        ),
    )
}

_REFUSALS = {
    "pay": "Only a pending order can be marked paid; order {number} is {status}.",
    "refund": "Only a paid order can be refunded; order {number} is {status}.",
    "cancel": "Order {number} is already {status}, so it cannot be cancelled.",
}


def order_snapshot(order_id: int) -> OrderSnapshot | None:
    """A frozen copy of the order with its items; None when there is no such order."""
    order = db.session.get(Order, order_id)
    if order is None:
        return None
    return OrderSnapshot(
        id=order.id,
        number=order.number,
        user_id=order.user_id,
        email=order.email,
        status=OrderStatus(order.status),
        currency=order.currency,
        total=order.total,
        created_at=as_utc(order.created_at),
        paid_at=as_utc(order.paid_at) if order.paid_at else None,
        items=tuple(
            OrderItemSnapshot(
                product_id=item.product_id,
                sku=item.sku,
                name=item.name,
                quantity=item.quantity,
                unit_price=item.unit_price,
            )
            for item in order.items
        ),
    )


def order_headings(order_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each order's number and buyer's email, by id, in one query (for a page of orders)."""
    rows = db.session.execute(select(Order.id, Order.number, Order.email).where(Order.id.in_(list(order_ids))))
    return {order_id: (number, email) for order_id, number, email in rows}


def _new_number() -> str:
    while True:
        number = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(_NUMBER_LENGTH))
        if db.session.scalar(select(Order.id).where(Order.number == number)) is None:
            return number


def place_order(buyer: User, quantities: Mapping[int, int], payment_provider: str) -> Order:
    """A pending order for ``buyer`` of the active products in ``quantities`` (product id to
    how many), each priced as the product is priced now.

    :raises InvalidValue: the cart is empty, names no product on sale, asks for a
        quantity out of range, or mixes currencies; nothing is written.
    """
    wanted = {product_id: quantity for product_id, quantity in quantities.items() if quantity > 0}
    if any(quantity > MAX_QUANTITY for quantity in wanted.values()):
        raise InvalidValue("cart", f"At most {MAX_QUANTITY} of one product fit in an order.")
    products = db.session.scalars(
        select(Product).where(Product.id.in_(wanted), Product.active.is_(True)).order_by(Product.id)
    ).all()
    if not products:
        raise InvalidValue("cart", "Your cart is empty: add a product first.")
    currencies = sorted({product.currency for product in products})
    if len(currencies) > 1:
        raise InvalidValue(
            "cart",
            f"Your cart holds prices in {' and '.join(currencies)}; an order is paid in one currency, "
            "so remove the products of all but one.",
        )
    order = Order(
        number=_new_number(),
        user_id=buyer.id,
        email=buyer.email,
        status=OrderStatus.PENDING,
        currency=currencies[0],
        total=sum((product.price * wanted[product.id] for product in products), Decimal("0.00")),
        payment_provider=payment_provider,
        items=[
            OrderItem(
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                quantity=wanted[product.id],
                unit_price=product.price,
            )
            for product in products
        ],
    )
    db.session.add(order)
    db.session.flush()
    return order


def move_order(order_id: int, action: str) -> Order:
    """Make one of :data:`MOVES` on the order, locked, and fire its hook.

    :raises OrderRefused: the order's status does not allow it; nothing changes.
    :raises LookupError: there is no such order.
    """
    move = MOVES[action]
    order = db.session.scalar(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    if order is None:
        raise LookupError(order_id)
    status = OrderStatus(order.status)
    if status not in move.allowed_from:
        raise OrderRefused(_REFUSALS[action].format(number=order.number, status=status.value))
    now = utcnow()
    order.status = move.target
    if move.target is OrderStatus.PAID:
        order.paid_at = now
    elif move.target is OrderStatus.REFUNDED:
        order.refunded_at = now
    else:
        order.cancelled_at = now
    db.session.flush()
    notify(move.hook, order=order_snapshot(order.id))
    return order


def mark_paid(order_id: int) -> Order:
    """A pending order is paid (by its provider, or an admin); fires ``order_paid``."""
    return move_order(order_id, "pay")


def refund_order(order_id: int) -> Order:
    """A paid order is refunded in full; fires ``order_refunded``."""
    return move_order(order_id, "refund")


def cancel_order(order_id: int) -> Order:
    """A pending or paid order is cancelled; fires ``order_cancelled``."""
    return move_order(order_id, "cancel")
