"""Database set-up: binding the engine, SQLite's transactions, and migrations.

SQLite is the embedded default, and the host relies on savepoints (each plugin's hook
runs inside one) and on foreign keys (deleting a user clears its tag links). pysqlite
handles transactions itself and gets savepoints wrong, so its handling is switched
off and this module begins transactions itself; foreign keys are off in SQLite unless
asked for; WAL lets readers read while one connection writes.

SQLite has one writer at a time, and this module is the only place that knows it. A
transaction is begun at its first write, ``BEGIN IMMEDIATE``, which takes the write
lock, waiting for another writer up to the busy timeout; the reads before it run on
their own, each seeing the latest commit, as PostgreSQL's default READ COMMITTED does.
A transaction begun at its first statement instead would read from a snapshot that a
writer in another process can outdate, and SQLite then fails the first write at once
("database is locked") rather than waiting. So nothing else in the site or its plugins
has to say beforehand whether it will write: reads stay concurrent, writers queue.
``SELECT ... FOR UPDATE`` (SQLAlchemy's ``with_for_update()``), which SQLite lacks,
counts as a write: it takes the write lock, the one lock SQLite has, so a read that
must not change before the write that follows it is safe on both databases.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import Connection, Engine, event, inspect, make_url

from host.config import flag
from host.extensions import db, migrate
from host.plugin_migrations import plugins_are_current, upgrade_plugins

MIGRATIONS_DIRECTORY = str(Path(__file__).parent / "migrations")

#: The most values one ``IN (...)`` list takes: PostgreSQL accepts at most 65,535
#: parameters in a statement, and a sync batch may hold 100,000 ids.
VALUES_PER_STATEMENT = 10_000

#: How long a SQLite writer waits for another writer before giving up: long enough for
#: a burst of registrations, each hashing a password while it holds the write lock.
SQLITE_BUSY_TIMEOUT_MS = 30_000

#: Statements that change the database, or lock what they read: each needs the write lock.
_WRITING_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")
#: A transaction begun by SQLAlchemy that has not written yet, so SQLite has not begun it.
_BEGIN_PENDING = "plughost_sqlite_begin_pending"
#: Which engine and thread a connection holds SQLite's write lock for, to refuse a second
#: writer that thread would wait on.
_WRITER = "plughost_sqlite_writer"
_writers: set[tuple[int, int]] = set()
#: Where :func:`migrate_if_automatic` records, in ``app.extensions``, that it migrated.
_SCHEMA_UPGRADED = "plughost_schema_upgraded"


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _writes(statement: str, context: Any) -> bool:
    if statement.lstrip()[:9].upper().startswith(_WRITING_VERBS):
        return True
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


def _defer_begin(connection: Connection) -> None:
    connection.info[_BEGIN_PENDING] = True


def _begin_before_first_write(
    connection: Connection, cursor: Any, statement: str, _parameters: Any, context: Any, _executemany: bool
) -> None:
    if connection.info.get(_BEGIN_PENDING) and _writes(statement, context):
        cursor.execute("BEGIN IMMEDIATE")
        connection.info[_BEGIN_PENDING] = False
        writer = (id(connection.engine), threading.get_ident())
        connection.info[_WRITER] = writer
        _writers.add(writer)


def _forget_transaction(info: dict[str, Any]) -> None:
    info.pop(_BEGIN_PENDING, None)
    writer = info.pop(_WRITER, None)
    if writer is not None:
        _writers.discard(writer)


def _end_transaction(connection: Connection) -> None:
    _forget_transaction(connection.info)


def _returned_to_pool(_dbapi_connection: Any, record: Any) -> None:
    _forget_transaction(record.info)


def configure_sqlite(engine: Engine) -> None:
    """Make a pysqlite engine honour transactions, savepoints and foreign keys, one writer at a time."""
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _defer_begin)
    event.listen(engine, "before_cursor_execute", _begin_before_first_write)
    event.listen(engine, "commit", _end_transaction)
    event.listen(engine, "rollback", _end_transaction)
    event.listen(engine.pool, "checkin", _returned_to_pool)


@contextmanager
def independent_transaction() -> Iterator[None]:
    """Run the block in a database session and transaction of its own, committed when it ends.

    For state that must outlive whatever the caller's transaction does next: a rotated
    OAuth refresh token is dead at the other end once used, so a sync batch that rolls
    back must not take the new one with it. The block uses ``db.session`` as usual.

    :raises RuntimeError: on SQLite, when the calling thread has uncommitted writes of
        its own: the block's writes would wait for them until the busy timeout.
    """
    if db.engine.dialect.name == "sqlite" and (id(db.engine), threading.get_ident()) in _writers:
        raise RuntimeError(
            "An independent transaction was started while this thread holds uncommitted writes; "
            "commit them first (SQLite has one writer at a time)."
        )
    with current_app.app_context():
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()


def init_database(app: Flask) -> None:
    """Bind the database and the migrations to ``app``."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine)


def upgrade_database(app: Flask) -> None:
    """Apply every pending migration to the application's database: the host's, then its plugins'."""
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY)
    upgrade_plugins(app)


def schema_is_current(app: Flask) -> bool:
    """Whether the database is at the newest migrations, the plugins' too; a cheap check, no migration runs."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIRECTORY)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with app.app_context(), db.engine.connect() as connection:
        host_current = set(MigrationContext.configure(connection).get_current_heads()) == heads
        return host_current and plugins_are_current(app, connection)


def database_exists(app: Flask) -> bool:
    """Whether the database is there; connecting to a missing SQLite file would create it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return True
    return Path(url.database).exists()


def has_schema(app: Flask) -> bool:
    """Whether the database exists and holds the site's tables; a missing one is not created."""
    if not database_exists(app):
        return False
    with app.app_context(), db.engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def auto_migrates(app: Flask) -> bool:
    """Whether the site migrates when it is built: as configured, else on SQLite only."""
    configured = app.config["PLUGHOST_AUTO_MIGRATE"]
    if configured is not None:
        return flag(configured)
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")


def migrate_if_automatic(app: Flask) -> bool:
    """Bring the schema up to date where that is automatic (:func:`auto_migrates`).

    Called when the site is built, so ``plughost run`` and a WSGI server pointed at
    ``host:create_app()`` follow one rule. Whether a migration ran is kept for
    :func:`schema_was_upgraded`.
    """
    upgraded = auto_migrates(app) and not schema_is_current(app)
    if upgraded:
        upgrade_database(app)
    app.extensions[_SCHEMA_UPGRADED] = upgraded
    return upgraded


def schema_was_upgraded(app: Flask) -> bool:
    """Whether building ``app`` brought its schema up to date."""
    return bool(app.extensions.get(_SCHEMA_UPGRADED))
