"""How an order is paid: the interface every payment provider implements, and the built-in one.

The shop places an order as pending, commits it, then hands its snapshot to the provider
the buyer chose; no transaction stays open while a provider calls a payment service.
Providers come from the shop's ``payment_providers`` hook, so a payment service is a
plugin of its own that returns a :class:`PaymentProvider` from that hook.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from host.api import SettingsProxy, collect_items
from plugins.shop.snapshots import OrderSnapshot

MANUAL = "manual"
PAY_AT_ONCE = "manual_pays_at_once"


@dataclass(frozen=True)
class PaymentOutcome:
    """What came of starting a payment, for the shop to act on and the buyer to read."""

    #: True when the money is in: the shop marks the order paid (``order_paid`` fires).
    paid: bool
    #: One sentence for the buyer, shown on the order's page.
    message: str
    #: Where the buyer goes next to pay (a provider's payment page); None stays on the site.
    redirect_url: str | None = None


class PaymentProvider(ABC):
    """A way to pay. A provider that settles later (a webhook, an admin) leaves the order
    pending and, once paid, calls :func:`plugins.shop.orders.mark_paid`."""

    #: Stored on the order: unique among providers, letters, digits and ``_``.
    key: str
    #: Shown to the buyer at checkout.
    title: str

    @abstractmethod
    def start(self, order: OrderSnapshot) -> PaymentOutcome:
        """Begin paying a pending order; called after the order is committed."""


class ManualPayment(PaymentProvider):
    """Payment outside the site (a bank transfer, cash, a test): the owner marks the order
    paid on its admin page, or, with the ``manual_pays_at_once`` setting, it is paid at once."""

    key = MANUAL
    title = "Manual / test"

    def __init__(self, settings: SettingsProxy) -> None:
        self.settings = settings

    def start(self, order: OrderSnapshot) -> PaymentOutcome:
        if self.settings.get(PAY_AT_ONCE):
            return PaymentOutcome(True, f"Order {order.number} is paid. Thank you!")
        return PaymentOutcome(
            False, f"Order {order.number} is placed; it is confirmed as soon as we receive your payment."
        )


def payment_providers() -> dict[str, PaymentProvider]:
    """The providers enabled plugins offer, by key; the first to claim a key keeps it."""
    providers: dict[str, PaymentProvider] = {}
    for _plugin, provider in collect_items("payment_providers", PaymentProvider):  # type: ignore[type-abstract]
        providers.setdefault(provider.key, provider)
    return providers
