"""The shop's hooks: what it announces, and what it asks other plugins for.

The events (``order_*``, ``product_saved``) each fire inside the database transaction of the change, after it is flushed, once
per enabled plugin that implements it, in its own savepoint (as the host's lifecycle
hooks do). Listeners must be fast and local; work that talks to another system goes
on the sync queue with ``enqueue``, which commits or rolls back with the change.
Implement them with ``@hookimpl(optionalhook=True)`` so the listener installs and
runs whether or not the shop is there. The contribution hooks (``payment_providers``,
``order_admin_panels``) are asked when a page needs them; a plugin that raises in one
contributes nothing.
"""

from collections.abc import Iterable

from host.api import AdminPanel, hookspec
from plugins.shop.payments import PaymentProvider
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

    @hookspec
    def payment_providers(self) -> Iterable[PaymentProvider]:
        """Ways to pay that the plugin offers at checkout.

        The shop offers its own Manual / test provider this way; a payment service is a
        plugin that returns its :class:`~plugins.shop.payments.PaymentProvider` here.
        A key another provider already has is ignored.
        """
        return ()

    @hookspec
    def order_admin_panels(self, order: OrderSnapshot) -> Iterable[AdminPanel]:
        """Boxes on the admin's page for one order, such as where the order was sent.

        :param order: the order the page shows.

        Each panel is rendered from a template in the plugin's own folder; a database
        read at most.
        """
        return ()
