"""The benchmarks' databases: a fresh SQLite file, or a fresh PostgreSQL schema.

PostgreSQL is taken from ``PLUGHOST_TEST_POSTGRES_URL`` (default: the local server's
``test`` database); where it is not reachable, :func:`postgres_database` yields None
and the benchmark reports the figure as skipped.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy

POSTGRES_URL = os.environ.get("PLUGHOST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Database:
    label: str
    config: dict[str, Any]
    #: The same database as one URL, for worker processes.
    url: str


@contextmanager
def sqlite_database(folder: Path) -> Iterator[Database]:
    url = f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}"
    yield Database("SQLite", {"SQLALCHEMY_DATABASE_URI": url}, url)


@contextmanager
def postgres_database() -> Iterator[Database | None]:
    """A fresh schema, dropped afterwards; None when PostgreSQL is not reachable."""
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    except sqlalchemy.exc.OperationalError:
        engine.dispose()
        yield None
        return
    options = f"-csearch_path={schema}"
    url = sqlalchemy.engine.make_url(POSTGRES_URL).update_query_dict({"options": options})
    try:
        yield Database(
            "PostgreSQL",
            {
                "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
                "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": options}},
                # The site builds its schema with the migrations, as `plughost db upgrade` would.
                "PLUGHOST_AUTO_MIGRATE": True,
            },
            url.render_as_string(hide_password=False),
        )
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
