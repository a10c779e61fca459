"""What forms take: text that can be stored, ids that name records, settings within bounds."""

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sample_plugins import Showcase
from werkzeug.datastructures import MultiDict

import host.web
import plugins
from host.extensions import db
from host.models import Affiliate, User
from host.plugins.settings import MAX_LENGTHS, FieldKind, SettingField, SettingsValidationError
from host.services.text import CONTROL_CHARACTER_SENTENCE, LINE_BREAK_SENTENCE
from host.web.forms.affiliates import AffiliateForm
from host.web.forms.base import Form
from host.web.paging import MAX_ID

NEW_USER = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "password": "a long password",
    "password_confirm": "a long password",
}


def _all_subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_all_subclasses(sub) for sub in found))


def test_every_form_of_the_site_and_its_plugins_checks_its_text():
    for package in (host.web, plugins):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    ours = {form for form in _all_subclasses(FlaskForm) if form.__module__.startswith(("host.", "plugins."))}
    assert ours, "the site's forms were found"
    assert {form for form in ours if not issubclass(form, Form)} == set()


def test_a_nul_byte_in_a_name_is_refused_beside_the_field_and_nothing_is_stored(app, make_user):
    make_user(app, admin=True, email="owner@example.com")
    page = app.test_client().post("/register", data={**NEW_USER, "first_name": "ab\x00cd"})
    assert page.status_code == 200
    assert CONTROL_CHARACTER_SENTENCE in page.text
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == NEW_USER["email"])) is None


def test_a_line_break_is_refused_in_a_line_and_kept_in_a_text_area(app):
    def checked(**values: str) -> AffiliateForm:
        form = AffiliateForm(MultiDict(values), meta={"csrf": False})
        form.offer_managers([])
        form.validate()
        return form

    with app.test_request_context(method="POST"):
        assert LINE_BREAK_SENTENCE in checked(first_name="Al\nFil").first_name.errors
        assert checked(notes="First line\r\n\tsecond line").notes.errors == []
        assert CONTROL_CHARACTER_SENTENCE in checked(notes="ring \x07 the bell").notes.errors


def test_ids_beyond_any_table_name_no_record(admin_client, app):
    assert admin_client.get(f"/admin/users/{MAX_ID + 1}").status_code == 404
    assert admin_client.get("/admin/users/99999999999999999999").status_code == 404
    tagged = admin_client.post("/admin/users/tags", data={"user_ids": "99999999999999999999", "action": "add"})
    assert tagged.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Affiliate)) == 0


def test_a_control_character_in_a_url_is_refused_with_a_sentence(admin_client):
    refused = admin_client.get("/admin/users/?q=ab%00cd")
    assert refused.status_code == 400
    assert "nothing was changed" in refused.text


@pytest.mark.parametrize(
    ("setting", "value", "sentence"),
    [
        (SettingField("greeting", "Greeting"), "x" * (MAX_LENGTHS[FieldKind.TEXT] + 1), "Use at most 500 characters."),
        (SettingField("code", "Code", max_length=4), "12345", "Use at most 4 characters."),
        (SettingField("notes", "Notes", FieldKind.TEXTAREA), "a\x00b", CONTROL_CHARACTER_SENTENCE),
        (SettingField("name", "Name"), "a\tb", LINE_BREAK_SENTENCE),
        (SettingField("region", "Region", FieldKind.CHOICE, choices=(("eu", "Europe"),)), "x", "Choose one of"),
    ],
)
def test_every_setting_refuses_what_no_field_takes(setting, value, sentence):
    assert any(message.startswith(sentence) for message in setting.validate(value))


def test_settings_refused_by_the_host_rules_are_not_stored(make_app, make_user, log_in):
    app = make_app(Showcase())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    page = admin.post("/admin/plugins/showcase/settings", data={"setting_greeting": "x" * 600})
    assert "Use at most 500 characters." in page.text
    with app.app_context():
        plugin = app.extensions["plughost"].plugins["showcase"]
        assert plugin.settings.get("greeting") == "Hello"
        with pytest.raises(SettingsValidationError):
            plugin.settings.update({"greeting": "a\x00b"})
