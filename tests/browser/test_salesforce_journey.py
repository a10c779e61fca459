"""A site owner's whole Salesforce journey, in a real browser, against the emulated org.

Set up the site, enable both Salesforce plugins on the Marketplace, connect each
through Salesforce's login and Allow pages, map fields, see an affiliate reach
Salesforce as a Lead and a new user as a Contact with its topic, lose the connection
when a Salesforce admin revokes it, and reauthorize to let the held sync through.
"""

import re
from collections.abc import Callable

from owner_steps import (
    SYNC_TIMEOUT_MS,
    card,
    connect_contacts,
    connect_leads,
    connected_as,
    enable_plugins,
    expect_connected,
    flash,
    open_contacts_tab,
    register,
    reload_until_visible,
    set_up_site,
)
from playwright.sync_api import Locator, Page, expect

from salesforce_emulator.testing import EmulatorHandle

TAG = "Newsletter"


def record_row(page: Page, text: str) -> Locator:
    """The row of the emulator's record list that mentions ``text``."""
    return page.get_by_role("row").filter(has_text=text)


def test_owner_connects_both_plugins_and_recovers_a_revoked_connection(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
    screenshots: Callable[..., None],
) -> None:
    base_url = site()
    owner = new_page()

    set_up_site(owner, base_url)
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    screenshots(owner, "marketplace-enabled")

    connect_leads(owner, base_url, emulator)
    screenshots(owner, "leads-settings")

    # Leads need a Company: the affiliate's company is mapped; a default covers its absence.
    owner.get_by_role("navigation", name="Salesforce Leads settings").get_by_role("link", name="Fields").click()
    expect(owner.get_by_role("heading", name="Salesforce fields: affiliates → Lead")).to_be_visible()
    expect(owner.get_by_label("Company", exact=True)).to_have_value("company")
    owner.get_by_label("Company default", exact=True).fill("Plughost affiliate")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner, "The field mapping for Lead is saved.")).to_be_visible()
    expect(owner.get_by_label("Company default", exact=True)).to_have_value("Plughost affiliate")
    expect(owner.get_by_text(re.compile("^Nothing feeds"))).to_have_count(0)
    screenshots(owner, "leads-field-mapping")

    # Still logged in to Salesforce from the Leads step: only this app's Allow page.
    connect_contacts(owner, base_url, emulator, logged_in_to_salesforce=True)
    screenshots(owner, "contacts-settings", until=owner.get_by_role("button", name="Reconnect"))
    # The owner registered before the plugin was enabled: the Connection tab offers to send them.
    expect(owner.get_by_text("1 user is not in Salesforce yet.")).to_be_visible()
    owner.get_by_role("button", name="Send them").click()
    expect(flash(owner, "Sending 1 existing user records to Salesforce Contacts")).to_be_visible()
    expect(owner.get_by_role("link", name="Send existing")).to_have_attribute("aria-current", "page")
    reload_until_visible(owner, owner.get_by_text("Every record is in Salesforce or on its way."))
    open_contacts_tab(owner, "Object & fields")
    expect(owner.get_by_label("Email", exact=True)).to_have_value("email")
    expect(owner.get_by_label("Last Name", exact=True)).to_have_value("last_name")
    owner.get_by_role("button", name="Save mapping").click()
    expect(flash(owner, "Field mapping saved")).to_be_visible()
    screenshots(owner, "contacts-fields")
    # The tag picklist field shows only while a picklist mode is chosen; tags stay Topics.
    open_contacts_tab(owner, "Tags")
    picklist = owner.get_by_label("Tag picklist field", exact=True)
    expect(picklist).to_be_hidden()
    owner.get_by_label("Tags in Salesforce", exact=True).select_option(label="A picklist field (one value)")
    expect(picklist).to_be_visible()
    owner.get_by_label("Tags in Salesforce", exact=True).select_option(label="Topics")
    expect(picklist).to_be_hidden()
    owner.goto(base_url + "/admin/marketplace/")
    for title in ("Salesforce Leads", "Salesforce Contacts"):
        expect(card(owner, title)).to_contain_text(connected_as(emulator))
    screenshots(owner, "marketplace-connected")

    # An affiliate the owner adds reaches Salesforce as a Lead; the page says so in green.
    owner.goto(base_url + "/admin/affiliates/new")
    owner.get_by_label("First name").fill("Margaret")
    owner.get_by_label("Last name").fill("Hamilton")
    owner.get_by_label("Email", exact=True).fill("margaret@apollo.example")
    owner.get_by_label("Company", exact=True).fill("Apollo Referrals")
    owner.get_by_role("button", name="Save", exact=True).click()
    synced = flash(owner, re.compile(r"Synced to Salesforce — Lead 00Q\w+"))
    expect(synced).to_be_visible(timeout=SYNC_TIMEOUT_MS)
    expect(synced).to_have_class(re.compile(r"\bnotice-success\b"))
    expect(synced.get_by_role("link", name="(open)")).to_have_attribute(
        "href", re.compile(rf"^{re.escape(emulator.base_url)}/lightning/r/Lead/00Q\w+/view$")
    )
    screenshots(owner, "affiliate-synced")

    # New users get the tag, which becomes their Contact's topic.
    owner.goto(base_url + "/admin/tags/")
    owner.get_by_label("Name", exact=True).fill(TAG)
    owner.get_by_label("Give it to every new user").check()
    owner.get_by_role("button", name="Create the tag").click()
    expect(owner.get_by_role("row").filter(has_text=TAG)).to_contain_text("Yes")

    register(new_page(), base_url, "Vera", "vera@example.com")

    salesforce = owner.context.new_page()
    salesforce.goto(emulator.base_url + "/_emulator/ui/Lead")
    salesforce.get_by_label("Admin token").fill(emulator.config.admin_token)
    salesforce.get_by_role("button", name="Open").click()
    expect(record_row(salesforce, "margaret@apollo.example")).to_contain_text("Apollo Referrals")
    salesforce.goto(emulator.base_url + "/_emulator/ui/Contact")
    reload_until_visible(salesforce, record_row(salesforce, "vera@example.com"))
    expect(record_row(salesforce, "vera@example.com")).to_contain_text(TAG)
    record_row(salesforce, "vera@example.com").get_by_role("link").click()
    expect(salesforce.get_by_text(f"Topics: {TAG}", exact=True)).to_be_visible()
    expect(salesforce.get_by_label("Email", exact=True)).to_have_value("vera@example.com")
    screenshots(salesforce, "emulator-contact")
    salesforce.go_back()

    # A Salesforce admin revokes the site's access: the next sync cannot refresh its token.
    assert emulator.admin.revoke_refresh_tokens(emulator.username) == 2
    emulator.admin.expire_sessions()
    register(new_page(), base_url, "Walt", "walt@example.com")

    owner.goto(base_url + "/admin/")
    banner = owner.get_by_role("alert").filter(has_text="Salesforce Contacts has stopped syncing")
    reload_until_visible(owner, banner)
    expect(banner.get_by_role("link", name="Reconnect")).to_be_visible()
    screenshots(owner, "reauthorize-banner")
    owner.goto(base_url + "/admin/marketplace/")
    expect(card(owner, "Salesforce Contacts")).to_contain_text("Needs reauthorization")
    salesforce.reload()
    expect(record_row(salesforce, "walt@example.com")).to_have_count(0)

    # Reauthorizing sends the held user; the banner goes away.
    banner.get_by_role("link", name="Reconnect").click()
    owner.get_by_role("button", name="Reconnect").click()
    expect_connected(owner, emulator)
    expect(owner.get_by_role("alert").filter(has_text="stopped syncing")).to_have_count(0)
    reload_until_visible(salesforce, record_row(salesforce, "walt@example.com"))
    expect(record_row(salesforce, "walt@example.com")).to_contain_text(TAG)
