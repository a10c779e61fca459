"""Database set-up: binding the engine, SQLite's connection rules, and migrations.

SQLite is the embedded default, and the host relies on savepoints (each plugin's hook
runs inside one) and on foreign keys (deleting a user clears its tag links). pysqlite
handles transactions itself and gets savepoints wrong, so its handling is switched
off and the transaction is begun explicitly; foreign keys are off in SQLite unless
asked for; WAL lets the web process and its sync worker read while one writes, and
the busy timeout makes a writer wait for another instead of failing at once.
"""

from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Engine, event

from host.extensions import db, migrate

MIGRATIONS_DIRECTORY = str(Path(__file__).parent / "migrations")

#: How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5000


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


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
