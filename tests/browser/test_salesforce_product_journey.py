"""Both Salesforce plugins as one product, as a site owner clicks through them in a browser.

Contacts' settings are tabs that say "Not connected yet" until the first connection.
Leads connects and Contacts joins its connection, so the org sees one approval (and
four more elsewhere revoke neither), and disconnecting Contacts leaves Leads connected;
a revoke stops both, and one Reconnect restores both.
Both plugins ask for the login the same way and speak one vocabulary (Connect to
Salesforce, Reconnect, Test connection, Disconnect). Records made before connecting
are sent from Contacts' page and from the Sync page. One field-mapping table takes
versions and objects only from the org's lists; what Salesforce refuses (a tag its
restricted picklist lacks, a mapped field it deleted) is named where the owner looks;
Leads keeps within its share of the org's daily API requests; and a used-up limit
pauses syncing with a banner on every admin page until it frees.
"""

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from owner_steps import (
    SYNC_TIMEOUT_MS,
    connect_leads,
    connected_as,
    enable_plugins,
    flash,
    open_contacts_tab,
    open_settings,
    register,
    reload_until_visible,
    set_up_site,
)
from playwright.sync_api import Locator, Page, expect

from salesforce_emulator.testing import EmulatorHandle, pkce_pair

#: A Lead field the owner adds in Salesforce, maps, and a Salesforce admin later deletes.
NICKNAME = {"name": "Nickname__c", "label": "Nickname", "type": "string", "length": 80}
#: Site tags for new users: one the Interests picklist has, one it lacks.
TAG_IN_PICKLIST = "Webinar"
TAG_SALESFORCE_LACKS = "Golf"
#: The words the plugins used before they spoke one vocabulary.
OLD_WORDS = re.compile(r"Grant permissions|Authorize with Salesforce|Reauthorize with Salesforce|\bAuthorize\b")
#: How long a page that refreshes itself may take to show a finished send, in milliseconds.
SEND_TIMEOUT_MS = 30_000

Screenshots = Callable[..., None]


def sync_section(page: Page, title: str) -> Locator:
    """The Sync page's section of the plugin titled ``title``."""
    return page.locator("section.sync-plugin").filter(has=page.get_by_role("heading", name=re.compile(f"^{title}")))


def delivered(section: Locator, count: int) -> Locator:
    """The Sync section's count of deliveries in the last 24 hours, once it is ``count``."""
    return section.locator('[data-count="done"]').filter(has_text=re.compile(rf"^{count}$"))


def add_affiliate(page: Page, base_url: str, first_name: str, email: str, company: str = "") -> None:
    """The owner adds an affiliate on the admin's Affiliates page."""
    page.goto(base_url + "/admin/affiliates/new")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Partner")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Company", exact=True).fill(company)
    page.get_by_role("button", name="Save", exact=True).click()


def open_contacts(page: Page, base_url: str, tab: str) -> None:
    """A tab of Salesforce Contacts' settings, reached from its Marketplace card."""
    open_settings(page, base_url, "Salesforce Contacts")
    open_contacts_tab(page, tab)


def open_user(page: Page, base_url: str, name: str) -> None:
    """A user's admin page, found in the Users list by name."""
    page.goto(base_url + "/admin/users/")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()


