"""How orders are sent: kept in the plugin's store, since they are shown and edited
only when the shop is installed (the host's settings form would show them always)."""

import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from host.api import PluginStore
from plugins.salesforce_common.api_names import check_api_name

OPTIONS_KEY = "orders.options"
DRAFT = "Draft"
ACTIVATED = "Activated"

#: Order fields the owner may fill from the site's order, by the site field's key.
SITE_FIELDS = {"number": "Order number", "description": "Description (items and total)"}

API_NAME = check_api_name("An Order field", "Description")


class AccountRule(enum.StrEnum):
    """Which Account an Order belongs to."""

    BUYER = "buyer"
    DEFAULT = "default"


@dataclass(frozen=True)
class OrderOptions:
    enabled: bool = False
    account_rule: AccountRule = AccountRule.BUYER
    #: The Account for orders whose buyer's Contact has none (or for every order).
    default_account_id: str = ""
    #: Blank for the org's standard price book.
    price_book_id: str = ""
    #: Activate each order once its items are in.
    activate: bool = False
    refunded_status: str = DRAFT
    cancelled_status: str = DRAFT
    #: Order field API name to the site order field it takes (a key of SITE_FIELDS).
    mapping: Mapping[str, str] = field(default_factory=lambda: {"Description": "description"})

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "mapping": dict(self.mapping)}

    @classmethod
    def from_json(cls, stored: Mapping[str, Any]) -> "OrderOptions":
        default = cls()
        mapping = stored.get("mapping")
        return cls(
            enabled=bool(stored.get("enabled", default.enabled)),
            account_rule=AccountRule(stored.get("account_rule") or default.account_rule),
            default_account_id=str(stored.get("default_account_id") or ""),
            price_book_id=str(stored.get("price_book_id") or ""),
            activate=bool(stored.get("activate", default.activate)),
            refunded_status=str(stored.get("refunded_status") or DRAFT),
            cancelled_status=str(stored.get("cancelled_status") or DRAFT),
            mapping=(
                {str(name): str(key) for name, key in mapping.items() if key in SITE_FIELDS}
                if isinstance(mapping, Mapping)
                else default.mapping
            ),
        )


def load_options(store: PluginStore) -> OrderOptions:
    stored = store.get(OPTIONS_KEY)
    return OrderOptions.from_json(stored) if isinstance(stored, Mapping) else OrderOptions()


def save_options(store: PluginStore, options: OrderOptions) -> None:
    store.set(OPTIONS_KEY, options.to_json())
