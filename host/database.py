"""Database set-up: binding the engine, SQLite's connection rules, and migrations.

SQLite is the embedded default, and the host relies on savepoints (each plugin's hook
runs inside one) and on foreign keys (deleting a user clears its tag links). pysqlite
handles transactions itself and gets savepoints wrong, so its handling is switched
off and the transaction is begun explicitly; foreign keys are off in SQLite unless
asked for; WAL lets the web process and its sync worker read while one writes, and
the busy timeout makes a writer wait for another instead of failing at once.

A request that changes things (any method but GET, HEAD, OPTIONS) begins its
transaction IMMEDIATE, taking the write lock at once: it reads before it writes (is
this email taken?), and a deferred transaction whose snapshot went stale while the
sync worker committed would fail its first write with "database is locked" without
waiting. Page views and the worker stay deferred, so reading never blocks, and a page
that has another session write (a refreshed Salesforce token) does not wait on
itself. A view that holds the write lock must commit before anything it calls writes
through a session of its own. Code that opens a short transaction to read and then
write (a stored token, a usage counter) wraps it in :func:`write_intent`, so that it
too waits for the lock instead of failing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, has_request_context, request
from flask_migrate import upgrade
from sqlalchemy import Engine, event, inspect, make_url

from host.config import flag
from host.extensions import db, migrate

MIGRATIONS_DIRECTORY = str(Path(__file__).parent / "migrations")

#: How long a SQLite writer waits for another writer before giving up: long enough for
#: a burst of registrations, each hashing a password while it holds the write lock.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


#: Request methods that only read, by HTTP's rules.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_write_intent: ContextVar[bool] = ContextVar("plughost_write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Begin the transactions started in this block with SQLite's write lock taken.

    For a short transaction of its own that reads, then writes what it read; on
    PostgreSQL this changes nothing.
    """
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def _begin_sqlite_transaction(connection: Any) -> None:
    changing = _write_intent.get() or (has_request_context() and request.method not in SAFE_METHODS)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if changing else "BEGIN")


def configure_sqlite(engine: Engine) -> None:
    """Make a pysqlite engine honour transactions, savepoints and foreign keys."""
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)


def init_database(app: Flask) -> None:
    """Bind the database and the migrations to ``app``."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine)


def upgrade_database(app: Flask) -> None:
    """Apply every pending migration to the application's database."""
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY)


def schema_is_current(app: Flask) -> bool:
    """Whether the database is at the newest migration; a cheap check, no migration runs."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIRECTORY)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with app.app_context(), db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


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
    """Whether the command line migrates before it runs: as configured, else on SQLite only."""
    configured = app.config["PLUGHOST_AUTO_MIGRATE"]
    if configured is not None:
        return flag(configured)
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
