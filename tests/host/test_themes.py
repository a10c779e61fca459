"""Themes: a theme folder overrides packaged templates, falls back when broken, never reaches the admin."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sample_plugins import Connector, Showcase

from host.extensions import db
from host.plugins import registry


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir()
    return folder


@pytest.fixture
def themed_site(make_app, make_user, log_in, theme) -> Callable[..., tuple[Flask, FlaskClient]]:
    """``themed_site(*plugins)``: a set-up site on ``theme`` and a client logged in as its owner."""

    def build(*plugins) -> tuple[Flask, FlaskClient]:
        app = make_app(*plugins, PLUGHOST_THEME_DIR=str(theme))
        owner = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
        with app.app_context():
            for plugin in plugins:
                registry.enable(plugin.name)
            db.session.commit()
        return app, owner

    return build


def test_a_theme_front_page_and_a_child_layout_override_the_packaged_ones(themed_site, theme):
    write(theme, "home.html", '{% extends "base.html" %}{% block content %}<p>Our own front page</p>{% endblock %}')
    write(
        theme,
        "base.html",
        '{% extends "parent/base.html" %}{% block footer %}<footer>Theme footer</footer>{% endblock %}',
    )
    write(theme, "static/extra.css", "body { color: teal; }")
    app, _owner = themed_site()
    visitor = app.test_client()

    front = visitor.get("/").text
    assert "Our own front page" in front and "Theme footer" in front
    assert "members' site" not in front, "the packaged front page must not be shown"
    login = visitor.get("/login").text
    assert "Theme footer" in login and "<h1>Log in</h1>" in login, "packaged pages extend the theme's layout"
    assert visitor.get("/theme/static/extra.css").text == "body { color: teal; }"


def test_a_theme_overrides_a_plugins_panel(themed_site, theme, make_user):
    write(theme, "showcase/panel.html", '<p class="themed-panel">Themed: {{ email }}</p>')
    app, owner = themed_site(Showcase())
    user_id = make_user(app, email="jane@example.com")

    page = owner.get(f"/admin/users/{user_id}").text
    assert '<p class="themed-panel">Themed: jane@example.com</p>' in page
    assert "Showcase sees" not in page


def test_admin_pages_and_plugin_settings_pages_ignore_the_theme(themed_site, theme):
    for name in ("base.html", "partials/header.html", "_flashes.html", "admin/base.html", "admin/dashboard.html"):
        write(theme, name, "THEMED " + name)
    write(theme, "connector/settings.html", "THEMED connector settings")
    _app, owner = themed_site(Connector())

    for path in ("/admin/", "/admin/settings/", "/admin/plugins/connector/"):
        page = owner.get(path)
        assert page.status_code == 200
        assert "THEMED" not in page.text, f"{path} used a theme file"
    assert "<h1>Connector</h1>" in owner.get("/admin/plugins/connector/").text
    assert "THEMED base.html" in owner.get("/login").text, "public pages do use the theme"


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ('{% extends "base.html" %}{% block content %}{% if %}{% endblock %}', "syntax error"),
        (
            '{% extends "base.html" %}{% block content %}\n<p>{{ no_such_variable }}</p>{% endblock %}',
            "no_such_variable",
        ),
        ('{% extends "base.html" %}{% block content %}\n{{ url_for("no.such_page") }}{% endblock %}', "BuildError"),
    ],
)
def test_a_broken_theme_file_falls_back_to_the_packaged_page_and_the_dashboard_says_why(
    themed_site, theme, broken, reason, caplog
):
    path = write(theme, "home.html", broken)
    app, owner = themed_site()

    front = app.test_client().get("/")
    assert front.status_code == 200
    assert "members' site" in front.text, "the packaged front page is shown instead"
    assert "home.html" in caplog.text and reason in caplog.text

    dashboard = owner.get("/admin/").text
    failures = dashboard[dashboard.index('id="theme-failures"') :]
    assert "<code>home.html</code>, line" in failures and reason in failures

    path.write_text('{% extends "base.html" %}{% block content %}<p>Fixed</p>{% endblock %}')
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert "Fixed" in app.test_client().get("/").text, "an edited theme file is read again"
    assert 'id="theme-failures"' not in owner.get("/admin/").text


def test_a_broken_theme_layout_keeps_every_public_page_up(themed_site, theme):
    write(
        theme, "base.html", '{% extends "parent/base.html" %}{% block footer %}{{ site.no_such.thing }}{% endblock %}'
    )
    write(theme, "partials/header.html", "{% for %}")
    app, owner = themed_site()
    visitor = app.test_client()

    for path in ("/", "/login", "/register", "/no-such-page"):
        page = visitor.get(path)
        assert page.status_code in (200, 404) and "<html" in page.text, path
    failures = owner.get("/admin/").text
    assert "<code>base.html</code>" in failures and "<code>partials/header.html</code>" in failures


def test_a_missing_variable_prints_nothing_in_packaged_templates_but_fails_in_theme_files(themed_site, theme):
    write(theme, "partials/footer.html", "<footer>{{ site.motto }}</footer>")
    write(
        theme,
        "base.html",
        '{% extends "parent/base.html" %}{% block footer %}{% include "partials/footer.html" %}{% endblock %}',
    )
    app, owner = themed_site()

    front = app.test_client().get("/").text
    assert "<footer>" not in front, "the theme's footer used a missing variable, so the packaged page is shown"
    assert "partials/footer.html" in owner.get("/admin/").text


def test_site_settings_show_the_theme_folder_and_what_it_overrides(themed_site, theme):
    write(theme, "home.html", "{% extends 'base.html' %}")
    write(theme, "partials/banner.html", "<p>Banner</p>")
    write(theme, "admin/base.html", "ignored")
    write(theme, "static/theme.css", "")
    _app, owner = themed_site()

    page = owner.get("/admin/settings/").text
    section = page[page.index('id="theme"') :]
    assert f"<code>{theme.resolve()}</code>" in section
    overrides = section[section.index("Templates it overrides") : section.index("Templates of its own")]
    assert "<code>home.html</code>" in overrides and "banner" not in overrides and "theme.css" not in overrides
    assert "<code>partials/banner.html</code>" in section[section.index("Templates of its own") :]
    assert "<code>admin/base.html</code>" in section[section.index("Ignored") :]


def test_the_checkout_ships_a_theme_for_the_public_pages(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    checkout = Path(__file__).resolve().parents[2]
    assert Path(app.config["PLUGHOST_THEME_DIR"]) == checkout / "templates"

    front = app.test_client().get("/")
    assert front.status_code == 200
    assert "/theme/static/theme.css" in front.text and 'class="site-footer"' in front.text
    assert app.test_client().get("/theme/static/theme.css").status_code == 200


def test_a_broken_partial_of_the_themes_own_is_named_and_the_page_falls_back(themed_site, theme):
    write(theme, "partials/banner.html", "{% if %}")
    write(
        theme,
        "home.html",
        '{% extends "base.html" %}{% block content %}{% include "partials/banner.html" %}{% endblock %}',
    )
    app, owner = themed_site()

    front = app.test_client().get("/")
    assert front.status_code == 200 and "members' site" in front.text
    failures = owner.get("/admin/").text
    assert "<code>partials/banner.html</code>, line 1: syntax error" in failures


def test_the_themes_static_files_are_served_before_set_up(make_app, theme):
    write(theme, "static/theme.css", "main { margin: 0; }")
    app = make_app(PLUGHOST_THEME_DIR=str(theme))
    visitor = app.test_client()

    assert visitor.get("/").headers["Location"].endswith("/setup"), "nothing else is open before set-up"
    assert visitor.get("/theme/static/theme.css").text == "main { margin: 0; }"
    assert visitor.get("/theme/static/missing.css").status_code == 404