def expect_one_vocabulary(page: Page) -> None:
    """The connection panel says Reconnect, Test connection and Disconnect, and none of the old words."""
    panel = page.locator("#salesforce-connection")
    expect(panel.get_by_role("button", name="Reconnect")).to_be_visible()
    expect(panel.get_by_role("button", name="Test connection")).to_be_visible()
    expect(panel.get_by_text("Disconnect", exact=True)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text(OLD_WORDS)


def expect_one_login_choice(page: Page) -> None:
    """The plugin asks where the owner logs in to Salesforce as the other does; My Domain's URL only for it."""
    expect(page.get_by_label("Salesforce login", exact=True).locator("option")).to_have_text(
        ["Production (login.salesforce.com)", "Sandbox (test.salesforce.com)", "My Domain"]
    )
    expect(page.get_by_label("My Domain URL", exact=True)).to_be_hidden()


def approve_on_another_site(emulator: EmulatorHandle, callback_url: str) -> None:
    """The same Salesforce user approves the same connected app once more, as another site would."""
    verifier, challenge = pkce_pair()
    authorize_url = emulator.authorize_url(redirect_uri=callback_url, code_challenge=challenge)
    code = parse_qs(urlsplit(emulator.authorize_with_requests(authorize_url)).query)["code"][0]
    token = emulator.session().post(
        f"{emulator.base_url}/services/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": emulator.consumer_key,
            "client_secret": emulator.consumer_secret,
            "redirect_uri": callback_url,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    token.raise_for_status()


def check_connection(page: Page, emulator: EmulatorHandle) -> None:
    """Test connection makes one call and answers in a sentence with the day's API requests."""
    page.get_by_role("button", name="Test connection").click()
    limit = f"{emulator.config.api_limit:,}"
    expect(
        flash(page, re.compile(rf"^The connection works: Salesforce answered, with [\d,]+ of {limit} API"))
    ).to_be_visible()


def see_contacts_tabs_before_connecting(page: Page, base_url: str) -> None:
    """Contacts' settings are short tabs; before the first connection they say so and hold back what needs it."""
    open_settings(page, base_url, "Salesforce Contacts")
    tabs = page.get_by_role("navigation", name="Salesforce Contacts settings").get_by_role("link")
    expect(tabs).to_have_text(
        [
            re.compile(f"^{name}")
            for name in ("Connection", "Object & fields", "Tags", "Webhooks", "Import", "Send existing")
        ]
    )
    expect(page.locator("#needs-connection")).to_contain_text("Not connected yet")
    expect(page.get_by_role("main")).not_to_contain_text(re.compile("reauthoriz", re.IGNORECASE))
    open_contacts_tab(page, "Object & fields")
    expect(page.get_by_role("button", name="Refresh available topics & fields")).to_be_disabled()
    expect(page.locator("#needs-connection")).to_contain_text("Not connected yet")


def connect_both_plugins(page: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """Leads connects; Contacts, given the same connected app, joins that connection: one approval."""
    open_settings(page, base_url, "Salesforce Leads")
    expect(page.get_by_role("main")).not_to_contain_text(OLD_WORDS)
    expect_one_login_choice(page)
    connect_leads(page, base_url, emulator)
    expect_one_vocabulary(page)
    check_connection(page, emulator)
    screenshots(page, "product-leads-connected")

    leads_app = emulator.config.connected_apps[0]
    open_contacts(page, base_url, "Connection")
    expect_one_login_choice(page)
    page.get_by_label("Salesforce login", exact=True).select_option(label="My Domain")
    page.get_by_label("My Domain URL", exact=True).fill(emulator.base_url)
    page.get_by_label("Consumer Key", exact=True).fill(leads_app.consumer_key)
    page.get_by_label("Consumer Secret", exact=True).fill(leads_app.consumer_secret)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Settings of Salesforce Contacts saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Connect as another user")).to_be_visible()
    screenshots(page, "product-contacts-share-offer", until=page.locator("#salesforce-connection"))
    page.get_by_role("button", name=f"Use the connection of Salesforce Leads ({emulator.username})").click()
    expect(flash(page, connected_as(emulator))).to_be_visible()
    expect(page.locator("#salesforce-connection-sharing")).to_have_text(
        re.compile(rf"This connection \({re.escape(emulator.username)}\) is shared with Salesforce Leads")
    )
    expect_one_vocabulary(page)
    check_connection(page, emulator)
    screenshots(page, "product-contacts-connected", until=page.locator("#salesforce-connection"))
    assert len(emulator.admin.approvals()) == 1, "the second plugin made no approval of its own"

    # Salesforce keeps five approvals per user and app; four more elsewhere revoke none of the site's.
    leads_callback = f"{base_url}/salesforce/oauth2/callback"
    for _ in range(4):
        approve_on_another_site(emulator, leads_callback)
    assert len(emulator.admin.approvals()) == 5
    emulator.admin.expire_sessions()
    open_settings(page, base_url, "Salesforce Leads")
    check_connection(page, emulator)
    open_contacts(page, base_url, "Connection")
    check_connection(page, emulator)


def send_existing_records(page: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """Users and an affiliate made before the plugins were connected: sent from Contacts' page and the Sync page."""
    open_contacts(page, base_url, "Connection")
    expect(page.get_by_text("2 users are not in Salesforce yet.")).to_be_visible()
    screenshots(page, "product-contacts-not-sent-yet", until=page.locator("[data-unsent]"))
    page.get_by_role("button", name="Send them").click()
    expect(flash(page, "Sending 2 existing user records to Salesforce Contacts")).to_be_visible()
    expect(page.get_by_role("link", name="Send existing")).to_have_attribute("aria-current", "page")
    # The tab follows the records by itself until they have all arrived.
    expect(page.get_by_text("Every record is in Salesforce or on its way.")).to_be_visible(timeout=SEND_TIMEOUT_MS)
    emails = {record["Email"] for record in emulator.admin.records("Contact")}
    assert {"owner@example.com", "early@example.com"} <= emails

    page.goto(base_url + "/admin/sync/")
    leads = sync_section(page, "Salesforce Leads")
    expect(leads).to_contain_text("1 affiliate is not in Salesforce Leads yet.")
    expect(sync_section(page, "Salesforce Contacts").locator("[data-unsent]")).to_have_count(0)
    screenshots(page, "product-sync-not-sent-yet")
    leads.get_by_role("button", name="Send them").click()
    expect(flash(page, "Sending 1 existing affiliate records to Salesforce Leads")).to_be_visible()
    screenshots(page, "product-sync-sending")
    reload_until_visible(page, delivered(leads, 1), SEND_TIMEOUT_MS)
    expect(page.locator("[data-unsent]")).to_have_count(0)
    leads_sent = emulator.admin.records("Lead")
    assert [(lead["Email"], lead["Company"]) for lead in leads_sent] == [("early@partner.example", "Website sign-up")]


def map_leads_fields(page: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """Leads' mapping: Company required with its default, objects from the org, a deleted field named."""
    open_settings(page, base_url, "Salesforce Leads")
    page.get_by_role("navigation", name="Salesforce Leads settings").get_by_role("link", name="Fields").click()
    expect(page.get_by_role("heading", name="Salesforce fields: affiliates → Lead")).to_be_visible()
    company = page.get_by_role("row").filter(has=page.get_by_label("Company default", exact=True))
    expect(company.get_by_text("Required", exact=True)).to_be_visible()
    expect(page.get_by_label("Company default", exact=True)).to_have_value("Website sign-up")
    expect(page.get_by_label("Affiliates go to")).to_contain_text("Lead (Lead)")

    # An object the org does not list, posted as a crafted form would, is refused in a sentence.
    page.get_by_label("Affiliates go to").evaluate(
        "select => select.add(new Option('Contact; DROP TABLE', 'Contact; DROP TABLE', true, true))"
    )
    page.get_by_role("button", name="Use this object").click()
    expect(flash(page, "Choose one of the objects listed; nothing was saved.")).to_have_class(
        re.compile("notice-error")
    )
    expect(page.get_by_label("Affiliates go to")).to_have_value("Lead")

    # Each default is checked against the field's type when saved.
    page.get_by_label("Employees default", exact=True).fill("a dozen")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".notice-error").filter(has_text="'a dozen' is not a number")).to_be_visible()
    page.get_by_label("Employees default", exact=True).fill("")

    # The owner adds a field in Salesforce, refreshes, and maps the affiliate's notes to it.
    emulator.admin.define_field("Lead", NICKNAME)
    page.get_by_role("button", name="Refresh fields").click()
    expect(flash(page, "The objects and the fields of Lead were read again from Salesforce.")).to_be_visible()
    page.get_by_label("Nickname", exact=True).select_option(label="Notes")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "The field mapping for Lead is saved.")).to_be_visible()
    screenshots(page, "product-leads-field-mapping")

    # A Salesforce admin deletes the field: the next refresh names it on the page and the dashboard.
    with emulator.org.lock:
        del emulator.org.schema.objects["lead"].fields["nickname__c"]
    page.get_by_role("button", name="Refresh fields").click()
    refused = page.locator("#refused-fields")
    expect(refused.get_by_role("row").filter(has_text="Nickname__c")).to_contain_text("Lead has no field Nickname__c")
    screenshots(page, "product-leads-refused-field")
    page.goto(base_url + "/admin/")
    expect(page.get_by_role("heading", name="Sent only in part")).to_be_visible()
    warnings = page.locator(".sync-warnings")
    expect(warnings).to_contain_text("Salesforce Leads: Lead has no field Nickname__c")

    # The warning leads to the mapping, where saving it drops the deleted field's row.
    warnings.get_by_role("link", name="Open the field mapping").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "The field mapping for Lead is saved.")).to_be_visible()
    expect(page.locator("#refused-fields")).to_have_count(0)


