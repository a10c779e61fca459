"""The settings page: the host's form on the plugin's own page, Send a test, and the URLs it refuses."""

import pytest
from conftest import SECRET
from signup_webhook.addresses import url_problem
from signup_webhook.plugin import SignupWebhook

from host.api import db

PAGE = "/admin/plugins/signup_webhook/"


def test_the_page_explains_the_signature_beside_the_form(make_site, receiver):
    site = make_site(receiver.url)
    page = site.admin.get(PAGE).text
    assert "X-Plughost-Signature" in page and "HMAC-SHA256" in page
    assert f'value="{receiver.url}"' in page
    assert SECRET not in page, "a secret is never rendered back"
    assert "Send a test" in page
    marketplace = site.admin.get("/admin/marketplace/").text
    assert "Posting new users to 127.0.0.1." in marketplace


def test_send_a_test_posts_a_sample_and_says_what_the_receiver_answered(make_site, receiver):
    site = make_site(receiver.url)
    sent = site.admin.post(f"{PAGE}test", follow_redirects=True)
    assert "Test sent: The receiver answered 200." in sent.text
    [post] = receiver.wait_for(1)
    assert post.json()["delivery"] == "test" and post.json()["user"]["id"] == 0

    receiver.answer(500)
    refused = site.admin.post(f"{PAGE}test", follow_redirects=True)
    assert refused.status_code == 200
    assert "The test was not delivered: The receiver answered 500 Internal Server Error." in refused.text


def test_a_redirect_is_not_followed(make_site, receiver):
    site = make_site(receiver.url)
    receiver.answer(302, Location="http://169.254.169.254/latest/meta-data/")
    answered = site.admin.post(f"{PAGE}test", follow_redirects=True).text
    assert "The receiver answered 302, pointing at http://169.254.169.254/latest/meta-data/" in answered
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("https://169.254.169.254/latest/meta-data/", "leads to 169.254.169.254, an address of a private"),
        ("https://10.0.0.5/hooks", "leads to 10.0.0.5, an address of a private"),
        ("https://[::ffff:192.168.1.1]/hooks", "an address of a private or local network"),
        ("http://127.0.0.1:9/hooks", "leads to this machine"),
        ("http://hooks.example.com/signup", "uses plain http"),
        ("ftp://hooks.example.com/signup", "Invalid URL."),  # the host's own check of a URL field
    ],
)
def test_an_address_leading_inward_is_refused_with_a_sentence(make_app, make_user, log_in, url, sentence):
    plugin = SignupWebhook()
    app = make_app(plugin)  # a site as installed: this machine is not allowed
    admin = log_in(app.test_client(), make_user(app, admin=True))
    page = admin.post("/admin/plugins/signup_webhook/settings", data={"setting_url": url, "setting_secret": SECRET})
    assert page.status_code == 200
    assert sentence in page.text
    with app.app_context():
        assert not plugin.settings.is_set("url")


def test_a_name_is_judged_by_every_address_it_resolves_to():
    def resolve(_name: str) -> list[str]:
        return ["93.184.215.14", "10.1.2.3"]

    problem = url_problem("https://hooks.example.com/signup", allow_loopback=False, resolve=resolve)
    assert problem is not None and "leads to 10.1.2.3" in problem
    assert (
        url_problem("https://hooks.example.com/signup", allow_loopback=False, resolve=lambda _: ["93.184.215.14"])
        is None
    )


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/signup", "https://[::1/hooks", "hooks.example.com", ""])
def test_what_is_not_a_web_address_is_refused_before_any_look_up(url):
    def resolve(name: str) -> list[str]:
        raise AssertionError(f"{name} was looked up")

    assert "is not a web address" in (url_problem(url, allow_loopback=True, resolve=resolve) or "")


def test_a_short_secret_is_refused(make_site, receiver):
    site = make_site(receiver.url)
    page = site.admin.post(PAGE, data={"setting_url": receiver.url, "setting_secret": "short"})
    assert "Use at least 16 characters" in page.text
    with site.app.app_context():
        assert site.plugin.settings.get("secret") == SECRET


def test_send_a_test_needs_the_form_s_csrf_token(make_site, receiver):
    site = make_site(receiver.url)
    site.app.config["WTF_CSRF_ENABLED"] = True  # as on a real site, once the set-up posts are done
    assert site.admin.post(f"{PAGE}test").status_code == 400
    token = site.admin.get(PAGE).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert "Test sent" in site.admin.post(f"{PAGE}test", data={"csrf_token": token}, follow_redirects=True).text
    assert len(receiver.received) == 1


def test_only_admins_reach_the_page(make_site, make_user, log_in, receiver):
    site = make_site(receiver.url)
    member = log_in(site.app.test_client(), make_user(site.app))
    assert member.get(PAGE).status_code == 403
    assert member.post(f"{PAGE}test").status_code == 403
    [signup] = receiver.wait_for(1)
    assert signup.json()["delivery"] != "test"


def test_send_a_test_without_settings_says_what_is_missing(make_site, receiver):
    site = make_site(receiver.url)
    with site.app.app_context():
        site.plugin.settings.update({"url": ""})
        db.session.commit()
    page = site.admin.post(f"{PAGE}test", follow_redirects=True).text
    assert "Save the webhook URL and the signing secret first" in page
