"""A plugin that raises in every hook never breaks a page or a save, and its card says so."""

import html

import pytest
from logged_errors import assert_logged_sentence
from sample_plugins import Failing, Showcase

from host.extensions import db
from host.models import Affiliate, User
from host.plugins import registry

NEW_USER = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "password": "a long password",
    "password_confirm": "a long password",
}


@pytest.fixture
def site(make_app, make_user):
    app = make_app(Failing(), Showcase())
    make_user(app, admin=True, email="owner@example.com")
    with app.app_context():
        registry.enable("failing")
        registry.enable("showcase")
        db.session.commit()
    return app


def test_registration_and_profile_edit_succeed(site):
    visitor = site.test_client()
    registered = visitor.post("/register", data=NEW_USER, follow_redirects=True)
    assert "Welcome! Your account is ready." in registered.text

    edited = visitor.post("/account/", data={**NEW_USER, "first_name": "Janet"}, follow_redirects=True)
    assert "Your profile is saved." in edited.text
    with site.app_context():
        assert db.session.scalar(db.select(User.first_name).where(User.email == "jane@example.com")) == "Janet"


def test_affiliate_create_edit_and_delete_succeed(site, log_in):
    with site.app_context():
        owner = db.session.scalar(db.select(User.id).where(User.email == "owner@example.com"))
    admin = log_in(site.test_client(), owner)
    fields = {"first_name": "Al", "last_name": "Fil", "email": "al@example.com", "status": "active", "manager_id": ""}

    created = admin.post("/admin/affiliates/new", data=fields, follow_redirects=True)
    assert "Al Fil was added." in created.text
    assert "Showcase sees al@example.com." in created.text, "a working plugin's panel still shows"
    with site.app_context():
        affiliate_id = db.session.scalar(db.select(Affiliate.id))

    edited = admin.post(
        f"/admin/affiliates/{affiliate_id}/edit", data={**fields, "company": "Acme"}, follow_redirects=True
    )
    assert "The affiliate is saved." in edited.text
    assert admin.post(f"/admin/affiliates/{affiliate_id}/delete", follow_redirects=True).status_code == 200
    with site.app_context():
        assert db.session.get(Affiliate, affiliate_id) is None


def test_every_admin_page_renders_and_the_card_shows_the_error(site, log_in, caplog):
    with site.app_context():
        owner = db.session.scalar(db.select(User.id).where(User.email == "owner@example.com"))
    admin = log_in(site.test_client(), owner)
    for path in ["/admin/", f"/admin/users/{owner}", "/admin/users/", "/admin/affiliates/", "/admin/tags/"]:
        assert admin.get(path).status_code == 200, path

    page = admin.get("/admin/marketplace/").text
    failing = page[page.index('id="plugin-failing"') :]
    assert "badge-error" in failing.split("</article>")[0]
    assert_logged_sentence(
        html.unescape(failing.split("</article>")[0]), caplog.text, "RuntimeError: failing plugin broke in"
    )