def choose_contacts_version(page: Page, base_url: str, emulator: EmulatorHandle) -> None:
    """Contacts' API version comes from the org's list; a typed one is refused and nothing changes."""
    open_contacts(page, base_url, "Object & fields")
    version = page.get_by_label("API version")
    chosen = version.input_value()
    expect(version.locator("option")).not_to_have_count(1)
    version.evaluate("select => select.add(new Option('sixty-two', 'sixty-two', true, true))")
    page.get_by_role("button", name="Use this version").click()
    expect(flash(page, "Choose one of the API versions listed; nothing was saved.")).to_have_class(
        re.compile("notice-error")
    )
    expect(page.get_by_label("API version")).to_have_value(chosen)


def send_tags_to_the_picklist(page: Page, base_url: str) -> None:
    """Contacts sends tags to the restricted Interests picklist instead of Topics."""
    open_contacts(page, base_url, "Tags")
    picklist = page.get_by_label("Tag picklist field", exact=True)
    expect(picklist).to_be_hidden()  # only for the picklist modes
    page.get_by_label("Tags in Salesforce", exact=True).select_option(
        label="A multi-select picklist field (one value per tag)"
    )
    picklist.select_option(label="Interests (multipicklist)")
    page.locator("#tags-settings").get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, re.compile("saved"))).to_be_visible()
    expect(page.get_by_label("Tag picklist field", exact=True)).to_have_value("Interests__c")


