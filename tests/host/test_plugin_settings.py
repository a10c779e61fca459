"""Plugin settings pages: stored through the strict accessor, secrets never shown again."""

import re

from sample_plugins import Picky, Showcase

from host.extensions import db
from host.plugins import registry
from host.plugins.models import PluginSettings

SECRET = "sk-live-0123456789abcdef"
PAGE_LINK = re.compile(r'href="(/[^"#?]*)')


def test_settings_are_saved_and_validated_by_the_plugin(make_app, make_user, log_in):
    app = make_app(Showcase())
    admin = log_in(app.test_client(), make_user(app, admin=True))

    refused = admin.post(
        "/admin/plugins/showcase/settings", data={"setting_greeting": "Hi", "setting_endpoint": "http://plain.example"}
    )
    assert "The address must start with https://." in refused.text
    saved = admin.post(
        "/admin/plugins/showcase/settings",
        data={"setting_greeting": "Hi", "setting_endpoint": "https://api.example"},
        follow_redirects=True,
    )
    assert "Settings of Showcase saved." in saved.text
    assert 'value="https://api.example"' in saved.text
    with app.app_context():
        plugin = app.extensions["plughost"].plugins["showcase"]
        assert plugin.settings.get("greeting") == "Hi"
        assert plugin.settings.get("api_key") == ""


def test_a_secret_is_encrypted_never_rendered_and_kept_when_left_blank(make_app, make_user, log_in):
    app = make_app(Showcase())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    admin.post("/admin/plugins/showcase/settings", data={"setting_greeting": "Hi", "setting_api_key": SECRET})

    page = admin.get("/admin/plugins/showcase/settings").text
    assert SECRET not in page
    assert "Stored — leave blank to keep." in page

    admin.post("/admin/plugins/showcase/settings", data={"setting_greeting": "Hello again", "setting_api_key": ""})
    with app.app_context():
        plugin = app.extensions["plughost"].plugins["showcase"]
        assert plugin.settings.get("api_key") == SECRET
        assert plugin.settings.get("greeting") == "Hello again"
        stored = db.session.get(PluginSettings, "showcase").values
        assert SECRET not in repr(stored), "secrets are encrypted at rest"


def test_a_required_secret_must_be_given_once(make_app, make_user, log_in):
    app = make_app(Picky())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    assert "This field is required." in admin.post("/admin/plugins/picky/settings", data={}).text
    admin.post("/admin/plugins/picky/settings", data={"setting_token": "t0ken"})
    assert "This field is required." not in admin.post("/admin/plugins/picky/settings", data={}).text


def test_no_page_renders_a_stored_secret(make_app, make_user, log_in):
    """Visit every page reachable from the admin's pages and look for the secret."""
    app = make_app(Showcase(), Picky())
    owner = make_user(app, admin=True, email="owner@example.com")
    admin = log_in(app.test_client(), owner)
    admin.post("/admin/plugins/showcase/settings", data={"setting_greeting": "Hi", "setting_api_key": SECRET})
    admin.post("/admin/plugins/picky/settings", data={"setting_token": SECRET})
    admin.post("/admin/tags/", data={"name": "vip"})
    admin.post(
        "/admin/affiliates/new",
        data={"first_name": "Al", "last_name": "Fil", "email": "al@example.com", "status": "active", "manager_id": ""},
    )
    with app.app_context():
        registry.enable("showcase")
        registry.enable("picky")
        db.session.commit()

    seen, waiting = set(), ["/", "/admin/"]
    while waiting:
        path = waiting.pop()
        if path in seen or path.startswith("/static/"):
            continue
        seen.add(path)
        response = admin.get(path)
        assert SECRET not in response.get_data(as_text=True), path
        if response.mimetype == "text/html":
            waiting.extend(PAGE_LINK.findall(response.get_data(as_text=True)))
    assert {"/admin/plugins/showcase/settings", "/admin/plugins/picky/settings", "/admin/marketplace/"} <= seen
    assert any(path.startswith("/admin/affiliates/") and path[-1].isdigit() for path in seen)
