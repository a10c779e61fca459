"""The shop's hooks: what it announces for other plugins to implement.

Each fires inside the database transaction of the change, after it is flushed, once
per enabled plugin that implements it, in its own savepoint (as the host's lifecycle
hooks do). Listeners must be fast and local; work that talks to another system goes
on the sync queue with ``enqueue``, which commits or rolls back with the change.
Implement them with ``@hookimpl(optionalhook=True)`` so the listener installs and
runs whether or not the shop is there.
"""

from host.api import hookspec
from plugins.shop.snapshots import OrderSnapshot, ProductSnapshot


class ShopHooks:
    @hookspec
    def order_paid(self, order: OrderSnapshot) -> None:
        """An order was paid: by its payment provider, or marked paid by an admin.

        :param order: the order as paid, with its items.

        The return value is ignored.
        """

    @hookspec
    def order_refunded(self, order: OrderSnapshot) -> None:
        """A paid order was refunded in full.

        :param order: the order after the refund (status ``refunded``).

        The return value is ignored.
        """

    @hookspec
    def order_cancelled(self, order: OrderSnapshot) -> None:
        """An order was cancelled before or after payment.

        :param order: the order after cancelling (status ``cancelled``).

        The return value is ignored.
        """

    @hookspec
    def product_saved(self, product: ProductSnapshot) -> None:
        """A product was created or edited by an admin.

        :param product: the product as saved.

        The return value is ignored.
        """