def give_new_users_tags(page: Page, base_url: str, *names: str) -> None:
    page.goto(base_url + "/admin/tags/")
    for name in names:
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Give it to every new user").check()
        page.get_by_role("button", name="Create the tag").click()
        expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("Yes")


def see_a_tag_salesforce_lacks(
    owner: Page, visitor: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots
) -> None:
    """A new user's tag the picklist lacks: named in the record's result, on Contacts' Tags card, on the dashboard."""
    send_tags_to_the_picklist(owner, base_url)
    give_new_users_tags(owner, base_url, TAG_IN_PICKLIST, TAG_SALESFORCE_LACKS)
    register(visitor, base_url, "Gwen", "gwen@example.com")

    open_user(owner, base_url, "Gwen Visitor")
    left_out = owner.get_by_text(
        re.compile(rf"Created Contact 003\w+; left out the tag {TAG_SALESFORCE_LACKS}: Interests__c has no such value")
    )
    reload_until_visible(owner, left_out)
    screenshots(owner, "product-user-tag-left-out")
    (contact,) = [record for record in emulator.admin.records("Contact") if record["Email"] == "gwen@example.com"]
    assert contact["Interests__c"] == TAG_IN_PICKLIST

    open_contacts(owner, base_url, "Tags")
    lacks = owner.locator("#tags-salesforce-lacks")
    expect(lacks).to_contain_text(f"Tags Interests__c has no value for: {TAG_SALESFORCE_LACKS}.")
    expect(lacks).to_contain_text("add each as a value of Interests (Interests__c) in Salesforce Setup")
    lacks.scroll_into_view_if_needed()
    screenshots(owner, "product-contacts-tags-salesforce-lacks")

    owner.goto(base_url + "/admin/")
    warnings = owner.locator(".sync-warnings")
    expect(warnings).to_contain_text(
        f"Salesforce Contacts: 1 site tag ({TAG_SALESFORCE_LACKS}) has no value in Interests__c, so users' records leave it out"
    )
    screenshots(owner, "product-dashboard-sent-only-in-part")


