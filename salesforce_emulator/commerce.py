"""Salesforce's rules for price books, price book entries, orders and order products.

Kept apart from field validation in :mod:`dml` because each rule reads other records (the
standard price, the order's price book and status) and an order product's write changes its
order (the price book when blank, the total), which the generic checks never do.
"""

from typing import TYPE_CHECKING

from .errors import ApiError
from .ids import id18
from .schema import SObjectType
from .store import Record

if TYPE_CHECKING:
    from .state import Org

#: The one standard price book every org has; its ID is fixed so it never collides with issued IDs.
STANDARD_PRICE_BOOK_ID = id18("01sKX1000000001")
STANDARD_PRICE_BOOK_NAME = "Standard Price Book"
ACTIVATED = "Activated"


def _integrity(message: str, fields: list[str]) -> ApiError:
    return ApiError.of(400, "FIELD_INTEGRITY_EXCEPTION", message, fields)


class Commerce:
    """Checks and derived values around writes of Pricebook2, PricebookEntry, Order and OrderItem."""

    def __init__(self, org: "Org") -> None:
        self.org = org

    def standard_price_book(self, now: str, creator: str | None) -> Record:
        """The seeded standard price book: active, ``IsStandard`` true (a field no write may set)."""
        return {
            "Id": STANDARD_PRICE_BOOK_ID,
            "Name": STANDARD_PRICE_BOOK_NAME,
            "IsActive": True,
            "IsStandard": True,
            "Description": None,
            "IsDeleted": False,
            "CreatedDate": now,
            "CreatedById": creator,
            "LastModifiedDate": now,
            "LastModifiedById": creator,
            "SystemModstamp": now,
        }

    def before_save(self, sobject: SObjectType, record: Record, existing: Record | None) -> None:
        """Raise Salesforce's error when the write breaks a rule; fill the values it derives."""
        if sobject.name == "PricebookEntry":
            self._check_entry(record, existing)
        elif sobject.name == "Order":
            self._check_order(record, existing)
        elif sobject.name == "OrderItem":
            self._check_item(record, existing)

    def after_save(self, sobject: SObjectType, record: Record) -> None:
        if sobject.name == "OrderItem":
            self._refresh_order(record["OrderId"], record)

    def before_delete(self, sobject: SObjectType, record: Record) -> None:
        if sobject.name == "Pricebook2" and record.get("IsStandard"):
            raise ApiError.of(400, "DELETE_FAILED", "The standard price book cannot be deleted.", [])
        if sobject.name == "OrderItem":
            self._check_order_open(self.org.store.get("Order", record["OrderId"]))

    def after_delete(self, sobject: SObjectType, record: Record) -> None:
        """An order takes its products with it (master-detail); a product's removal lowers the total."""
        if sobject.name == "Order":
            for item in self._items(record["Id"]):
                self.org.store.put("OrderItem", {**item, "IsDeleted": True}, "deleted")
        elif sobject.name == "OrderItem":
            self._refresh_order(record["OrderId"], None)

    def _entries(self, price_book_id: str, product_id: str) -> list[Record]:
        return [
            entry
            for entry in self.org.store.records("PricebookEntry")
            if entry["Pricebook2Id"] == price_book_id and entry["Product2Id"] == product_id
        ]

    def _check_entry(self, record: Record, existing: Record | None) -> None:
        price_book = self.org.store.get("Pricebook2", record["Pricebook2Id"]) or {}
        standard = next(iter(self._entries(STANDARD_PRICE_BOOK_ID, record["Product2Id"])), None)
        if price_book.get("IsStandard"):
            if record.get("UseStandardPrice"):
                raise _integrity("A standard price book entry cannot use the standard price.", ["UseStandardPrice"])
        elif standard is None:
            raise ApiError.of(
                400,
                "STANDARD_PRICE_NOT_DEFINED",
                "No standard price defined for this product; add it to the standard price book first.",
                [],
            )
        elif record.get("UseStandardPrice"):
            record["UnitPrice"] = standard["UnitPrice"]
        duplicate = next(iter(self._entries(record["Pricebook2Id"], record["Product2Id"])), None)
        if existing is None and duplicate is not None:
            raise ApiError.of(
                400,
                "DUPLICATE_VALUE",
                f"duplicate value found: Product2Id duplicates value on record with id: {duplicate['Id']}",
                [],
            )

    def _check_order(self, record: Record, existing: Record | None) -> None:
        if existing is None and record.get("Status") != "Draft":
            raise _integrity("An order is created in Draft status; activate it once it has its products.", ["Status"])
        if existing is not None and record.get("Pricebook2Id") != existing.get("Pricebook2Id"):
            if self._items(record["Id"]):
                raise _integrity("The price book of an order with products cannot change.", ["Pricebook2Id"])

    def _check_order_open(self, order: Record | None) -> None:
        if order is not None and order.get("Status") == ACTIVATED:
            raise _integrity("Products cannot be added to, changed on or removed from an activated order.", [])

    def _check_item(self, record: Record, existing: Record | None) -> None:
        order = self.org.store.get("Order", record["OrderId"]) or {}
        entry = self.org.store.get("PricebookEntry", record["PricebookEntryId"]) or {}
        self._check_order_open(order)
        if order.get("Pricebook2Id") and order["Pricebook2Id"] != entry.get("Pricebook2Id"):
            raise _integrity(
                "The price book entry belongs to another price book than the order's.", ["PricebookEntryId"]
            )
        record["Product2Id"] = entry.get("Product2Id")
        record["TotalPrice"] = round(float(record["Quantity"]) * float(record["UnitPrice"]), 2)

    def _items(self, order_id: str) -> list[Record]:
        return [item for item in self.org.store.records("OrderItem") if item["OrderId"] == order_id]

    def _refresh_order(self, order_id: str, saved_item: Record | None) -> None:
        """Recompute the order's total, and take the price book from its first product's entry."""
        order = self.org.store.get("Order", order_id)
        if order is None:
            return
        updated = {**order, "TotalAmount": round(sum(i["TotalPrice"] or 0.0 for i in self._items(order_id)), 2)}
        if saved_item is not None and not order.get("Pricebook2Id"):
            entry = self.org.store.get("PricebookEntry", saved_item["PricebookEntryId"]) or {}
            updated["Pricebook2Id"] = entry.get("Pricebook2Id")
        if updated != order:
            now = self.org.clock.timestamp()
            updated.update({"SystemModstamp": now, "LastModifiedDate": now})
            self.org.store.put("Order", updated, "updated")
