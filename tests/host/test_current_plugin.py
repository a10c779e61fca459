"""One module-level blueprint serves several sites, each view finding its own site's plugin."""

from collections.abc import Iterable

import pytest
from flask import Blueprint

from host.api import Plugin, current_plugin, hookimpl

counter = Blueprint("counter", __name__, url_prefix="/plugins/counter")


@counter.get("/")
def count() -> str:
    plugin = current_plugin()
    assert isinstance(plugin, Counter)
    plugin.visits += 1
    return f"{plugin.label}: {plugin.visits}"


class Counter(Plugin):
    name = "counter"
    title = "Counter"

    def __init__(self, label: str) -> None:
        self.label = label
        self.visits = 0

    @hookimpl
    def plugin_blueprints(self) -> Iterable[Blueprint]:
        return [counter]


@pytest.fixture
def enabled_site(make_app, enable_plugins, make_user):
    """``enabled_site(plugin)``: a set-up site with the plugin enabled."""

    def make(plugin: Plugin):
        app = make_app(plugin)
        make_user(app, admin=True)
        enable_plugins(app, plugin)
        return app

    return make


def test_each_site_s_view_gets_its_own_plugin_object(enabled_site):
    first, second = Counter("first"), Counter("second")
    first_site, second_site = enabled_site(first), enabled_site(second)
    assert first_site.test_client().get("/plugins/counter/").text == "first: 1"
    assert second_site.test_client().get("/plugins/counter/").text == "second: 1"
    assert first_site.test_client().get("/plugins/counter/").text == "first: 2"
    assert (first.visits, second.visits) == (2, 1)


def test_a_disabled_plugin_s_shared_view_still_answers_404(make_app, make_user):
    app = make_app(Counter("off"))
    make_user(app, admin=True)
    assert app.test_client().get("/plugins/counter/").status_code == 404


def test_outside_a_plugin_s_request_it_says_what_it_is_for(enabled_site):
    app = enabled_site(Counter("any"))
    with app.test_request_context("/"), pytest.raises(LookupError, match="for a plugin's views"):
        current_plugin()
    with app.app_context(), pytest.raises(LookupError, match="for a plugin's views"):
        current_plugin()
