"""A purchase in the shop reaches Salesforce, in a real browser against the emulated org.

The owner enables the shop and Salesforce Contacts, connects, turns orders on and puts
a product on sale; a visitor registers, buys it (Manual / test payments are paid at
once) and sees the order in My orders; the Order with its OrderItem arrives in the
org, and the owner's order page links it.
"""

import re
import time
from collections.abc import Callable
from typing import Any

from owner_steps import (
    SYNC_TIMEOUT_MS,
    card,
    connect_contacts,
    enable_plugins,
    flash,
    open_contacts_tab,
    register,
    reload_until_visible,
    set_up_site,
)
from playwright.sync_api import Page, expect

from salesforce_emulator.testing import EmulatorHandle

SKU = "MUG-BLUE"


def enable_the_shop(page: Page, base_url: str) -> None:
    """Enable the shop, with Manual / test payments paid at once, as one tries a shop out."""
    page.goto(base_url + "/admin/marketplace/")
    card(page, "Shop").get_by_role("button", name="Enable").click()
    expect(card(page, "Shop").get_by_role("button", name="Disable")).to_be_visible()
    card(page, "Shop").get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Manual / test payments are paid at once").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Settings of Shop saved.")).to_be_visible()


def put_on_sale(page: Page, base_url: str) -> None:
    page.goto(base_url + "/admin/plugins/shop/products/new")
    page.get_by_label("Name", exact=True).fill("Plughost mug")
    page.get_by_label("SKU", exact=True).fill(SKU)
    page.get_by_label("Price", exact=True).fill("12.50")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("row").filter(has_text=SKU)).to_be_visible()


def turn_orders_on(page: Page, base_url: str, account_id: str) -> None:
    page.goto(base_url + "/admin/plugins/salesforce_contacts/orders/")
    page.get_by_label("Send paid orders to Salesforce").check()
    page.get_by_label("Default Account ID").fill(account_id)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Orders settings saved")).to_be_visible()


def order_in_salesforce(emulator: EmulatorHandle, number: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The Order whose description names ``number``, once it has its items (polled with a deadline)."""
    deadline = time.monotonic() + SYNC_TIMEOUT_MS / 1000
    while True:
        orders = [o for o in emulator.admin.records("Order") if number in (o.get("Description") or "")]
        items = [i for i in emulator.admin.records("OrderItem") if orders and i["OrderId"] == orders[0]["Id"]]
        if items:
            return orders[0], items
        assert time.monotonic() < deadline, f"order {number} did not reach the emulated org"
        time.sleep(0.1)


def test_a_visitor_buys_a_mug_and_its_order_reaches_salesforce(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
    screenshots: Callable[..., None],
) -> None:
    base_url = site()
    owner = new_page()
    set_up_site(owner, base_url)
    enable_plugins(owner, base_url, ("Salesforce Contacts",))
    enable_the_shop(owner, base_url)
    connect_contacts(owner, base_url, emulator, logged_in_to_salesforce=False)
    open_contacts_tab(owner, "Object & fields")
    owner.get_by_role("button", name="Save mapping").click()
    expect(flash(owner, "Field mapping saved")).to_be_visible()
    account = emulator.admin.insert("Account", Name="Web shop customers")
    turn_orders_on(owner, base_url, account)
    put_on_sale(owner, base_url)

    buyer = new_page()
    register(buyer, base_url, "Grace", "grace@example.com")
    buyer.goto(base_url + "/shop/")
    buyer.get_by_role("link", name="Plughost mug").first.click()
    buyer.get_by_label("Quantity").fill("2")
    buyer.get_by_role("button", name="Add to cart").click()
    expect(flash(buyer, "Plughost mug is in your cart (2).")).to_be_visible()
    buyer.get_by_role("link", name="Check out").click()
    buyer.get_by_role("button", name="Place the order").click()
    number = re.sub(r"^Order\s+", "", buyer.get_by_role("heading", level=1).inner_text()).split()[0]
    buyer.goto(base_url + "/shop/orders")
    row = buyer.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("25.00 USD")
    expect(row).to_contain_text("Paid")
    screenshots(buyer, "shop-my-orders")

    sent, items = order_in_salesforce(emulator, number)
    assert sent["BillToContactId"] and sent["AccountId"] == account and sent["TotalAmount"] == 25.0
    assert [(item["Quantity"], item["UnitPrice"]) for item in items] == [(2, 12.5)]
    [product] = emulator.admin.records("Product2")
    assert (product["Sku__c"], product["Name"]) == (SKU, "Plughost mug")

    owner.goto(base_url + "/admin/plugins/shop/orders/")
    owner.get_by_role("link", name=number).click()
    link = owner.get_by_role("link", name=f"Order {sent['Id']}")
    reload_until_visible(owner, link)
    expect(link).to_have_attribute("href", f"{emulator.base_url}/lightning/r/Order/{sent['Id']}/view")
    expect(owner.get_by_text(re.compile(r"Created Order \w+ with 1 item,"))).to_be_visible()
    screenshots(owner, "shop-order-salesforce")
