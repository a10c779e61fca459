"""Site identity: the title and tagline given on set-up or in Site settings head every page."""

import re

import pytest

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
OWNER = {
    "first_name": "Olive",
    "last_name": "Owner",
    "email": "owner@example.com",
    "password": "a long owner password",
    "password_confirm": "a long owner password",
}


def header(page: str) -> str:
    return page[page.index("<header") : page.index("</header>")]


def page_title(page: str) -> str:
    match = TITLE.search(page)
    assert match
    return match.group(1).strip()


@pytest.mark.parametrize("theme", ["shipped", "none"])
def test_the_title_and_tagline_given_on_set_up_head_the_pages(make_app, tmp_path, theme):
    config = {} if theme == "shipped" else {"PLUGHOST_THEME_DIR": str(tmp_path / "no-theme")}
    app = make_app(**config)
    browser = app.test_client()
    created = browser.post("/setup", data={**OWNER, "site_title": "Shoe Club", "site_tagline": "Shoes for all"})
    assert created.status_code == 302

    visitor = app.test_client()
    for path in ("/", "/login", "/register"):
        page = visitor.get(path).text
        assert "Shoe Club" in header(page) and "Shoes for all" in header(page), path
        assert page_title(page).endswith("· Shoe Club"), path
    front = visitor.get("/").text
    assert "<h1>Shoe Club</h1>" in front
    assert 'href="/register"' in front and 'href="/login"' in front
    assert page_title(browser.get("/admin/").text) == "Dashboard · Shoe Club"


def test_set_up_without_a_title_keeps_the_default(make_app):
    app = make_app()
    app.test_client().post("/setup", data=OWNER)
    assert page_title(app.test_client().get("/").text) == "Welcome · Plughost"


def test_the_owner_renames_the_site_in_site_settings(make_app, make_user, log_in):
    app = make_app()
    owner = log_in(app.test_client(), make_user(app, admin=True))
    form = owner.get("/admin/settings/").text
    assert 'name="site_title" type="text" value="Plughost"' in form

    saved = owner.post(
        "/admin/settings/",
        data={"site_title": "Sole Mates", "site_tagline": "Walk with us", "registration_open": "y"},
        follow_redirects=True,
    )
    assert "Site settings saved." in saved.text
    front = app.test_client().get("/").text
    assert "Sole Mates" in header(front) and "Walk with us" in header(front)
    assert page_title(front) == "Welcome · Sole Mates"

    too_long = owner.post("/admin/settings/", data={"site_title": "x" * 81, "site_tagline": ""})
    assert too_long.status_code == 200 and "Field cannot be longer than 80 characters." in too_long.text
    assert page_title(app.test_client().get("/").text) == "Welcome · Sole Mates"


def test_the_front_page_offers_to_join_as_an_affiliate_when_sign_up_is_open(make_app, make_user, log_in):
    app = make_app()
    owner = log_in(app.test_client(), make_user(app, admin=True))
    assert 'href="/affiliates/join"' not in app.test_client().get("/").text
    owner.post(
        "/admin/settings/", data={"site_title": "Plughost", "affiliate_signup_open": "y", "registration_open": "y"}
    )
    front = app.test_client().get("/").text
    assert 'href="/affiliates/join"' in front and "Join as an affiliate" in front
