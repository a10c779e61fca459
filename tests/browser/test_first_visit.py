"""A site owner's first visit, in a real browser: set-up, Marketplace, a visitor registering."""

import re

from playwright.sync_api import expect


def test_owner_sets_up_the_site_and_a_visitor_registers(site, new_page, screenshots):
    base_url = site(PLUGHOST_LOAD_ENTRYPOINTS=False)
    owner = new_page()
    owner.goto(base_url + "/")
    expect(owner).to_have_url(re.compile(r"/setup$"))
    screenshots(owner, "setup")
    owner.get_by_label("First name").fill("Olive")
    owner.get_by_label("Last name").fill("Owner")
    owner.get_by_label("Email", exact=True).fill("owner@example.com")
    owner.get_by_label("Password", exact=True).fill("a long owner password")
    owner.get_by_label(re.compile("Repeat|Confirm")).fill("a long owner password")
    owner.get_by_role("button", name="Create the owner account").click()
    expect(owner.get_by_text("Your site is ready")).to_be_visible()

    owner.goto(base_url + "/admin/marketplace/")
    screenshots(owner, "marketplace")
    expect(owner.get_by_role("heading", name="Marketplace")).to_be_visible()

    visitor = new_page()
    visitor.goto(base_url + "/register")
    visitor.get_by_label("First name").fill("Vera")
    visitor.get_by_label("Last name").fill("Visitor")
    visitor.get_by_label("Email", exact=True).fill("vera@example.com")
    visitor.get_by_label("Password", exact=True).fill("a long visitor password")
    visitor.get_by_label(re.compile("Repeat|Confirm")).fill("a long visitor password")
    visitor.get_by_role("button", name=re.compile("Register|Create")).click()
    expect(visitor).not_to_have_url(re.compile(r"/register$"))

    owner.goto(base_url + "/admin/users/?q=vera")
    expect(owner.get_by_text("vera@example.com")).to_be_visible()
    visitor.goto(base_url + "/admin/users/")
    expect(visitor.get_by_text("vera@example.com")).to_have_count(0)
