"""The admin on a phone, in a real browser: no page scrolls sideways at 390 px, a delete
asks first, and the site's title is shown. The site is connected to the emulated org,
with a record of each kind on every list, so the pages are as wide as they get."""

import re
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

import pytest
from owner_steps import (
    OWNER_PASSWORD,
    SYNC_TIMEOUT_MS,
    connect_contacts,
    connect_leads,
    enable_plugins,
    flash,
    register,
    reload_until_visible,
    set_up_site,
)
from playwright.sync_api import Page, expect

from salesforce_emulator.testing import EmulatorHandle

PHONE = {"width": 390, "height": 844}
SITE_TITLE = "Rivertown Runners"
TAGLINE = "Saturday runs along the river, and the people who make them happen"
#: Pages the menu does not link to directly, reached from the lists.
DEEPER_PAGES = ("/admin/users/new", "/admin/affiliates/new")
#: At most this many admin pages are walked: the site has a handful of records, so far fewer exist.
MAX_PAGES = 80


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def add_affiliate(page: Page, base_url: str, first_name: str, email: str, company: str) -> None:
    page.goto(base_url + "/admin/affiliates/new")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Longfellow-Featherstonehaugh")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Company", exact=True).fill(company)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, f"{first_name} Longfellow-Featherstonehaugh was added.")).to_be_visible()


@pytest.fixture
def connected_site(site: Callable[..., str], emulator: EmulatorHandle, new_page: Callable[..., Page]) -> str:
    """A named site with both Salesforce plugins connected, a synced user and affiliate, a
    tag, a custom field, an outbound-message endpoint, mail, and a dead letter."""
    base_url = site()
    owner = new_page()
    set_up_site(owner, base_url, title=SITE_TITLE, tagline=TAGLINE)
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    connect_leads(owner, base_url, emulator)
    connect_contacts(owner, base_url, emulator, logged_in_to_salesforce=True)
    owner.get_by_role("button", name="Save mapping").click()
    expect(flash(owner, "Field mapping saved")).to_be_visible()
    owner.get_by_role("button", name="Add endpoint").click()
    expect(flash(owner, "Endpoint added.")).to_be_visible()

    owner.goto(base_url + "/admin/tags/")
    owner.get_by_label("Name", exact=True).fill("Volunteers-and-marshals-for-the-long-course")
    owner.get_by_label("Give it to every new user").check()
    owner.get_by_role("button", name="Create the tag").click()
    owner.goto(base_url + "/admin/settings/")
    owner.get_by_label("Label").fill("Emergency contact during the longest runs")
    owner.get_by_label("Key").fill("emergency_contact_during_the_longest_runs")
    owner.get_by_role("button", name="Add the field").click()
    expect(flash(owner, "added.")).to_be_visible()

    register(new_page(), base_url, "Vera", "vera.with-a-rather-long-address@example.com")
    add_affiliate(owner, base_url, "Margaret", "margaret@apollo.example", "Apollo Referrals")
    # Leads need a Company and no default is set: this one fails at once and is kept as a dead letter.
    add_affiliate(owner, base_url, "Nobody", "nobody@apollo.example", "")
    owner.goto(base_url + "/admin/sync/dead")
    reload_until_visible(owner, owner.get_by_role("row").filter(has_text="Nobody"), SYNC_TIMEOUT_MS)
    return base_url


def admin_links(page: Page, base_url: str) -> set[str]:
    """The admin pages this page links to on the site, without fragments."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    found = set()
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(base_url + "/admin/"):
            found.add(url)
    return found


def test_no_admin_page_scrolls_sideways_on_a_phone(connected_site, new_page, screenshots):
    base_url = connected_site
    phone = new_page(viewport=PHONE)
    log_in(phone, base_url)
    to_visit = {base_url + "/admin/", *(base_url + path for path in DEEPER_PAGES)}
    widths: dict[str, int] = {}
    while to_visit and len(widths) < MAX_PAGES:
        url = min(to_visit)
        to_visit.discard(url)
        response = phone.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        widths[urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")] = phone.evaluate(
            "document.documentElement.scrollWidth"
        )
        to_visit |= admin_links(phone, base_url) - {base_url + path for path in widths} - {
            base_url + urlsplit(url).path
        }
    expected = {
        "/admin/",
        "/admin/users/",
        "/admin/affiliates/",
        "/admin/tags/",
        "/admin/marketplace/",
        "/admin/settings/",
        "/admin/outbox/",
        "/admin/sync/records",
        "/admin/sync/dead",
        "/admin/plugins/salesforce_contacts/",
        "/admin/plugins/salesforce_leads/",
        "/admin/plugins/salesforce_leads/fields",
    }
    assert expected <= set(widths), f"not reached: {sorted(expected - set(widths))}"
    assert any(re.fullmatch(r"/admin/users/\d+", path) for path in widths)
    assert any(re.fullmatch(r"/admin/affiliates/\d+", path) for path in widths)
    too_wide = {path: width for path, width in widths.items() if width > PHONE["width"]}
    assert too_wide == {}, f"these pages scroll sideways at {PHONE['width']} px (their width): {too_wide}"

    phone.goto(base_url + "/admin/")
    screenshots(phone, "phone-dashboard")
    phone.get_by_text("Menu").click()
    expect(phone.get_by_role("navigation", name="Admin")).to_be_visible()
    screenshots(phone, "phone-menu")
    phone.goto(base_url + "/admin/plugins/salesforce_contacts/")
    screenshots(phone, "phone-contacts-settings")
