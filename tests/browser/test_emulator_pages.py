"""The emulated Salesforce's own pages on a phone: nothing scrolls sideways, wide tables
scroll inside their box, and revoking an app's access asks first."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from salesforce_emulator.testing import EmulatorHandle, running_emulator

#: An iPhone 12 to 15's viewport.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def org() -> Iterator[EmulatorHandle]:
    """The default emulated org, whose Connected App has a callback URL to authorize against."""
    with running_emulator(org_name="Plughost Test Org") as handle:
        yield handle


def assert_no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


def test_emulator_pages_fit_a_phone_and_revoke_asks_first(
    org: EmulatorHandle, new_page: Callable[..., Page], screenshots: Callable[..., None]
) -> None:
    token = org.obtain_token()
    contact = org.admin.insert(
        "Contact",
        LastName="Longfellow",
        Email="a.very.long.address.for.a.contact@example.com",
        Description="A description long enough to widen any column it is not cut short in. " * 5,
    )

    visitor = new_page(PHONE)
    visitor.goto(org.authorize_url(prompt="consent"))
    expect(visitor.get_by_role("heading", name=re.compile("Log in to"))).to_be_visible()
    assert_no_sideways_scroll(visitor)
    screenshots(visitor, "emulator-login")
    visitor.get_by_label("Username").fill(org.username)
    visitor.get_by_label("Password").fill(org.password)
    visitor.get_by_role("button", name="Log In").click()
    expect(visitor.get_by_role("heading", name="Allow Access?")).to_be_visible()
    assert_no_sideways_scroll(visitor)
    screenshots(visitor, "emulator-allow")

    admin = new_page(PHONE)
    admin.goto(org.base_url + "/_emulator/ui/")
    admin.get_by_label("Admin token").fill(org.config.admin_token)
    admin.get_by_role("button", name="Open").click()
    expect(admin.get_by_role("heading", name="Objects")).to_be_visible()
    assert_no_sideways_scroll(admin)

    admin.get_by_role("link", name="Contact", exact=True).click()
    expect(admin.get_by_role("link", name=contact)).to_be_visible()
    assert_no_sideways_scroll(admin)
    box = admin.locator(".table-box")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), "the records table should scroll in its box"
    screenshots(admin, "emulator-records")
    admin.get_by_role("link", name=contact).click()
    expect(admin.get_by_label("Email", exact=True)).to_have_value("a.very.long.address.for.a.contact@example.com")
    assert_no_sideways_scroll(admin)

    admin.get_by_role("navigation").get_by_role("link", name="Connected apps").click()
    expect(admin.get_by_role("cell", name=org.username)).to_be_visible()
    assert_no_sideways_scroll(admin)
    screenshots(admin, "emulator-connected-apps")

    admin.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_role("heading", name="Revoke?")).to_be_visible()
    assert_no_sideways_scroll(admin)
    screenshots(admin, "emulator-revoke-question")
    assert len(org.admin.approvals()) == 1
    admin.get_by_role("link", name="Cancel").click()
    expect(admin.get_by_role("cell", name=org.username)).to_be_visible()
    assert len(org.admin.approvals()) == 1

    admin.get_by_role("button", name="Revoke").click()
    admin.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_role("status")).to_contain_text(f"access for {org.username}")
    expect(admin.get_by_text("No one has authorized")).to_be_visible()
    assert org.admin.approvals() == []
    refused = org.session().post(
        f"{org.base_url}/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": org.consumer_key,
            "client_secret": org.consumer_secret,
        },
    )
    assert refused.json()["error"] == "invalid_grant"

    admin.get_by_role("navigation").get_by_role("link", name="Call log").click()
    expect(admin.get_by_role("heading", name=re.compile("Call log"))).to_be_visible()
    assert_no_sideways_scroll(admin)
