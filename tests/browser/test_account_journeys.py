"""A member's own account in a real browser: a lost password reset through the link
the Outbox shows, a password change, and a deletion that asks first."""

import pytest
from playwright.sync_api import Page, expect

OWNER_PASSWORD = "a long owner password"
PASSWORD = "a long member password"
NEW_PASSWORD = "plum tractor hums sideways"


def fill_new_password(page: Page, password: str) -> None:
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def accounts(site, new_page):
    """A site with its owner logged in, and a member who registered and is logged in."""
    base_url = site(PLUGHOST_LOAD_ENTRYPOINTS=False)
    owner = new_page()
    owner.goto(base_url + "/setup")
    owner.get_by_label("First name").fill("Olive")
    owner.get_by_label("Last name").fill("Owner")
    owner.get_by_label("Email", exact=True).fill("owner@example.com")
    fill_new_password(owner, OWNER_PASSWORD)
    owner.get_by_role("button", name="Create the owner account").click()
    expect(owner.get_by_text("Your site is ready")).to_be_visible()

    member = new_page()
    member.goto(base_url + "/register")
    member.get_by_label("First name").fill("Mia")
    member.get_by_label("Last name").fill("Member")
    member.get_by_label("Email", exact=True).fill("mia@example.com")
    fill_new_password(member, PASSWORD)
    member.get_by_role("button", name="Create my account").click()
    expect(member.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    return base_url, owner, member


def test_a_lost_password_is_reset_through_the_link_in_the_outbox(accounts, screenshots):
    base_url, owner, member = accounts
    member.get_by_role("button", name="Log out").click()
    member.goto(base_url + "/login")
    member.get_by_role("link", name="Lost your password?").click()
    member.get_by_label("Email").fill("mia@example.com")
    member.get_by_role("button", name="Send me a link").click()
    expect(member.get_by_text("If an account uses that address")).to_be_visible()

    owner.goto(base_url + "/admin/")
    owner.get_by_role("navigation", name="Admin").get_by_role("link", name="Outbox").click()
    reset = owner.locator("article", has_text="Choose a new password").first
    expect(reset).to_contain_text("mia@example.com")
    expect(owner.locator("article", has_text="Welcome: your account is ready")).to_contain_text("mia@example.com")
    screenshots(owner, "outbox")
    link = reset.locator("a[href*='/reset-password/']")
    member.goto(link.get_attribute("href") or "")

    expect(member.get_by_role("heading", name="Choose a new password")).to_be_visible()
    member.get_by_label("Password", exact=True).fill("password1")
    expect(member.locator(".strength")).to_contain_text("This is a very common password")
    fill_new_password(member, NEW_PASSWORD)
    expect(member.locator(".strength")).to_contain_text("Strong.")
    member.get_by_role("button", name="Save the new password").click()
    expect(member.get_by_text("Your password is changed. Log in with it now.")).to_be_visible()

    log_in(member, base_url, "mia@example.com", NEW_PASSWORD)
    expect(member.get_by_role("heading", name="Your profile")).to_be_visible()
    member.goto(link.get_attribute("href") or "")
    expect(member.get_by_text("it was already used")).to_be_visible()


def test_a_member_changes_their_password(accounts):
    base_url, _owner, member = accounts
    member.goto(base_url + "/account/")
    member.get_by_role("link", name="Change your password").click()
    member.get_by_label("Current password").fill("not my password")
    fill_new_password(member, NEW_PASSWORD)
    member.get_by_role("button", name="Change the password").click()
    expect(member.get_by_text("That is not your current password.")).to_be_visible()

    member.get_by_label("Current password").fill(PASSWORD)
    fill_new_password(member, NEW_PASSWORD)
    member.get_by_role("button", name="Change the password").click()
    expect(member.get_by_text("Your password is changed.")).to_be_visible()

    member.get_by_role("button", name="Log out").click()
    log_in(member, base_url, "mia@example.com", PASSWORD)
    expect(member.get_by_text("The email or password is wrong.")).to_be_visible()
    log_in(member, base_url, "mia@example.com", NEW_PASSWORD)
    expect(member.get_by_role("heading", name="Your profile")).to_be_visible()


def test_deleting_ones_account_asks_first(accounts, screenshots):
    base_url, owner, member = accounts
    member.goto(base_url + "/account/")
    member.get_by_role("link", name="Delete my account").click()
    expect(member.get_by_role("heading", name="Delete your account?")).to_be_visible()
    expect(member.get_by_text("This cannot be undone.")).to_be_visible()
    screenshots(member, "delete-account")
    member.get_by_role("link", name="No, keep it").click()
    expect(member.get_by_role("heading", name="Your profile")).to_be_visible()

    member.get_by_role("link", name="Delete my account").click()
    member.get_by_label("Your password").fill(PASSWORD)
    member.get_by_role("button", name="Yes, delete my account").click()
    expect(member.get_by_text("Your account is deleted.")).to_be_visible()
    expect(member.get_by_role("navigation", name="Account").get_by_role("link", name="Log in")).to_be_visible()

    owner.goto(base_url + "/admin/users/?q=mia")
    expect(owner.get_by_text("mia@example.com")).to_have_count(0)
