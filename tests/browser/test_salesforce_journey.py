"""A site owner's whole Salesforce journey, in a real browser, against the emulated org.

Set up the site, enable both Salesforce plugins on the Marketplace, connect each
through Salesforce's login and Allow pages, map fields, see an affiliate reach
Salesforce as a Lead and a new user as a Contact with its topic, lose the connection
when a Salesforce admin revokes it, and reauthorize to let the held sync through.
"""

import re
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from salesforce_emulator.config import ConnectedAppConfig
from salesforce_emulator.testing import EmulatorHandle

OWNER_PASSWORD = "a long owner password"
VISITOR_PASSWORD = "a long visitor password"
TAG = "Newsletter"
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


def set_up_site(page: Page, base_url: str) -> None:
    """The first visit: the set-up page creates the owner's account."""
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/setup$"))
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
    expect(page.get_by_role("button", name="Reauthorize")).to_be_visible()


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


def record_row(page: Page, text: str) -> Locator:
    """The row of the emulator's record list that mentions ``text``."""
    return page.get_by_role("row").filter(has_text=text)


def test_owner_connects_both_plugins_and_recovers_a_revoked_connection(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
    screenshots: Callable[..., None],
) -> None:
    leads_app, contacts_app = emulator.config.connected_apps
    base_url = site()
    owner = new_page()

    set_up_site(owner, base_url)
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    screenshots(owner, "marketplace-enabled")

    # Salesforce Leads: the Connected App's details, then Grant permissions.
    open_settings(owner, base_url, "Salesforce Leads")
    owner.get_by_label("Consumer Key", exact=True).fill(leads_app.consumer_key)
    owner.get_by_label("Consumer Secret", exact=True).fill(leads_app.consumer_secret)
    owner.get_by_label("API URL", exact=True).fill(f"{emulator.base_url}/services/data/v62.0")
    owner.get_by_label("Salesforce domain", exact=True).fill(emulator.base_url)
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner, "Settings of Salesforce Leads saved.")).to_be_visible()
    register_callback_url(owner, base_url, emulator, leads_app)
    owner.get_by_role("button", name="Grant permissions").click()
    allow_access(owner, emulator, leads_app, log_in=True)
    expect_connected(owner, emulator)
    screenshots(owner, "leads-settings")

    # Leads need a Company: the affiliate's company is mapped; a default covers its absence.
    owner.get_by_role("main").get_by_role("link", name="Setup fields").click()
    expect(owner.get_by_role("heading", name="Salesforce fields: affiliates → Lead")).to_be_visible()
    expect(owner.get_by_label("Company", exact=True)).to_have_value("Company")
    owner.get_by_label(re.compile(r"^Company \(Company\)")).fill("Plughost affiliate")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner, "The field mapping for Lead is saved.")).to_be_visible()
    expect(owner.get_by_label(re.compile(r"^Company \(Company\)"))).to_have_value("Plughost affiliate")
    expect(owner.get_by_text(re.compile("^Nothing feeds"))).to_have_count(0)
    screenshots(owner, "leads-field-mapping")

    # Salesforce Contacts: a custom login URL, the Connected App, tags as Topics.
    open_settings(owner, base_url, "Salesforce Contacts")
    owner.get_by_label("Salesforce login", exact=True).select_option(label="My Domain or another URL")
    owner.get_by_label("My Domain URL", exact=True).fill(emulator.base_url)
    owner.get_by_label("Consumer Key", exact=True).fill(contacts_app.consumer_key)
    owner.get_by_label("Consumer Secret", exact=True).fill(contacts_app.consumer_secret)
    owner.get_by_label("Tags in Salesforce", exact=True).select_option(label="Topics")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner, "Settings of Salesforce Contacts saved.")).to_be_visible()
    expect(owner.get_by_text("Connect to Salesforce to map fields.")).to_be_visible()
    register_callback_url(owner, base_url, emulator, contacts_app)
    owner.get_by_role("button", name="Authorize with Salesforce").click()
    # Still logged in to Salesforce from the Leads step: only this app's Allow page.
    allow_access(owner, emulator, contacts_app, log_in=False)
    expect_connected(owner, emulator)
    expect(owner.get_by_label("Email", exact=True)).to_have_value("email")
    expect(owner.get_by_label("Last Name", exact=True)).to_have_value("last_name")
    owner.get_by_role("button", name="Save mapping").click()
    expect(flash(owner, "Field mapping saved")).to_be_visible()
    screenshots(owner, "contacts-settings", until=owner.get_by_role("button", name="Reauthorize"))
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
    expect(banner.get_by_role("link", name="Reauthorize")).to_be_visible()
    screenshots(owner, "reauthorize-banner")
    owner.goto(base_url + "/admin/marketplace/")
    expect(card(owner, "Salesforce Contacts")).to_contain_text("Needs reauthorization")
    salesforce.reload()
    expect(record_row(salesforce, "walt@example.com")).to_have_count(0)

    # Reauthorizing sends the held user; the banner goes away.
    banner.get_by_role("link", name="Reauthorize").click()
    owner.get_by_role("button", name="Reauthorize").click()
    expect_connected(owner, emulator)
    expect(owner.get_by_role("alert").filter(has_text="stopped syncing")).to_have_count(0)
    reload_until_visible(salesforce, record_row(salesforce, "walt@example.com"))
    expect(record_row(salesforce, "walt@example.com")).to_contain_text(TAG)