def keep_leads_within_its_share(owner: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """Leads may use half of the org's daily API requests: past that it pauses, leaving the rest to others."""
    open_settings(owner, base_url, "Salesforce Leads")
    owner.get_by_label("Share of the org's daily API requests (%)").fill("50")
    owner.get_by_label("Wait to fill batches (seconds)").fill("0")  # each change goes at once
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner, "Settings of Salesforce Leads saved.")).to_be_visible()
    emulator.admin.settings(api_usage=emulator.config.api_limit * 6 // 10)
    owner.get_by_role("button", name="Test connection").click()
    expect(flash(owner, re.compile(r"^The connection works"))).to_be_visible()

    add_affiliate(owner, base_url, "Budget", "budget@partner.example", company="Thrift Referrals")
    banner = owner.get_by_role("alert").filter(has_text="Salesforce Leads has paused syncing")
    owner.goto(base_url + "/admin/")
    reload_until_visible(owner, banner)
    expect(banner).to_contain_text("Syncing keeps within 50% of the org's daily API requests")
    screenshots(owner, "product-leads-share-banner")
    assert not [lead for lead in emulator.admin.records("Lead") if lead["Email"] == "budget@partner.example"]


def wait_out_the_api_limit(
    owner: Page, visitor: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots
) -> None:
    """The org's daily API limit runs out: every admin page says so, and syncing resumes once it frees."""
    emulator.admin.settings(api_usage=emulator.config.api_limit)
    register(visitor, base_url, "Pat", "pat@example.com")

    banner = owner.get_by_role("alert").filter(has_text="Salesforce Contacts has paused syncing")
    owner.goto(base_url + "/admin/")
    reload_until_visible(owner, banner)
    expect(banner).to_contain_text("nothing is lost")
    expect(banner).to_contain_text("API limit is used up")
    assert banner.inner_text().count(" UTC") == 1, "the banner names the end once"
    screenshots(owner, "product-api-limit-banner")
    for path in ("/admin/users/", "/admin/marketplace/"):
        owner.goto(base_url + path)
        expect(banner).to_be_visible()
    assert not [record for record in emulator.admin.records("Contact") if record["Email"] == "pat@example.com"]

    # The limit frees: Test connection reads the day's usage afresh, and the banner's link leads
    # to the Sync page, whose Resume sends at once.
    emulator.admin.settings(api_usage=0)
    open_contacts(owner, base_url, "Connection")
    limit = f"{emulator.config.api_limit:,}"
    owner.get_by_role("button", name="Test connection").click()
    expect(flash(owner, re.compile(rf"with (?!0 )[\d,]+ of {limit} API requests left today"))).to_be_visible()
    banner.get_by_role("link", name="Open Sync").click()
    contacts = sync_section(owner, "Salesforce Contacts")
    expect(contacts).to_contain_text("Resumes by itself at")
    screenshots(owner, "product-sync-paused")
    contacts.get_by_role("button", name="Resume").click()
    expect(flash(owner, "Sync resumed.")).to_be_visible()
    open_user(owner, base_url, "Pat Visitor")
    reload_until_visible(owner, owner.get_by_text(re.compile(r"Created Contact 003\w+")), SYNC_TIMEOUT_MS)
    expect(owner.get_by_role("alert").filter(has_text="Salesforce Contacts has paused syncing")).to_have_count(0)


def reconnect_after_a_revoke(page: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """A Salesforce admin revokes the site's access: both plugins stop, and one Reconnect restores both."""
    emulator.admin.revoke_refresh_tokens(emulator.username)
    emulator.admin.expire_sessions()
    open_settings(page, base_url, "Salesforce Leads")
    page.get_by_role("button", name="Test connection").click()
    expect(flash(page, re.compile("^The connection does not work"))).to_be_visible()
    page.goto(base_url + "/admin/")
    for title in ("Salesforce Leads", "Salesforce Contacts"):
        expect(page.get_by_role("alert").filter(has_text=f"{title} has stopped syncing")).to_be_visible()
    screenshots(page, "product-both-stopped")

    page.get_by_role("alert").filter(has_text="Salesforce Leads has stopped syncing").get_by_role(
        "link", name="Reconnect"
    ).click()
    # Still logged in to Salesforce, which asks nothing more of an app this user approved before.
    page.locator("#salesforce-connection").get_by_role("button", name="Reconnect").click()
    expect(flash(page, re.compile(rf"^Connected to .+ as {re.escape(emulator.username)}"))).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="has stopped syncing")).to_have_count(0)
    open_contacts(page, base_url, "Connection")
    check_connection(page, emulator)
    assert len(emulator.admin.approvals()) == 1


