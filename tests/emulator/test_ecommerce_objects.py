"""Products, price books, orders and order products, with Salesforce's rules, over real HTTP."""

from dataclasses import dataclass
from typing import Any

import pytest
from emulator_rest_client import Api

PATH = "/services/data/v62.0"


@dataclass
class Catalog:
    account: str
    standard_book: str
    product: str
    standard_entry: str


def _error(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()[0]


def _standard_book(api: Api) -> str:
    records = api.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true")["records"]
    assert len(records) == 1
    return records[0]["Id"]


@pytest.fixture
def catalog(api: Api) -> Catalog:
    """An account and one product priced 10 in the standard price book."""
    book = _standard_book(api)
    product = api.create("Product2", Name="Mug", Sku__c="MUG-1", IsActive=True)
    entry = api.create("PricebookEntry", Pricebook2Id=book, Product2Id=product, UnitPrice=10, IsActive=True)
    return Catalog(api.create("Account", Name="Shop buyers"), book, product, entry)


def _order(api: Api, catalog: Catalog, **fields: Any) -> str:
    return api.create("Order", AccountId=catalog.account, EffectiveDate="2026-12-03", Status="Draft", **fields)


def _item(api: Api, order: str, entry: str, quantity: float = 1, price: float = 10) -> Any:
    body = {"OrderId": order, "PricebookEntryId": entry, "Quantity": quantity, "UnitPrice": price}
    return api.post("sobjects/OrderItem", body)


def test_one_standard_price_book_whose_is_standard_is_read_only(api: Api) -> None:
    """The org has one active standard price book; IsStandard cannot be written, and it cannot be deleted."""
    book_id = _standard_book(api)
    book = api.get(f"sobjects/Pricebook2/{book_id}").json()
    assert (book["Name"], book["IsActive"], book["IsStandard"]) == ("Standard Price Book", True, True)
    refused = _error(api.post("sobjects/Pricebook2", {"Name": "Fake", "IsStandard": True}))
    assert refused["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and refused["fields"] == ["IsStandard"]
    assert _error(api.patch(f"sobjects/Pricebook2/{book_id}", {"IsStandard": False}))["fields"] == ["IsStandard"]
    assert _error(api.delete(f"sobjects/Pricebook2/{book_id}"))["errorCode"] == "DELETE_FAILED"
    custom = api.create("Pricebook2", Name="Web shop", IsActive=True)
    assert api.get(f"sobjects/Pricebook2/{custom}").json()["IsStandard"] is False
    assert api.query("SELECT COUNT() FROM Pricebook2 WHERE IsStandard = true")["totalSize"] == 1


def test_product_needs_a_name_and_upserts_by_its_sku(api: Api) -> None:
    """Name is required; Sku__c is a unique External ID, so an upsert by it never makes a second product."""
    missing = _error(api.post("sobjects/Product2", {"ProductCode": "X"}))
    assert missing["errorCode"] == "REQUIRED_FIELD_MISSING" and missing["fields"] == ["Name"]
    first = api.patch("sobjects/Product2/Sku__c/TEE-9", {"Name": "T-shirt", "ProductCode": "TEE", "IsActive": True})
    assert first.status_code == 201 and first.json()["created"] is True
    again = api.patch("sobjects/Product2/Sku__c/TEE-9", {"Name": "T-shirt, blue"})
    assert again.status_code == 200 and again.json() == {**first.json(), "created": False}
    assert api.query("SELECT Name FROM Product2 WHERE Sku__c = 'TEE-9'")["records"][0]["Name"] == "T-shirt, blue"
    duplicate = _error(api.post("sobjects/Product2", {"Name": "Copy", "Sku__c": "tee-9"}))
    assert duplicate["errorCode"] == "DUPLICATE_VALUE"


def test_custom_price_book_entry_needs_a_standard_price_first(api: Api) -> None:
    """An entry in a custom price book is refused until the product has a standard price;
    with UseStandardPrice the entry takes that price."""
    book = _standard_book(api)
    custom = api.create("Pricebook2", Name="Web shop", IsActive=True)
    product = api.create("Product2", Name="Cap")
    refused = _error(
        api.post("sobjects/PricebookEntry", {"Pricebook2Id": custom, "Product2Id": product, "UnitPrice": 7})
    )
    assert refused["errorCode"] == "STANDARD_PRICE_NOT_DEFINED"
    assert api.query("SELECT COUNT() FROM PricebookEntry")["totalSize"] == 0
    api.create("PricebookEntry", Pricebook2Id=book, Product2Id=product, UnitPrice=12)
    entry = api.create("PricebookEntry", Pricebook2Id=custom, Product2Id=product, UnitPrice=1, UseStandardPrice=True)
    assert api.get(f"sobjects/PricebookEntry/{entry}").json()["UnitPrice"] == 12


def test_standard_entry_cannot_use_the_standard_price(api: Api) -> None:
    """The standard price is the standard entry's own, so it cannot refer to itself."""
    product = api.create("Product2", Name="Cap")
    body = {"Pricebook2Id": _standard_book(api), "Product2Id": product, "UnitPrice": 3, "UseStandardPrice": True}
    assert _error(api.post("sobjects/PricebookEntry", body))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"


def test_one_entry_per_price_book_and_product(api: Api, catalog: Catalog) -> None:
    """A second entry for the same product in the same price book is DUPLICATE_VALUE."""
    body = {"Pricebook2Id": catalog.standard_book, "Product2Id": catalog.product, "UnitPrice": 11}
    duplicate = _error(api.post("sobjects/PricebookEntry", body))
    assert duplicate["errorCode"] == "DUPLICATE_VALUE" and catalog.standard_entry in duplicate["message"]
    other = api.create("Product2", Name="Plate")
    assert api.post("sobjects/PricebookEntry", {**body, "Product2Id": other}).status_code == 201


def test_order_requires_account_start_date_and_draft_status(api: Api, catalog: Catalog) -> None:
    """AccountId, EffectiveDate and Status are required on create, and Status must be Draft."""
    missing = _error(api.post("sobjects/Order", {"Description": "empty"}))
    assert missing["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert missing["fields"] == ["AccountId", "EffectiveDate", "Status"]
    body = {"AccountId": catalog.account, "EffectiveDate": "2026-12-03", "Status": "Activated"}
    activated = _error(api.post("sobjects/Order", body))
    assert activated["errorCode"] == "FIELD_INTEGRITY_EXCEPTION" and activated["fields"] == ["Status"]
    assert api.query("SELECT COUNT() FROM Order")["totalSize"] == 0


def test_order_number_and_total_are_computed_and_read_only(api: Api, catalog: Catalog) -> None:
    """OrderNumber is an auto-number and TotalAmount starts at 0; neither can be written."""
    first, second = _order(api, catalog), _order(api, catalog)
    numbers = [api.get(f"sobjects/Order/{i}").json()["OrderNumber"] for i in (first, second)]
    assert numbers[0] != numbers[1] and all(n.isdigit() for n in numbers)
    assert api.get(f"sobjects/Order/{first}").json()["TotalAmount"] == 0
    for body in ({"OrderNumber": "1"}, {"TotalAmount": 5}):
        assert _error(api.patch(f"sobjects/Order/{first}", body))["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
        create = {"AccountId": catalog.account, "EffectiveDate": "2026-12-03", "Status": "Draft", **body}
        assert _error(api.post("sobjects/Order", create))["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_order_item_requires_order_entry_quantity_and_price(api: Api) -> None:
    missing = _error(api.post("sobjects/OrderItem", {}))
    assert missing["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert missing["fields"] == ["OrderId", "PricebookEntryId", "Quantity", "UnitPrice"]


def test_order_takes_its_price_book_from_the_first_item_and_sums_its_total(api: Api, catalog: Catalog) -> None:
    """A blank Pricebook2Id is set from the first item's entry; TotalAmount follows every item change."""
    order = _order(api, catalog, BillToContactId=api.create("Contact", LastName="Buyer"))
    first = _item(api, order, catalog.standard_entry, quantity=2, price=10)
    assert first.status_code == 201, first.text
    read = api.get(f"sobjects/Order/{order}").json()
    assert (read["Pricebook2Id"], read["TotalAmount"]) == (catalog.standard_book, 20)
    second = _item(api, order, catalog.standard_entry, quantity=1, price=4.5).json()["id"]
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 24.5
    item = api.get(f"sobjects/OrderItem/{second}").json()
    assert (item["Product2Id"], item["TotalPrice"]) == (catalog.product, 4.5)
    assert api.patch(f"sobjects/OrderItem/{second}", {"Quantity": 3}).status_code == 204
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 33.5
    assert api.delete(f"sobjects/OrderItem/{first.json()['id']}").status_code == 204
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 13.5


def test_item_entry_must_belong_to_the_orders_price_book(api: Api, catalog: Catalog) -> None:
    """An entry of another price book than the order's is FIELD_INTEGRITY_EXCEPTION on PricebookEntryId."""
    custom = api.create("Pricebook2", Name="Web shop", IsActive=True)
    custom_entry = api.create("PricebookEntry", Pricebook2Id=custom, Product2Id=catalog.product, UnitPrice=9)
    order = _order(api, catalog, Pricebook2Id=catalog.standard_book)
    refused = _error(_item(api, order, custom_entry))
    assert refused["errorCode"] == "FIELD_INTEGRITY_EXCEPTION" and refused["fields"] == ["PricebookEntryId"]
    assert api.query(f"SELECT COUNT() FROM OrderItem WHERE OrderId = '{order}'")["totalSize"] == 0
    assert _item(api, order, catalog.standard_entry).status_code == 201
    moved = _error(api.patch(f"sobjects/Order/{order}", {"Pricebook2Id": custom}))
    assert moved["errorCode"] == "FIELD_INTEGRITY_EXCEPTION" and moved["fields"] == ["Pricebook2Id"]


def test_activated_order_refuses_item_changes(api: Api, catalog: Catalog) -> None:
    """Once Activated, items cannot be added, changed or deleted; back in Draft they can."""
    order = _order(api, catalog)
    item = _item(api, order, catalog.standard_entry).json()["id"]
    assert api.patch(f"sobjects/Order/{order}", {"Status": "Activated"}).status_code == 204
    assert _error(_item(api, order, catalog.standard_entry))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert _error(api.patch(f"sobjects/OrderItem/{item}", {"Quantity": 5}))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert _error(api.delete(f"sobjects/OrderItem/{item}"))["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 10
    assert api.patch(f"sobjects/Order/{order}", {"Status": "Draft"}).status_code == 204
    assert _item(api, order, catalog.standard_entry).status_code == 201


def test_deleting_an_order_deletes_its_items(api: Api, catalog: Catalog) -> None:
    order = _order(api, catalog)
    _item(api, order, catalog.standard_entry)
    assert api.delete(f"sobjects/Order/{order}").status_code == 204
    assert api.query("SELECT COUNT() FROM OrderItem")["totalSize"] == 0


def _composite_order(site_order_id: str, catalog: Catalog) -> dict[str, Any]:
    """One request: upsert the order by the site's order id, then add its items by reference."""
    items = [
        {
            "method": "POST",
            "referenceId": f"refItem{n}",
            "url": f"{PATH}/sobjects/OrderItem",
            "body": {
                "OrderId": "@{refOrder.id}",
                "PricebookEntryId": catalog.standard_entry,
                "Quantity": n,
                "UnitPrice": 10,
            },
        }
        for n in (1, 2)
    ]
    order = {
        "method": "PATCH",
        "referenceId": "refOrder",
        "url": f"{PATH}/sobjects/Order/Site_Order_Id__c/{site_order_id}",
        "body": {"AccountId": catalog.account, "EffectiveDate": "2026-12-03", "Status": "Draft"},
    }
    return {"allOrNone": True, "compositeRequest": [order, *items]}


def test_composite_creates_an_order_with_its_items_and_soql_finds_them(api: Api, catalog: Catalog) -> None:
    """Order and OrderItems in one Composite request with @{refOrder.id}; SOQL finds both by their keys."""
    response = api.post("composite", _composite_order("7", catalog))
    assert response.status_code == 200
    results = response.json()["compositeResponse"]
    assert [r["httpStatusCode"] for r in results] == [201, 201, 201], results
    order_id = results[0]["body"]["id"]
    found = api.query("SELECT Id, TotalAmount, Pricebook2Id FROM Order WHERE Site_Order_Id__c = '7'")["records"]
    assert [(r["Id"], r["TotalAmount"], r["Pricebook2Id"]) for r in found] == [(order_id, 30, catalog.standard_book)]
    items = api.query(
        f"SELECT Id, Quantity, Product2.Sku__c FROM OrderItem WHERE OrderId = '{order_id}' ORDER BY Quantity ASC"
    )
    assert [(r["Quantity"], r["Product2"]["Sku__c"]) for r in items["records"]] == [(1, "MUG-1"), (2, "MUG-1")]
    retry = api.patch("sobjects/Order/Site_Order_Id__c/7", {"Description": "paid"})
    assert retry.status_code == 200 and retry.json()["id"] == order_id and retry.json()["created"] is False
    assert [r["Id"] for r in api.query("SELECT Id FROM Order ORDER BY OrderNumber ASC")["records"]] == [order_id]


def test_composite_failure_rolls_back_the_order_and_its_items(api: Api, catalog: Catalog) -> None:
    """With allOrNone, an item the rules refuse leaves neither the order nor any item behind."""
    body = _composite_order("8", catalog)
    body["compositeRequest"][2]["body"]["Quantity"] = None
    results = api.post("composite", body).json()["compositeResponse"]
    assert results[2]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert api.query("SELECT COUNT() FROM Order")["totalSize"] == 0
    assert api.query("SELECT COUNT() FROM OrderItem")["totalSize"] == 0


def test_collections_add_items_all_or_none(api: Api, catalog: Catalog) -> None:
    """sObject Collections apply the same rules per record; with allOrNone a refused item rolls back the rest."""
    custom = api.create("Pricebook2", Name="Web shop")
    custom_entry = api.create("PricebookEntry", Pricebook2Id=custom, Product2Id=catalog.product, UnitPrice=9)
    order = _order(api, catalog, Pricebook2Id=catalog.standard_book)

    def item(entry: str) -> dict[str, Any]:
        return {
            "attributes": {"type": "OrderItem"},
            "OrderId": order,
            "PricebookEntryId": entry,
            "Quantity": 1,
            "UnitPrice": 10,
        }

    results = api.post(
        "composite/sobjects", {"allOrNone": True, "records": [item(catalog.standard_entry), item(custom_entry)]}
    ).json()
    assert [r["success"] for r in results] == [False, False]
    assert results[1]["errors"][0]["statusCode"] == "FIELD_INTEGRITY_EXCEPTION"
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 0
    done = api.post(
        "composite/sobjects", {"records": [item(catalog.standard_entry), item(catalog.standard_entry)]}
    ).json()
    assert [r["success"] for r in done] == [True, True]
    assert api.get(f"sobjects/Order/{order}").json()["TotalAmount"] == 20


def test_describe_shows_the_computed_and_external_id_fields(api: Api) -> None:
    order = {f["name"]: f for f in api.get("sobjects/Order/describe").json()["fields"]}
    assert order["OrderNumber"]["autoNumber"] is True and order["OrderNumber"]["createable"] is False
    assert order["TotalAmount"]["calculated"] is True and order["TotalAmount"]["updateable"] is False
    assert order["Site_Order_Id__c"]["externalId"] is True and order["Site_Order_Id__c"]["unique"] is True
    assert order["BillToContactId"]["referenceTo"] == ["Contact"]
    product = {f["name"]: f for f in api.get("sobjects/Product2/describe").json()["fields"]}
    assert product["Sku__c"]["externalId"] is True and product["Name"]["nillable"] is False
    item = {f["name"]: f for f in api.get("sobjects/OrderItem/describe").json()["fields"]}
    assert item["Product2Id"]["createable"] is False and item["TotalPrice"]["calculated"] is True
    pricebook = {f["name"]: f for f in api.get("sobjects/Pricebook2/describe").json()["fields"]}
    assert pricebook["IsStandard"]["createable"] is False and pricebook["IsStandard"]["updateable"] is False
