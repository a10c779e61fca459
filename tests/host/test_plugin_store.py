"""A plugin's key-value store: many values written together, as a batch's links are."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from host.extensions import db
from host.plugins.settings import PluginStore


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the session's engine runs meanwhile."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_set_many_adds_new_values_replaces_stored_ones_and_leaves_the_rest(app):
    with app.app_context():
        store = PluginStore("links")
        store.set("kept", {"n": 0})
        store.set("replaced", "old")
        db.session.commit()

        store.set_many({"replaced": "new", "added": [1, 2], "also added": None})
        db.session.commit()

        assert store.get("kept") == {"n": 0}
        assert store.get("replaced") == "new"
        assert store.get("added") == [1, 2]
        assert store.get("also added", "absent") is None
        assert PluginStore("other").get("added") is None


def test_set_many_looks_stored_values_up_together_not_one_by_one(app):
    count = 1200
    with app.app_context():
        store = PluginStore("links")
        store.set_many({f"link.{n}": n for n in range(0, count, 2)})
        db.session.commit()

        with statements() as seen:
            store.set_many({f"link.{n}": -n for n in range(count)})
            db.session.commit()

        assert seen.count("SELECT") <= 3, seen
        assert len(seen) < 20, "inserts and updates go out together"
        assert [store.get(f"link.{n}") for n in (0, 1, count - 1)] == [0, -1, -(count - 1)]
