"""End users: set-up, registration with custom fields, log-in and out, profile edits."""

from host.extensions import db
from host.models import CustomFieldOwner, User
from host.services.custom_fields import add_custom_field
from host.services.passwords import verify_password
from host.services.site_settings import REGISTRATION_OPEN, set_site_setting
from host.services.tags import create_tag

PASSWORD = "a long password"
NEW_USER = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "Jane@Example.com",
    "phone": "+1 555 0100",
    "marketing_email_consent": "y",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


def test_every_page_leads_to_setup_until_the_owner_exists(make_app):
    app = make_app()
    visitor = app.test_client()
    assert visitor.get("/register").location == "/setup"
    created = visitor.post(
        "/setup",
        data={
            "first_name": "Olive",
            "last_name": "Owner",
            "email": "olive@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert created.location == "/admin/"
    assert visitor.get("/setup").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "olive@example.com")).is_admin


def test_registration_stores_the_profile_custom_fields_and_registration_tags(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    with app.app_context():
        add_custom_field(CustomFieldOwner.USER, "shoe_size", "Shoe size", required=True)
        create_tag("newcomer", apply_on_registration=True)
        db.session.commit()
    visitor = app.test_client()

    assert "Shoe size" in visitor.get("/register").text
    assert "This field is required." in visitor.post("/register", data=NEW_USER).text
    registered = visitor.post("/register", data={**NEW_USER, "custom_shoe_size": "42"}, follow_redirects=True)
    assert "Welcome! Your account is ready." in registered.text

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "jane@example.com"))
        assert (user.first_name, user.phone, user.custom_fields) == ("Jane", "+1 555 0100", {"shoe_size": "42"})
        assert user.marketing_email_consent and not user.marketing_sms_consent
        assert {tag.name for tag in user.tags} == {"newcomer"}
        assert user.password_hash.startswith("$argon2") and verify_password(user.password_hash, PASSWORD)

    taken = app.test_client().post("/register", data={**NEW_USER, "custom_shoe_size": "40"})
    assert "already" in taken.text.lower()


def test_the_owner_can_close_registration(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    with app.app_context():
        set_site_setting(REGISTRATION_OPEN, False)
        db.session.commit()
    assert app.test_client().get("/register").status_code == 404
    assert 'href="/register"' not in app.test_client().get("/").text


def test_log_in_edit_the_profile_and_log_out(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    make_user(app, email="jane@example.com", password=PASSWORD, first_name="Jane", last_name="Doe")
    visitor = app.test_client()

    refused = visitor.post("/login", data={"email": "jane@example.com", "password": "wrong password"})
    assert "The email or password is wrong." in refused.text
    logged_in = visitor.post("/login", data={"email": "JANE@example.com", "password": PASSWORD})
    assert logged_in.location == "/account/"

    profile = {"first_name": "Janet", "last_name": "Doe", "email": "jane@example.com", "marketing_sms_consent": "y"}
    assert "Your profile is saved." in visitor.post("/account/", data=profile, follow_redirects=True).text
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "jane@example.com"))
        assert (user.first_name, user.marketing_sms_consent) == ("Janet", True)

    assert visitor.post("/logout").location == "/"
    assert visitor.get("/account/").location.startswith("/login?next=")


def test_registration_refuses_a_common_password_and_names_an_over_long_one(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    visitor = app.test_client()

    common = visitor.post("/register", data={**NEW_USER, "password": "password", "password_confirm": "password"})
    assert "This password is too easy to guess." in common.text
    too_long = "x" * 300
    long_one = visitor.post("/register", data={**NEW_USER, "password": too_long, "password_confirm": too_long})
    assert "Use between 8 and 256 characters." in long_one.text
    assert "The passwords differ." not in long_one.text

    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "jane@example.com")) is None
