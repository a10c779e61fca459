"""What a delivery knows of the org: the price books, products and their entries by SKU,
and buyer Contacts' Accounts; and the one call that learns what is not known yet.

Known values come from the plugin's tables and store (see :mod:`.links`); the look-up is one Composite of
queries, made only when an order needs a SKU never sent, the standard price book's id,
or a search for orders whose last Composite got no answer.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked

from host.api import PluginStore
from plugins.salesforce_common import CompositeRequest, SalesforceClient, SalesforceError, SubResponse, quote
from plugins.salesforce_contacts.orders.links import (
    STANDARD_BOOK_KEY,
    CatalogEntry,
    forget_entries,
    load_accounts,
    load_entries,
    save_accounts,
    save_entries,
    sku_key,
)
from plugins.salesforce_contacts.orders.values import ORDER_KEY

SKU_KEY = "Sku__c"
#: SKUs (or Contacts) per query; a look-up Composite makes at most six queries.
KEYS_PER_QUERY = 100


@dataclass
class Catalog:
    #: The chosen price book; blank for the standard one.
    chosen_book: str
    standard_book: str | None
    #: Entries in the orders' price book, by SKU key.
    entries: dict[str, CatalogEntry] = field(default_factory=dict)
    #: Found in this delivery: products by SKU key, and their standard entries.
    products: dict[str, str] = field(default_factory=dict)
    standard_entries: dict[str, CatalogEntry] = field(default_factory=dict)
    #: Buyer Contact id to its Account (None: it has none).
    accounts: dict[str, str | None] = field(default_factory=dict)
    #: SKUs whose cached entry Salesforce refused, forgotten on save.
    stale: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, store: PluginStore, chosen_book: str, contacts: Iterable[str]) -> "Catalog":
        """The standard price book's id and the ``contacts``' Accounts, as the store knows them."""
        return cls(chosen_book, store.get(STANDARD_BOOK_KEY), accounts=load_accounts(contacts))

    def load_entries(self, skus: Iterable[str]) -> None:
        """The stored entries of ``skus`` in the orders' price book, once it is known."""
        if self.price_book:
            self.entries = load_entries(self.price_book, skus)

    @property
    def price_book(self) -> str | None:
        """The orders' price book, once known."""
        return self.chosen_book or self.standard_book

    @property
    def custom_book(self) -> bool:
        return bool(self.chosen_book) and self.chosen_book != self.standard_book

    def forget(self, skus: Iterable[str]) -> None:
        for sku in skus:
            if self.entries.pop(sku, None) is not None:
                self.stale.add(sku)

    def save(self, store: PluginStore) -> None:
        if self.standard_book:
            store.set(STANDARD_BOOK_KEY, self.standard_book)
        if self.price_book:
            save_entries(self.price_book, self.entries)
            forget_entries(self.price_book, self.stale)
        if self.standard_book and self.standard_book != self.price_book:
            save_entries(self.standard_book, self.standard_entries)
        save_accounts(self.accounts)

    # -- the look-up call ------------------------------------------------------------

    def look_up(
        self, client: SalesforceClient, skus: Sequence[str], contacts: Sequence[str], site_orders: Sequence[str]
    ) -> dict[str, Mapping[str, Any]]:
        """Learn what is unknown of ``skus`` and ``contacts``, and find ``site_orders``
        by their site id: one call (more only past 100 SKUs or Contacts), none when no
        SKU, price book or order is unknown (an Account alone is read in the order's
        own Composite). The Orders found, by site order id, each with ``lines``: how
        many items it has."""
        unknown = sorted(set(skus) - set(self.entries))
        need_book = self.standard_book is None and (bool(unknown) or not self.chosen_book)
        if not unknown and not need_book and not site_orders:
            return {}
        sku_chunks = list(chunked(unknown, KEYS_PER_QUERY)) or [[]]
        contact_chunks = list(chunked(sorted(set(contacts) - set(self.accounts)), KEYS_PER_QUERY))
        found: dict[str, Mapping[str, Any]] = {}
        for n in range(max(len(sku_chunks), len(contact_chunks))):
            request = CompositeRequest(client, all_or_none=False)
            if need_book and n == 0:
                request.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1", reference_id="book")
            if n < len(sku_chunks) and sku_chunks[n]:
                keys = quote(sku_chunks[n])
                request.query(
                    f"SELECT Id, Pricebook2Id, Product2Id, Product2.Sku__c FROM PricebookEntry WHERE Product2.Sku__c IN {keys}",
                    reference_id="entries",
                )
                request.query(f"SELECT Id, Sku__c FROM Product2 WHERE Sku__c IN {keys}", reference_id="products")
            if n == 0 and site_orders:
                ids = quote(list(site_orders))
                request.query(
                    f"SELECT Id, Status, {ORDER_KEY} FROM Order WHERE {ORDER_KEY} IN {ids}", reference_id="orders"
                )
                request.query(f"SELECT OrderId FROM OrderItem WHERE Order.{ORDER_KEY} IN {ids}", reference_id="lines")
            if n < len(contact_chunks):
                request.query(
                    f"SELECT Id, AccountId FROM Contact WHERE Id IN {quote(contact_chunks[n])}", reference_id="contacts"
                )
            answers = request.send()
            for answer in answers.values():
                if answer.error is not None:
                    raise answer.error
            found |= self._learn(answers)
        return found

    def _learn(self, answers: Mapping[str, SubResponse]) -> dict[str, Mapping[str, Any]]:
        def records(reference: str) -> list[dict[str, Any]]:
            return list(answers[reference].body["records"]) if reference in answers else []

        if "book" in answers:
            books = records("book")
            if not books:
                raise SalesforceError("Salesforce found no standard price book, which orders' products need.")
            self.standard_book = str(books[0]["Id"])
        self.accounts |= {r["Id"]: r["AccountId"] for r in records("contacts")}
        self.products |= {sku_key(r[SKU_KEY]): r["Id"] for r in records("products")}
        for record in records("entries"):
            sku = sku_key(record["Product2"][SKU_KEY])
            entry = CatalogEntry(record["Product2Id"], record["Id"])
            if record["Pricebook2Id"] == self.price_book:
                self.entries[sku] = entry
            if record["Pricebook2Id"] == self.standard_book:
                self.standard_entries[sku] = entry
        lines = Counter(str(r["OrderId"]) for r in records("lines"))
        return {str(r[ORDER_KEY]): {**r, "lines": lines[str(r["Id"])]} for r in records("orders")}
