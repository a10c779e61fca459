"""Fixtures shared by every test: applications on SQLite and PostgreSQL.

Tests that need a database take ``app`` (or ``make_app``) and run once per database
backend. PostgreSQL, Redis and Chromium may be missing on a developer's machine, where
their tests skip; ``.ci/run`` sets ``PLUGHOST_REQUIRE_SERVICES=1`` so that there they
fail instead.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy
from flask import Flask

from host import create_app
from host.extensions import db
from host.plugins import Plugin

POSTGRES_URL = os.environ.get("PLUGHOST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("PLUGHOST_REQUIRE_SERVICES") == "1"


def service_unavailable(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PLUGHOST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    except sqlalchemy.exc.OperationalError as error:
        engine.dispose()
        service_unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error.orig}")
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_config(request: pytest.FixtureRequest, tmp_path) -> Iterator[dict[str, Any]]:
    """Configuration pointing the application at a fresh, empty database."""
    if request.param == "sqlite":
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plughost.sqlite3'}"}
        return
    for schema in _postgres_schema():
        yield {
            "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }


@pytest.fixture
def make_app(database_config: dict[str, Any], tmp_path) -> Iterator[Callable[..., Flask]]:
    """Build applications on the test's database with chosen plugins and no entry points."""
    built: list[Flask] = []

    def make(*plugins: Plugin, **config: Any) -> Flask:
        settings = {
            "TESTING": True,
            "PLUGHOST_LOAD_ENTRYPOINTS": False,
            "SECRET_KEY": "test-secret-key",
            **database_config,
            **config,
        }
        app = create_app(settings, plugins=plugins, instance_path=str(tmp_path / f"instance{len(built)}"))
        with app.app_context():
            db.create_all()
        built.append(app)
        return app

    yield make
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The site with no plugins."""
    return make_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
