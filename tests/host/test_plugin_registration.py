"""A plugin that fails while being registered is listed as broken; the site starts without it."""

from flask import Blueprint
from sample_plugins import Recorder, Showcase

from host.plugins import Plugin, hookimpl
from host.snapshots import AffiliateSnapshot, UserSnapshot


class RaisingProperty(Plugin):
    name = "raising_property"
    title = "Raising property"

    @property
    def client(self) -> object:
        raise RuntimeError("no connection configured")


class WrongSignature(Plugin):
    """Its first hook is valid and registered before pluggy reaches the wrong one."""

    name = "wrong_signature"
    title = "Wrong signature"

    @hookimpl
    def affiliate_created(self, affiliate: AffiliateSnapshot) -> None:
        """Valid."""

    @hookimpl
    def user_registered(self, user: UserSnapshot, welcome_email: str) -> None:
        """Asks for an argument the hook does not give."""


class Misspelt(Plugin):
    name = "misspelt"
    title = "Misspelt"

    @hookimpl
    def user_registred(self, user: UserSnapshot) -> None:
        """A typo of user_registered."""


class Untitled(Plugin):
    name = "untitled"


class SecondRecorder(Recorder):
    """Takes a name another plugin already has."""


class Wrapper(Plugin):
    name = "wrapper"
    title = "Wrapper"

    @hookimpl(wrapper=True)
    def user_registered(self, user: UserSnapshot):
        """Would wrap the other plugins' implementations, which the host calls one by one."""
        return (yield)


class StrayBlueprint(Plugin):
    """Its blueprint is named after another plugin."""

    name = "stray"
    title = "Stray"

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        return [Blueprint("showcase_extra", __name__, url_prefix="/plugins/stray")]


class TakenBlueprint(Plugin):
    """Two blueprints of one name."""

    name = "taken"
    title = "Taken"

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        return [Blueprint("taken", __name__, url_prefix="/a"), Blueprint("taken", __name__, url_prefix="/b")]


def _broken(app) -> dict[str, str]:
    return {plugin.name: plugin.error for plugin in app.extensions["plughost"].broken}


def test_each_failure_becomes_a_broken_plugin_and_the_others_are_installed(make_app):
    app = make_app(Recorder(), RaisingProperty(), WrongSignature(), Misspelt(), Untitled(), SecondRecorder())

    broken = _broken(app)
    assert set(app.extensions["plughost"].plugins) == {"recorder"}
    assert broken["raising_property"] == "failed to register: no connection configured"
    assert "user_registered" in broken["wrong_signature"] and "welcome_email" in broken["wrong_signature"]
    assert broken["misspelt"] == "failed to register: no hook is named 'user_registred'"
    assert broken["untitled"] == "failed to register: Untitled needs a name and a title"
    assert broken["recorder"] == "failed to register: another installed plugin is named 'recorder'"


def test_a_hook_wrapper_is_refused_with_a_sentence(make_app):
    app = make_app(Recorder(), Wrapper())

    assert set(app.extensions["plughost"].plugins) == {"recorder"}
    assert "hook wrappers are not supported" in _broken(app)["wrapper"]


def test_a_plugin_whose_blueprints_clash_is_broken_and_the_site_serves_the_others(make_app, make_user, log_in):
    app = make_app(Showcase(), StrayBlueprint(), TakenBlueprint())

    broken = _broken(app)
    assert set(app.extensions["plughost"].plugins) == {"showcase"}
    assert "'showcase_extra' is not named after the plugin" in broken["stray"]
    assert "'taken' is registered already" in broken["taken"]
    assert "showcase_extra" not in app.blueprints
    admin = log_in(app.test_client(), make_user(app, admin=True))
    page = admin.get("/admin/marketplace/")
    assert page.status_code == 200 and 'id="broken-stray"' in page.text


def test_the_marketplace_shows_them_with_their_error(make_app, make_user, log_in):
    app = make_app(RaisingProperty(), Misspelt())
    admin = log_in(app.test_client(), make_user(app, admin=True))

    page = admin.get("/admin/marketplace/").text
    assert 'id="broken-raising_property"' in page and "no connection configured" in page
    assert 'id="broken-misspelt"' in page and "no hook is named &#39;user_registred&#39;" in page
    assert admin.get("/admin/").status_code == 200


def test_no_hook_registered_before_the_failure_is_left_behind(make_app):
    app = make_app(WrongSignature())

    pm = app.extensions["plughost"].pm
    assert pm.get_plugins() == set()
    assert pm.hook.affiliate_created.get_hookimpls() == []
