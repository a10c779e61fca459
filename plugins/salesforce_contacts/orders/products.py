"""Products edited on the site, sent to the Product2 and standard PricebookEntry an order
made for them: their name, price and whether they are on sale.

A product Salesforce has never seen from the site is not sent: its first order makes it
(see :mod:`.delivery`), so the shop's catalog is not copied in full. A known one is
queued when it is saved, and a batch goes out in two sObject Collections calls (the
products, then their entries) of up to 200 records each.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from host.api import BatchWait, Done, Entry, Outcome, Plugin, PluginStore, RecordLabel, db
from plugins.salesforce_common import SalesforceClient, SalesforceError
from plugins.salesforce_common.batching import plugin_batch_wait
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.sobject_collections import RecordResult, update_records
from plugins.salesforce_contacts.orders.links import STANDARD_BOOK_KEY, CatalogEntry, load_entries, sku_key
from plugins.salesforce_contacts.orders.shop import product_labels, product_snapshot
from plugins.salesforce_contacts.settings import salesforce_config

if TYPE_CHECKING:
    from plugins.shop.snapshots import ProductSnapshot

KIND = "product"


def known_entry(store: PluginStore, sku: str) -> CatalogEntry | None:
    """The product's standard price book entry, if an order has made or found it."""
    standard_book = store.get(STANDARD_BOOK_KEY)
    if not standard_book:
        return None
    return load_entries(str(standard_book), [sku]).get(sku_key(sku))


class ProductSyncHandler:
    """Sends edited products that Salesforce has to their Product2 and standard entry."""

    batch_size = 200

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        outcomes: dict[int, Outcome] = {}
        products = {
            entry.id: product_snapshot(int(entry.record_id)) if entry.record_id.isdigit() else None for entry in entries
        }
        standard_book = self.plugin.store.get(STANDARD_BOOK_KEY)
        skus = [product.sku for product in products.values() if product is not None]
        in_salesforce = load_entries(str(standard_book), skus) if standard_book else {}
        known: list[tuple[Entry, ProductSnapshot, CatalogEntry]] = []
        for entry in entries:
            product = products[entry.id]
            if product is None:
                outcomes[entry.id] = Done("The product is no longer in the shop; nothing was sent.")
            elif (found := in_salesforce.get(sku_key(product.sku))) is None:
                outcomes[entry.id] = Done("The product is not in Salesforce yet; its first order sends it.")
            else:
                known.append((entry, product, found))
        db.session.commit()
        if not known:
            return outcomes
        config = replace(salesforce_config(self.plugin.settings, self.plugin.store), record_kind=KIND)
        try:
            with SalesforceClient(config) as client:
                named = update_records(
                    client,
                    "Product2",
                    [{"Id": found.product_id, "Name": p.name, "IsActive": p.active} for _, p, found in known],
                )
                priced = update_records(
                    client,
                    "PricebookEntry",
                    [
                        {"Id": found.entry_id, "UnitPrice": float(p.price), "IsActive": p.active}
                        for _, p, found in known
                    ],
                )
        except SalesforceError as error:
            return outcomes | {entry.id: outcome_for(error) for entry, _, _ in known}
        for (entry, product, found), name, price in zip(known, named, priced, strict=True):
            outcomes[entry.id] = _outcome(product, found, name, price)
        return outcomes

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        return product_labels(record_ids)

    def batch_wait(self) -> BatchWait | None:
        return plugin_batch_wait(self.plugin)


def _outcome(product: "ProductSnapshot", found: CatalogEntry, named: RecordResult, priced: RecordResult) -> Outcome:
    for result in (named, priced):
        if not result.success:
            return outcome_for(result.failure)
    state = "on sale" if product.active else "not on sale"
    return Done(
        f"Product2 {found.product_id} is {product.name}, {state}, at {product.price} in the standard price book.",
        external_id=found.product_id,
    )
