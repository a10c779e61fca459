"""What the plugin remembers of orders and the catalog in Salesforce, in its tables
(see :mod:`.tables`), read and written a batch at a time.

An order's link says its Order exists with its items, so a later refund or cancel only
changes the Order's status and never adds the items twice; an order whose Composite got
no answer is marked unsure, and looked for by its ``Site_Order_Id__c`` (and its items
counted) before it is sent again; an order too large for one Composite keeps how many
of its items are in. The catalog keeps each product's price book entries by SKU, so an
order of known products is one call, and each buyer Contact's Account, so it is read
once. The standard price book's id and the org's price books are single values, in the
plugin's store.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from more_itertools import chunked
from sqlalchemy import Row, delete, select, update

from host.api import VALUES_PER_STATEMENT, db, insert_for
from plugins.salesforce_common.links import record_url
from plugins.salesforce_contacts.orders.tables import BuyerAccount, OrderRecord, PriceBookEntryRecord

STANDARD_BOOK_KEY = "orders.standard_price_book"
PRICE_BOOKS_KEY = "orders.price_books"
#: Rows per INSERT: at most seven values each, well under PostgreSQL's 65,535 parameters.
_ROWS_PER_INSERT = 1_000


@dataclass(frozen=True)
class OrderLink:
    salesforce_id: str
    instance_url: str
    status: str

    @property
    def record_url(self) -> str:
        return record_url(self.instance_url, "Order", self.salesforce_id)


@dataclass(frozen=True)
class PartialOrder:
    """An Order too large for one Composite, with its first ``lines`` items in Salesforce.

    Each Composite is all-or-none and sends the next items in the order's own order, so
    the items in are always the first ones: the rest are sent, never those again.
    """

    salesforce_id: str
    lines: int


@dataclass(frozen=True)
class CatalogEntry:
    """A product in Salesforce and its entry in one price book."""

    product_id: str
    entry_id: str


def sku_key(sku: str) -> str:
    """SKUs match as Salesforce's External IDs do: without regard to case."""
    return sku.strip().lower()


def _order_ids(order_ids: Iterable[int | str]) -> list[int]:
    """The ids that can be an order's (queue entries carry them as text)."""
    return [int(order_id) for order_id in map(str, order_ids) if order_id.isascii() and order_id.isdigit()]


def _order_rows(order_ids: Iterable[int | str], *where: Any) -> list[Row[Any]]:
    # Columns, not entities: rows are written with INSERT ... ON CONFLICT, which the
    # session's identity map would not see.
    rows: list[Row[Any]] = []
    for chunk in chunked(_order_ids(order_ids), VALUES_PER_STATEMENT):
        rows += db.session.execute(
            select(*OrderRecord.__table__.columns).where(OrderRecord.order_id.in_(chunk), *where)
        ).all()
    return rows


def _upsert(table: type[Any], keys: list[Any], rows: list[dict[str, Any]], columns: Iterable[str]) -> None:
    """Insert ``rows``, or set ``columns`` of those already there (one statement per thousand)."""
    db.session.flush()
    for chunk in chunked(rows, _ROWS_PER_INSERT):
        insert = insert_for(table).values(chunk)
        db.session.execute(
            insert.on_conflict_do_update(index_elements=keys, set_={name: insert.excluded[name] for name in columns})
        )


def _order_row(order_id: int, **values: Any) -> dict[str, Any]:
    row = {
        "order_id": order_id,
        "salesforce_id": None,
        "instance_url": "",
        "status": "",
        "complete": False,
        "lines_in": 0,
        "unsure": False,
    }
    return row | values


def load_order_links(order_ids: Iterable[int | str]) -> dict[str, OrderLink]:
    """The links of orders whose Order has all its items, by order id (as a string)."""
    rows = _order_rows(order_ids, OrderRecord.complete.is_(True), OrderRecord.salesforce_id.is_not(None))
    return {str(row.order_id): OrderLink(row.salesforce_id, row.instance_url, row.status) for row in rows}


def load_order_link(order_id: int | str) -> OrderLink | None:
    return load_order_links([order_id]).get(str(order_id))


