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
from flask.testing import FlaskClient

import host.sync
from host import create_app
from host.extensions import db
from host.models import Role
from host.plugins import Plugin
from host.services.users import register_user

# The emulator's fixtures (a server per session, reset per test) serve every suite.
pytest_plugins = ["salesforce_emulator.pytest_fixtures"]

POSTGRES_URL = os.environ.get("PLUGHOST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("PLUGHOST_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PLUGHOST_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def service_unavailable() -> Callable[[str], None]:
    """:func:`skip_or_fail`, for conftest modules elsewhere, which cannot import this one."""
    return skip_or_fail


def _postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    except sqlalchemy.exc.OperationalError as error:
        engine.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error.orig}")
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
            # Forms are posted without tokens; tests of CSRF itself turn it back on.
            "WTF_CSRF_ENABLED": False,
            # Cheap password hashes: suites register hundreds of users.
            "PLUGHOST_PASSWORD_HASH_COST": "fast",
            # The schema the migrations build, on PostgreSQL too, as `plughost db upgrade` would.
            "PLUGHOST_AUTO_MIGRATE": True,
            **database_config,
            **config,
        }
        app = create_app(settings, plugins=plugins, instance_path=str(tmp_path / f"instance{len(built)}"))
        built.append(app)
        return app

    yield make
    for app in built:
        # The sync worker thread would otherwise go on polling a database that is gone.
        host.sync.stop(app)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The site with no plugins."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _create_user(app: Flask, *, admin: bool = False, email: str | None = None, **fields: Any) -> int:
    """Register a user through the services (hooks fire) and commit; returns its id."""
    values = {
        "email": email or f"{uuid.uuid4().hex[:10]}@example.com",
        "password": "correct horse battery",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": Role.ADMIN if admin else Role.SUBSCRIBER,
        **fields,
    }
    with app.test_request_context():
        user = register_user(**values)
        db.session.commit()
        return user.id


def _log_in(client: FlaskClient, user_id: int) -> FlaskClient:
    """Make ``client`` logged in as the user, without going through the log-in form."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


@pytest.fixture
def make_user() -> Callable[..., int]:
    """``make_user(app, admin=False, email=None, **fields)``: register a user, return its id."""
    return _create_user


@pytest.fixture
def log_in() -> Callable[[FlaskClient, int], FlaskClient]:
    """``log_in(client, user_id)``: make a test client logged in as that user."""
    return _log_in


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client logged in as the site owner (an admin), on the ``app`` fixture."""
    return _log_in(app.test_client(), _create_user(app, admin=True, email="owner@example.com"))
