"""The pytest plugin Plughost installs: a plugin's own suite gets the fixtures from nothing but the install."""

import os

import pytest

pytest_plugins = ["pytester"]

PLUGIN_SUITE = """
import requests

from host.extensions import db
from host.plugins import Plugin, hookimpl, registry


class Greeter(Plugin):
    name = "greeter"
    title = "Greeter"

    def __init__(self):
        self.greeted = []

    @hookimpl
    def user_registered(self, user):
        self.greeted.append(user.first_name)


def test_greets_new_users(make_app, make_user, log_in, live_server):
    greeter = Greeter()
    app = make_app(greeter)
    with app.app_context():
        registry.enable("greeter")
        db.session.commit()
    admin = log_in(app.test_client(), make_user(app, admin=True, first_name="Grace"))
    assert greeter.greeted == ["Grace"]
    assert admin.get("/admin/marketplace/").status_code == 200
    assert requests.get(live_server(app) + "/", timeout=10).status_code == 200


def test_the_emulator_answers(emulator):
    assert emulator.base_url.startswith("http://127.0.0.1:")
"""


@pytest.fixture
def plugin_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_greeter=PLUGIN_SUITE)
    return pytester


def test_a_plugin_suite_runs_on_sqlite_when_no_postgresql_is_configured(plugin_suite, monkeypatch):
    monkeypatch.delenv("PLUGHOST_TEST_POSTGRES_URL", raising=False)
    result = plugin_suite.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_greets_new_users?sqlite? PASSED*"])


def test_a_plugin_suite_runs_on_postgresql_too_when_it_is_configured(plugin_suite, monkeypatch, request):
    url = os.environ.get("PLUGHOST_TEST_POSTGRES_URL") or request.config.getini("plughost_postgres_url")
    monkeypatch.setenv("PLUGHOST_TEST_POSTGRES_URL", url)
    result = plugin_suite.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_greets_new_users?postgresql? PASSED*"])
