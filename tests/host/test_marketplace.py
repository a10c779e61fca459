"""The Marketplace: a card per plugin, enabling and disabling, and why one is refused."""

import html

from logged_errors import assert_logged_sentence
from sample_plugins import Failing, Picky, Showcase

from host.extensions import db
from host.plugins import registry
from host.plugins.manager import BrokenPlugin


def card(page: str, name: str) -> str:
    """The HTML of one plugin's card on the Marketplace page."""
    start = page.index(f'id="plugin-{name}"')
    return page[start : page.index("</article>", start)]


def enable(client, name: str):
    return client.post(f"/admin/marketplace/{name}/enable", follow_redirects=True)


def test_cards_show_each_plugin_with_its_status_and_actions(make_app, make_user, log_in):
    app = make_app(Showcase(), Picky())
    app.extensions["plughost"].broken.append(BrokenPlugin("half_installed", "failed to load: No module named 'x'"))
    admin = log_in(app.test_client(), make_user(app, admin=True))

    page = admin.get("/admin/marketplace/").text
    showcase = card(page, "showcase")
    assert "Showcase" in showcase and "Shows what a plugin can add to the site." in showcase
    assert "Version unknown" in showcase and "by Plughost tests" in showcase
    assert "Disabled" in showcase and "Not in use." in showcase
    assert "/admin/marketplace/showcase/enable" in showcase
    assert "/admin/plugins/showcase/settings" in showcase
    assert "half_installed" in page and "No module named" in page

    showcase = card(enable(admin, "showcase").text, "showcase")
    assert "Connected" in showcase and "Connected to showcase.example." in showcase
    assert "/admin/marketplace/showcase/disable" in showcase

    page = admin.post("/admin/marketplace/showcase/disable", follow_redirects=True).text
    assert "Disabled" in card(page, "showcase")
    with app.app_context():
        assert not registry.is_enabled("showcase")


def test_a_plugin_enabled_before_its_settings_says_it_needs_setup(make_app, make_user, log_in):
    app = make_app(Picky())
    admin = log_in(app.test_client(), make_user(app, admin=True))

    picky = card(enable(admin, "picky").text, "picky")
    assert "Needs setup" in picky and "Fill in its settings: Token." in picky
    assert "/admin/plugins/picky/settings" in picky

    admin.post("/admin/plugins/picky/settings", data={"setting_token": "t0ken"})
    assert "Needs setup" not in card(admin.get("/admin/marketplace/").text, "picky")


def test_a_refused_activation_leaves_the_plugin_disabled_and_says_why(make_app, make_user, log_in):
    app = make_app(Picky())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    admin.post("/admin/plugins/picky/settings", data={"setting_token": "t0ken", "setting_refuse": "y"})

    page = enable(admin, "picky").text
    assert "Picky was not enabled: the token was rejected" in page
    assert "Last error: the token was rejected" in card(page, "picky")
    with app.app_context():
        assert not registry.is_enabled("picky")


def test_a_failing_plugin_card_shows_its_error_until_dismissed(make_app, make_user, log_in, caplog):
    app = make_app(Failing())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    enable(admin, "failing")

    failing = card(admin.get("/admin/marketplace/").text, "failing")
    assert "badge-error" in failing
    assert_logged_sentence(html.unescape(failing), caplog.text, "RuntimeError: failing plugin broke in")

    admin.post("/admin/marketplace/failing/dismiss-error")
    with app.app_context():
        assert registry.state_of("failing").last_error is None


def test_hook_plugin_status(make_app, make_user, log_in):
    app = make_app(Showcase())
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    admin = log_in(app.test_client(), make_user(app, admin=True))
    assert '<span title="Account 42">Connected to showcase.example.</span>' in card(
        admin.get("/admin/marketplace/").text, "showcase"
    )


def test_hook_admin_menu_items(make_app, make_user, log_in):
    app = make_app(Showcase())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    assert "Showcase report" not in admin.get("/admin/").text
    assert "/admin/plugins/showcase/settings" in admin.get("/admin/").text, "settings are reachable while disabled"

    enable(admin, "showcase")
    page = admin.get("/admin/").text
    assert '<a href="/admin/plugins/showcase/report"' in page
    assert admin.get("/admin/plugins/showcase/report").text == "showcase report"


def test_hook_admin_banners(make_app, make_user, log_in):
    app = make_app(Showcase())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    enable(admin, "showcase")
    for path in [
        "/admin/",
        "/admin/users/",
        "/admin/affiliates/",
        "/admin/tags/",
        "/admin/marketplace/",
        "/admin/settings/",
        "/admin/plugins/showcase/settings",
        "/admin/sync/",
    ]:
        page = admin.get(path)
        assert page.status_code == 200, path
        assert "Showcase wants your attention." in page.text, path


def test_hook_sync_warnings(make_app, make_user, log_in):
    app = make_app(Showcase(), Failing())
    admin = log_in(app.test_client(), make_user(app, admin=True))
    assert "Sent only in part" not in admin.get("/admin/").text, "a disabled plugin warns of nothing"
    enable(admin, "showcase")
    enable(admin, "failing")

    page = admin.get("/admin/")
    assert page.status_code == 200
    assert (
        "<strong>Showcase:</strong> Notes longer than 80 characters are cut.\n"
        '      <a href="/admin/plugins/showcase/report">See which</a>'
    ) in page.text
    assert "<strong>Always failing:</strong>" not in page.text, "a plugin whose hook raises contributes nothing"


def test_hook_plugin_blueprints(make_app, make_user, log_in):
    app = make_app(Showcase())
    make_user(app, admin=True)
    visitor = app.test_client()
    assert visitor.get("/plugins/showcase/hello").status_code == 404, "a disabled plugin's routes are hidden"
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    assert visitor.get("/plugins/showcase/hello").text == "Hello"
