"""A plugin that raises never breaks the change that fired its hook."""

from logged_errors import assert_logged_sentence

from host.extensions import db
from host.models import User
from host.plugins import Plugin, hookimpl, registry
from host.plugins.dispatch import notify
from host.snapshots import UserSnapshot


class WritesThenRaises(Plugin):
    name = "writes_then_raises"
    title = "Writes then raises"

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        db.session.add(User(email="plugin@example.com", password_hash="-", first_name="P", last_name="Q"))
        db.session.flush()
        raise RuntimeError("plugin bug")


def test_failing_plugin_is_rolled_back_alone_and_its_error_kept(make_app, caplog):
    app = make_app(WritesThenRaises())
    with app.app_context():
        registry.enable("writes_then_raises")
        db.session.commit()
        user = User(email="jane@example.com", password_hash="-", first_name="Jane", last_name="Doe")
        db.session.add(user)
        db.session.flush()

        notify("user_registered", user=UserSnapshot.of(user))
        db.session.commit()

        emails = set(db.session.scalars(db.select(User.email)))
        assert emails == {"jane@example.com"}
        shown = registry.state_of("writes_then_raises").last_error
    what = assert_logged_sentence(shown, caplog.text, "RuntimeError: plugin bug")
    assert what == "The user_registered hook of writes_then_raises"
