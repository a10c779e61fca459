"""A plugin's key-value store: many values read and written together, first-time records, locked reads."""

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from host.extensions import db
from host.plugins.models import PluginData
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


def test_get_many_reads_only_what_is_set_in_one_query(app):
    with app.app_context():
        store = PluginStore("links")
        store.set_many({f"link.{number}": number for number in range(5)})
        PluginStore("other").set("link.1", "not ours")
        db.session.commit()
        with statements() as seen:
            found = store.get_many(["link.1", "link.3", "link.9"])
        assert found == {"link.1": 1, "link.3": 3}
        assert seen == ["SELECT"]


def test_add_stores_a_value_only_the_first_time(app):
    with app.app_context():
        store = PluginStore("seen")
        assert store.add("delivery.42", True) is True
        assert store.add("delivery.42", False) is False
        db.session.commit()
        assert store.get("delivery.42") is True


def test_delete_before_drops_the_older_keys_of_one_prefix(app):
    with app.app_context():
        store = PluginStore("seen")
        store.set_many({"seen.20261201.a": 1, "seen.20261203.b": 1, "other.20261201": 1})
        db.session.commit()
        store.delete_before("seen.", "seen.20261202")
        db.session.commit()
        assert store.get_many(["seen.20261201.a", "seen.20261203.b", "other.20261201"]) == {
            "seen.20261203.b": 1,
            "other.20261201": 1,
        }


def test_get_locked_reads_what_another_transaction_committed(app):
    with app.app_context():
        store = PluginStore("progress")
        store.set("import", {"done": 1})
        db.session.commit()
        assert store.get("import") == {"done": 1}  # this session now holds a copy
        with db.engine.begin() as other:
            other.execute(
                PluginData.__table__.update()
                .where(PluginData.plugin == "progress", PluginData.key == "import")
                .values(value={"done": 2})
            )
        assert store.get_locked("import") == {"done": 2}
        db.session.commit()


def test_bundled_plugins_keep_their_state_through_the_store_only():
    """No bundled plugin reads or writes the store's table itself."""
    plugins = Path(__file__).parents[2] / "plugins"
    reaching = [
        str(path.relative_to(plugins))
        for path in plugins.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "host.plugins.models"
    ]
    assert reaching == []
