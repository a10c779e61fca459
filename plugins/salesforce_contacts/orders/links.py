"""What the plugin remembers of orders and the catalog in Salesforce, in its store.

An order's link (``order.<order id>``) says its Order exists with its items, so a
later refund or cancel only changes the Order's status and never adds the items
twice; an order whose Composite got no answer is marked unsure, and looked for by
its ``Site_Order_Id__c`` before it is sent again. The catalog cache keeps the standard price book's id and each product's
price book entries by SKU, so an order of known products is one call; the Contact
cache keeps each buyer Contact's Account, so it is read once.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from host.api import PluginStore
from plugins.salesforce_common.links import record_url

ORDER_PREFIX = "order."
STANDARD_BOOK_KEY = "orders.standard_price_book"
ENTRY_PREFIX = "orders.entry."
ACCOUNT_PREFIX = "orders.account."
PRICE_BOOKS_KEY = "orders.price_books"
UNSURE_PREFIX = "orders.unsure."


@dataclass(frozen=True)
class OrderLink:
    salesforce_id: str
    instance_url: str
    status: str

    @property
    def record_url(self) -> str:
        return record_url(self.instance_url, "Order", self.salesforce_id)


def load_order_links(store: PluginStore, order_ids: Iterable[int | str]) -> dict[str, OrderLink]:
    stored = store.get_many(f"{ORDER_PREFIX}{order_id}" for order_id in order_ids)
    return {
        key.removeprefix(ORDER_PREFIX): OrderLink(
            str(value["id"]), str(value.get("instance_url") or ""), str(value["status"])
        )
        for key, value in stored.items()
        if isinstance(value, Mapping) and value.get("id")
    }


def load_order_link(store: PluginStore, order_id: int | str) -> OrderLink | None:
    return load_order_links(store, [order_id]).get(str(order_id))


def save_order_links(store: PluginStore, links: Mapping[int, OrderLink]) -> None:
    store.set_many(
        {
            f"{ORDER_PREFIX}{order_id}": {
                "id": link.salesforce_id,
                "instance_url": link.instance_url,
                "status": link.status,
            }
            for order_id, link in links.items()
        }
    )


def load_unsure(store: PluginStore, order_ids: Iterable[int | str]) -> set[int]:
    """Orders whose Composite got no answer, so they may be in Salesforce without a link."""
    stored = store.get_many(f"{UNSURE_PREFIX}{order_id}" for order_id in order_ids)
    return {int(key.removeprefix(UNSURE_PREFIX)) for key, value in stored.items() if value}


def save_unsure(store: PluginStore, unsure: Iterable[int], settled: Iterable[int]) -> None:
    store.set_many({f"{UNSURE_PREFIX}{order_id}": True for order_id in unsure})
    for order_id in settled:
        store.delete(f"{UNSURE_PREFIX}{order_id}")


@dataclass(frozen=True)
class CatalogEntry:
    """A product in Salesforce and its entry in one price book."""

    product_id: str
    entry_id: str


def sku_key(sku: str) -> str:
    """SKUs match as Salesforce's External IDs do: without regard to case."""
    return sku.strip().lower()


def _entry_key(price_book_id: str, sku: str) -> str:
    return f"{ENTRY_PREFIX}{price_book_id}.{sku_key(sku)}"


def load_entries(store: PluginStore, price_book_id: str, skus: Iterable[str]) -> dict[str, CatalogEntry]:
    """The cached entries of ``skus`` in the price book, by SKU key."""
    wanted = {_entry_key(price_book_id, sku): sku_key(sku) for sku in skus}
    return {
        wanted[key]: CatalogEntry(str(value["product"]), str(value["entry"]))
        for key, value in store.get_many(wanted).items()
        if isinstance(value, Mapping)
    }


def save_entries(store: PluginStore, price_book_id: str, entries: Mapping[str, CatalogEntry]) -> None:
    store.set_many(
        {
            _entry_key(price_book_id, sku): {"product": entry.product_id, "entry": entry.entry_id}
            for sku, entry in entries.items()
        }
    )


def forget_entries(store: PluginStore, price_book_id: str, skus: Iterable[str]) -> None:
    for sku in skus:
        store.delete(_entry_key(price_book_id, sku))


def load_accounts(store: PluginStore, contact_ids: Iterable[str]) -> dict[str, str | None]:
    """The Account of each buyer Contact read before (None: the Contact has none)."""
    stored = store.get_many(f"{ACCOUNT_PREFIX}{contact_id}" for contact_id in contact_ids)
    return {
        key.removeprefix(ACCOUNT_PREFIX): value.get("account")
        for key, value in stored.items()
        if isinstance(value, Mapping)
    }


def save_accounts(store: PluginStore, accounts: Mapping[str, str | None]) -> None:
    store.set_many({f"{ACCOUNT_PREFIX}{contact_id}": {"account": account} for contact_id, account in accounts.items()})