def save_order_links(links: Mapping[int, OrderLink]) -> None:
    rows = [
        _order_row(order_id, salesforce_id=link.salesforce_id, instance_url=link.instance_url, status=link.status)
        | {"complete": True}
        for order_id, link in links.items()
    ]
    _upsert(
        OrderRecord,
        [OrderRecord.order_id],
        rows,
        ("salesforce_id", "instance_url", "status", "complete"),
    )


def load_partial(order_ids: Iterable[int | str]) -> dict[str, PartialOrder]:
    """Orders sent in parts and not complete yet: their Order and how many items are in."""
    rows = _order_rows(order_ids, OrderRecord.complete.is_(False), OrderRecord.salesforce_id.is_not(None))
    return {str(row.order_id): PartialOrder(row.salesforce_id, row.lines_in) for row in rows}


def save_partial(partial: Mapping[int, PartialOrder]) -> None:
    rows = [_order_row(order_id, salesforce_id=p.salesforce_id, lines_in=p.lines) for order_id, p in partial.items()]
    _upsert(OrderRecord, [OrderRecord.order_id], rows, ("salesforce_id", "lines_in"))


def load_unsure(order_ids: Iterable[int | str]) -> set[int]:
    """Orders whose Composite got no answer, so they may be in Salesforce without a link."""
    return {row.order_id for row in _order_rows(order_ids, OrderRecord.unsure.is_(True))}


def save_unsure(unsure: Iterable[int], settled: Iterable[int]) -> None:
    _upsert(OrderRecord, [OrderRecord.order_id], [_order_row(n, unsure=True) for n in unsure], ("unsure",))
    for chunk in chunked(_order_ids(settled), VALUES_PER_STATEMENT):
        db.session.execute(update(OrderRecord).where(OrderRecord.order_id.in_(chunk)).values(unsure=False))


def load_entries(price_book_id: str, skus: Iterable[str]) -> dict[str, CatalogEntry]:
    """The known entries of ``skus`` in the price book, by SKU key."""
    entries: dict[str, CatalogEntry] = {}
    for chunk in chunked(sorted({sku_key(sku) for sku in skus}), VALUES_PER_STATEMENT):
        rows = db.session.execute(
            select(*PriceBookEntryRecord.__table__.columns).where(
                PriceBookEntryRecord.price_book_id == price_book_id, PriceBookEntryRecord.sku.in_(chunk)
            )
        )
        entries |= {row.sku: CatalogEntry(row.product_id, row.entry_id) for row in rows}
    return entries


def save_entries(price_book_id: str, entries: Mapping[str, CatalogEntry]) -> None:
    rows = [
        {"price_book_id": price_book_id, "sku": sku, "product_id": entry.product_id, "entry_id": entry.entry_id}
        for sku, entry in entries.items()
    ]
    keys = [PriceBookEntryRecord.price_book_id, PriceBookEntryRecord.sku]
    _upsert(PriceBookEntryRecord, keys, rows, ("product_id", "entry_id"))


def forget_entries(price_book_id: str, skus: Iterable[str]) -> None:
    for chunk in chunked(sorted(skus), VALUES_PER_STATEMENT):
        db.session.execute(
            delete(PriceBookEntryRecord).where(
                PriceBookEntryRecord.price_book_id == price_book_id, PriceBookEntryRecord.sku.in_(chunk)
            )
        )


def load_accounts(contact_ids: Iterable[str]) -> dict[str, str | None]:
    """The Account of each buyer Contact read before (None: the Contact has none)."""
    accounts: dict[str, str | None] = {}
    for chunk in chunked(sorted(set(contact_ids)), VALUES_PER_STATEMENT):
        rows = db.session.execute(
            select(BuyerAccount.contact_id, BuyerAccount.account_id).where(BuyerAccount.contact_id.in_(chunk))
        )
        accounts |= {row.contact_id: row.account_id for row in rows}
    return accounts


def save_accounts(accounts: Mapping[str, str | None]) -> None:
    rows = [{"contact_id": contact, "account_id": account} for contact, account in accounts.items()]
    _upsert(BuyerAccount, [BuyerAccount.contact_id], rows, ("account_id",))
