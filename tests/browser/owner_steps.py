"""What a site owner does in the browser, step by step, shared by the browser tests:
set up the site, enable plugins, connect each Salesforce plugin to the emulated org."""

import re
import time

from playwright.sync_api import Locator, Page, expect

from salesforce_emulator.config import ConnectedAppConfig
from salesforce_emulator.testing import EmulatorHandle

OWNER_PASSWORD = "a long owner password"
VISITOR_PASSWORD = "a long visitor password"
#: How long a sync may take to reach Salesforce and show, in milliseconds.
SYNC_TIMEOUT_MS = 15_000


def card(page: Page, title: str) -> Locator:
    """The Marketplace card of the plugin titled ``title``."""
    return page.get_by_role("article").filter(has=page.get_by_role("heading", name=title, exact=True))


def flash(page: Page, text: str | re.Pattern[str]) -> Locator:
    """The page's notice saying ``text``."""
    return page.get_by_role("status").filter(has_text=text)


def reload_until_visible(page: Page, locator: Locator, timeout_ms: int = SYNC_TIMEOUT_MS) -> None:
    """Reload ``page`` until ``locator`` shows, for pages that do not update themselves."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            expect(locator).to_be_visible(timeout=500)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def set_up_site(page: Page, base_url: str, *, title: str = "", tagline: str = "") -> None:
    """The first visit: the set-up page creates the owner's account (and names the site, if told)."""
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    if title:
        page.get_by_label("Site title").fill(title)
    if tagline:
        page.get_by_label("Tagline (optional)").fill(tagline)
    page.get_by_label("First name").fill("Olive")
    page.get_by_label("Last name").fill("Owner")
    page.get_by_label("Email", exact=True).fill("owner@example.com")
    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label(re.compile("Repeat|Confirm")).fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create the owner account").click()
    expect(page.get_by_text("Your site is ready")).to_be_visible()


def enable_plugins(page: Page, base_url: str, titles: tuple[str, ...]) -> None:
    """Enable each plugin on the Marketplace; its card then asks for its settings."""
    page.goto(base_url + "/admin/marketplace/")
    for title in titles:
        card(page, title).get_by_role("button", name="Enable").click()
        expect(card(page, title).get_by_role("button", name="Disable")).to_be_visible()
    for title in titles:
        expect(card(page, title)).to_contain_text("Needs setup")
        expect(card(page, title)).to_contain_text(re.compile(r"Fill in its settings: Consumer Key, Consumer Secret"))


def open_settings(page: Page, base_url: str, title: str) -> None:
    """Go to a plugin's settings the way an owner does: its card's Settings link."""
    page.goto(base_url + "/admin/marketplace/")
    card(page, title).get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


def register_callback_url(page: Page, base_url: str, emulator: EmulatorHandle, app: ConnectedAppConfig) -> None:
    """Copy the callback URL the settings page shows into the Connected App, as its setup asks."""
    callback_url = page.get_by_text(re.compile(r"/oauth2/callback$")).inner_text()
    assert callback_url.startswith(base_url + "/")
    emulator.admin.configure_app(app.consumer_key, callback_urls=[callback_url])


def allow_access(page: Page, emulator: EmulatorHandle, app: ConnectedAppConfig, *, log_in: bool) -> None:
    """On Salesforce's pages: log in if asked to, then Allow the Connected App."""
    if log_in:
        expect(page.get_by_role("heading", name=f"Log in to {emulator.config.org_name}")).to_be_visible()
        page.get_by_label("Username").fill(emulator.username)
        page.get_by_label("Password").fill(emulator.password)
        page.get_by_role("button", name="Log In").click()
    expect(page.get_by_role("heading", name="Allow Access?")).to_be_visible()
    expect(page.get_by_text(app.name, exact=True)).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def connected_as(emulator: EmulatorHandle) -> re.Pattern[str]:
    """What the site says of a connection to the emulated org as its user."""
    org = emulator.config
    return re.compile(rf"Connected to {re.escape(org.org_name)} (\({org.org_id}\) )?as {re.escape(emulator.username)}")


def expect_connected(page: Page, emulator: EmulatorHandle) -> None:
    """Back on the plugin's page, connected as the Salesforce user who allowed access."""
    expect(flash(page, connected_as(emulator))).to_be_visible()
    expect(page.get_by_role("button", name="Reconnect")).to_be_visible()


def open_contacts_tab(page: Page, name: str) -> None:
    """One of the Salesforce Contacts settings tabs, through its tab bar."""
    tab = page.get_by_role("navigation", name="Salesforce Contacts settings").get_by_role("link", name=name)
    tab.click()
    expect(tab).to_have_attribute("aria-current", "page")


def register(page: Page, base_url: str, first_name: str, email: str) -> None:
    """A visitor creates an account on the public registration page."""
    page.goto(base_url + "/register")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Visitor")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(VISITOR_PASSWORD)
    page.get_by_label(re.compile("Repeat|Confirm")).fill(VISITOR_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).not_to_have_url(re.compile(r"/register$"))


def connect_leads(page: Page, base_url: str, emulator: EmulatorHandle) -> None:
    """Salesforce Leads: the Connected App's details, then Connect to Salesforce and Allow."""
    leads_app = emulator.config.connected_apps[0]
    open_settings(page, base_url, "Salesforce Leads")
    page.get_by_label("Consumer Key", exact=True).fill(leads_app.consumer_key)
    page.get_by_label("Consumer Secret", exact=True).fill(leads_app.consumer_secret)
    page.get_by_label("API URL", exact=True).fill(f"{emulator.base_url}/services/data/v62.0")
    page.get_by_label("Salesforce domain", exact=True).fill(emulator.base_url)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Settings of Salesforce Leads saved.")).to_be_visible()
    register_callback_url(page, base_url, emulator, leads_app)
    page.get_by_role("button", name="Connect to Salesforce").click()
    allow_access(page, emulator, leads_app, log_in=True)
    expect_connected(page, emulator)


def connect_contacts(page: Page, base_url: str, emulator: EmulatorHandle, *, logged_in_to_salesforce: bool) -> None:
    """Salesforce Contacts: its Connection tab, a My Domain login URL, the Connected App, then Allow."""
    contacts_app = emulator.config.connected_apps[1]
    open_settings(page, base_url, "Salesforce Contacts")
    tab = page.get_by_role("navigation", name="Salesforce Contacts settings").get_by_role("link", name="Connection")
    expect(tab).to_have_attribute("aria-current", "page")
    my_domain = page.get_by_label("My Domain URL", exact=True)
    expect(my_domain).to_be_hidden()
    page.get_by_label("Salesforce login", exact=True).select_option(label="My Domain")
    my_domain.fill(emulator.base_url)
    page.get_by_label("Consumer Key", exact=True).fill(contacts_app.consumer_key)
    page.get_by_label("Consumer Secret", exact=True).fill(contacts_app.consumer_secret)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Settings of Salesforce Contacts saved.")).to_be_visible()
    expect(page.get_by_text("Not connected yet", exact=False)).to_be_visible()
    register_callback_url(page, base_url, emulator, contacts_app)
    page.get_by_role("button", name="Connect to Salesforce").click()
    allow_access(page, emulator, contacts_app, log_in=not logged_in_to_salesforce)
    expect_connected(page, emulator)
