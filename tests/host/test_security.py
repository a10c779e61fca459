"""CSRF on every form, same-site redirects, cookie flags, security headers, log-in limits."""

import re

import pytest
from sample_plugins import Showcase

from host.extensions import db
from host.plugins import registry
from host.services.login_throttle import ACCOUNTS_PER_ADDRESS
from host.services.site_settings import AFFILIATE_SIGNUP_OPEN, set_site_setting
from host.web.redirects import safe_next_url

PASSWORD = "a long password"
POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.S | re.I)
CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|type="hidden" name="csrf_token" value="([^"]+)"'
)


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    assert match, "the page carries no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def guarded_site(make_app, make_user):
    """A site with CSRF protection on, as in production."""
    app = make_app(Showcase(), WTF_CSRF_ENABLED=True)
    owner = make_user(app, admin=True, email="owner@example.com", password=PASSWORD)
    with app.app_context():
        registry.enable("showcase")
        set_site_setting(AFFILIATE_SIGNUP_OPEN, True)
        db.session.commit()
    return app, owner


def test_every_post_form_carries_a_csrf_token(guarded_site, log_in, make_user):
    app, owner = guarded_site
    user_id = make_user(app)
    admin = log_in(app.test_client(), owner)
    admin.post("/admin/tags/", data={"name": "vip", "csrf_token": csrf_token(admin.get("/admin/tags/").text)})
    pages = [
        "/admin/",
        "/admin/users/",
        f"/admin/users/{user_id}",
        "/admin/affiliates/new",
        "/admin/tags/",
        "/admin/marketplace/",
        "/admin/settings/",
        "/admin/plugins/showcase/settings",
        "/account/",
        "/account/password",
        "/account/delete",
    ]
    forms = 0
    for path in pages:
        for form in POST_FORM.findall(admin.get(path).text):
            assert "csrf_token" in form, path
            forms += 1
    visitor = app.test_client()
    for path in ["/login", "/affiliates/join", "/lost-password"]:
        for form in POST_FORM.findall(visitor.get(path).text):
            assert "csrf_token" in form, path
            forms += 1
    assert forms > 15


def test_a_post_without_its_token_is_refused(guarded_site, log_in):
    app, owner = guarded_site
    admin = log_in(app.test_client(), owner)
    for path in [
        "/admin/tags/",
        "/admin/marketplace/showcase/disable",
        "/admin/settings/",
        "/logout",
        "/password-strength",
    ]:
        assert admin.post(path, data={"name": "x"}).status_code == 400, path
    assert (
        app.test_client().post("/login", data={"email": "owner@example.com", "password": PASSWORD}).status_code == 400
    )

    page = admin.get("/admin/tags/").text
    created = admin.post("/admin/tags/", data={"name": "vip", "csrf_token": csrf_token(page)})
    assert created.status_code == 302


def test_log_in_sends_only_to_pages_of_this_site(guarded_site):
    app, _owner = guarded_site
    for target, expected in [
        ("/admin/users/", "/admin/users/"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
        ("/\\evil.example", "/admin/"),
    ]:
        visitor = app.test_client()
        token = csrf_token(visitor.get("/login").text)
        response = visitor.post(
            f"/login?next={target}", data={"email": "owner@example.com", "password": PASSWORD, "csrf_token": token}
        )
        assert response.location == expected, target


@pytest.mark.parametrize(
    "target", ["http://x.example/", "//x.example", "/\\x.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: a=b", ""]
)
def test_safe_next_url_refuses_other_sites(target):
    assert safe_next_url(target) is None


def test_log_in_is_rate_limited(make_app, make_user):
    app = make_app(PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE=3)
    make_user(app, admin=True, email="owner@example.com", password=PASSWORD)
    visitor = app.test_client()
    for _ in range(3):
        assert visitor.post("/login", data={"email": "owner@example.com", "password": "guess"}).status_code == 200
    limited = visitor.post("/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    assert "Too many failed log-ins" in limited.text


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(make_app, make_user):
    app = make_app(PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE=3)
    make_user(app, admin=True, email="owner@example.com", password=PASSWORD)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for _ in range(3):
        assert attacker.post("/login", data={"email": "owner@example.com", "password": "guess"}).status_code == 200
    assert attacker.post("/login", data={"email": "owner@example.com", "password": PASSWORD}).status_code == 429

    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    logged_in = owner.post("/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in.location == "/admin/"
    still_limited = attacker.post("/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert still_limited.status_code == 429, "the owner's log-in forgets only the failures from the owner's IP"


def test_one_ip_guessing_at_many_accounts_is_limited(make_app, make_user):
    app = make_app(PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE=2)
    make_user(app, admin=True, email="owner@example.com", password=PASSWORD)
    visitor = app.test_client()
    visitor.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    for number in range(2 * ACCOUNTS_PER_ADDRESS):
        wrong = {"email": f"someone{number // 2}@example.com", "password": "guess"}
        assert visitor.post("/login", data=wrong).status_code == 200
    limited = visitor.post("/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    assert "Too many failed log-ins" in limited.text


def test_cookies_and_headers(make_app, make_user):
    app = make_app(PLUGHOST_SECURE_COOKIES=True)
    make_user(app, admin=True, email="owner@example.com", password=PASSWORD)
    response = app.test_client().post(
        "/login", data={"email": "owner@example.com", "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("session="))
    remember = next(cookie for cookie in cookies if cookie.startswith("remember_token="))
    for cookie in (session, remember):
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]

    plain = make_app()  # the same database, without PLUGHOST_SECURE_COOKIES
    over_https = plain.test_client().post(
        "/login",
        data={"email": "owner@example.com", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = over_https.headers.getlist("Set-Cookie")
    assert len(cookies) == 2 and all("Secure" in cookie for cookie in cookies), "a login over https keeps to https"
