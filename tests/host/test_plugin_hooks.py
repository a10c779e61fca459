"""Hooks a plugin defines for other plugins: added before any plugin registers, fired as the host's are."""

from typing import Any

from host.extensions import db
from host.plugins import Plugin, hookimpl, hookspec, registry
from host.plugins.dispatch import collect, notify
from host.plugins.manager import current_plugin_host


class NoticeBoardHooks:
    """The hooks :class:`NoticeBoard` announces."""

    @hookspec
    def notice_posted(self, notice: str) -> None:
        """A notice was posted on the board."""

    @hookspec
    def notice_badges(self, notice: str) -> str | None:
        """A badge to show beside the notice, or None."""


class NoticeBoard(Plugin):
    """Defines hooks of its own and fires them when a notice is posted."""

    name = "notice_board"
    title = "Notice board"
    hookspecs = NoticeBoardHooks

    def post(self, notice: str) -> list[str]:
        notify("notice_posted", notice=notice)
        return [badge for _plugin, badge in collect("notice_badges", notice=notice)]


class Reader(Plugin):
    """Implements the board's hooks, which may be absent: optional hooks."""

    name = "reader"
    title = "Reader"

    def __init__(self) -> None:
        self.read: list[str] = []

    @hookimpl(optionalhook=True)
    def notice_posted(self, notice: str) -> None:
        self.read.append(notice)

    @hookimpl(optionalhook=True)
    def notice_badges(self, notice: str) -> str | None:
        return "urgent" if notice.endswith("!") else None


def enable(app: Any, *names: str) -> None:
    with app.app_context():
        for name in names:
            registry.enable(name)
        db.session.commit()


def test_hook_of_a_plugin_reaches_the_enabled_plugins_that_implement_it(make_app):
    reader, board = Reader(), NoticeBoard()
    app = make_app(reader, board)  # the reader comes first: every plugin's specs are added before any registers
    enable(app, "notice_board", "reader")
    with app.test_request_context(method="POST"):
        assert board.post("Fire drill at noon!") == ["urgent"]
        assert board.post("Cake in the kitchen") == []
    assert reader.read == ["Fire drill at noon!", "Cake in the kitchen"]

    with app.app_context():
        registry.disable("reader")
        db.session.commit()
    with app.test_request_context(method="POST"):
        assert board.post("Nobody reads this!") == []
    assert reader.read[-1] == "Cake in the kitchen", "a disabled plugin is not called"


def test_a_plugin_implementing_the_hooks_of_an_absent_plugin_still_works(make_app, make_user, log_in):
    reader = Reader()
    app = make_app(reader)
    enable(app, "reader")
    with app.app_context():
        host = current_plugin_host()
        assert host.get("reader") is reader
        assert host.broken == []
    admin = log_in(app.test_client(), make_user(app, admin=True))
    page = admin.get("/admin/marketplace/")
    assert page.status_code == 200 and "Reader" in page.text


def test_a_failing_implementation_is_reported_and_the_others_still_run(make_app):
    class Broken(Plugin):
        name = "broken_reader"
        title = "Broken reader"

        @hookimpl(optionalhook=True)
        def notice_posted(self, notice: str) -> None:
            raise RuntimeError("cannot read")

    reader, board = Reader(), NoticeBoard()
    app = make_app(board, Broken(), reader)
    enable(app, "notice_board", "broken_reader", "reader")
    with app.test_request_context(method="POST"):
        board.post("Still posted")
        db.session.commit()
    assert reader.read == ["Still posted"]
    with app.app_context():
        assert "The notice_posted hook of broken_reader failed unexpectedly" in (
            registry.state_of("broken_reader").last_error or ""
        )