def disconnect_contacts_only(page: Page, base_url: str, emulator: EmulatorHandle, screenshots: Screenshots) -> None:
    """Disconnecting Contacts asks first, and leaves Leads on the shared connection."""
    open_contacts(page, base_url, "Connection")
    panel = page.locator("#salesforce-connection")
    panel.get_by_text("Disconnect", exact=True).click()
    question = page.get_by_role("alertdialog", name="Disconnect Salesforce Contacts from Salesforce?")
    expect(question).to_contain_text("Salesforce Leads uses the same connection and stays connected.")
    screenshots(page, "product-contacts-disconnect", until=panel)
    question.get_by_role("button", name="Yes, disconnect").click()
    expect(flash(page, re.compile("the other plugin using the connection stays connected"))).to_be_visible()
    expect(
        panel.get_by_role("button", name=f"Use the connection of Salesforce Leads ({emulator.username})")
    ).to_be_visible()
    open_settings(page, base_url, "Salesforce Leads")
    check_connection(page, emulator)
    assert len(emulator.admin.approvals()) == 5, "Salesforce revoked nothing"


def test_owner_runs_both_salesforce_plugins_as_one_product(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
    screenshots: Screenshots,
) -> None:
    base_url = site()
    owner = new_page()
    visitor = new_page()

    set_up_site(owner, base_url)
    register(visitor, base_url, "Early", "early@example.com")
    add_affiliate(owner, base_url, "Early", "early@partner.example")
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    see_contacts_tabs_before_connecting(owner, base_url)
    connect_both_plugins(owner, base_url, emulator, screenshots)
    send_existing_records(owner, base_url, emulator, screenshots)
    map_leads_fields(owner, base_url, emulator, screenshots)
    choose_contacts_version(owner, base_url, emulator)
    see_a_tag_salesforce_lacks(owner, new_page(), base_url, emulator, screenshots)
    keep_leads_within_its_share(owner, base_url, emulator, screenshots)
    wait_out_the_api_limit(owner, new_page(), base_url, emulator, screenshots)
    disconnect_contacts_only(owner, base_url, emulator, screenshots)


def test_one_reconnect_restores_both_plugins_after_a_revoke(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
    screenshots: Screenshots,
) -> None:
    """Leads paused within its share and Contacts past the API limit, then a revoke: one Reconnect restores both."""
    base_url = site()
    owner = new_page()
    set_up_site(owner, base_url)
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    connect_both_plugins(owner, base_url, emulator, screenshots)
    keep_leads_within_its_share(owner, base_url, emulator, screenshots)
    wait_out_the_api_limit(owner, new_page(), base_url, emulator, screenshots)
    reconnect_after_a_revoke(owner, base_url, emulator, screenshots)


def test_the_sync_page_follows_the_records_it_sends_by_itself(
    site: Callable[..., str],
    emulator: EmulatorHandle,
    new_page: Callable[[], Page],
) -> None:
    """The Sync page's bar moves without the owner reloading, as the Contacts Send existing tab's does."""
    base_url = site()
    owner = new_page()
    set_up_site(owner, base_url)
    add_affiliate(owner, base_url, "Early", "early@partner.example")
    enable_plugins(owner, base_url, ("Salesforce Leads", "Salesforce Contacts"))
    connect_leads(owner, base_url, emulator)
    owner.goto(base_url + "/admin/sync/")
    leads = sync_section(owner, "Salesforce Leads")
    leads.get_by_role("button", name="Send them").click()
    expect(flash(owner, "Sending 1 existing affiliate records to Salesforce Leads")).to_be_visible()
    expect(delivered(leads, 1)).to_be_visible(timeout=SYNC_TIMEOUT_MS)
