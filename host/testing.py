"""Pytest fixtures for testing Plughost and its plugins, installed with Plughost.

Registered through the ``pytest11`` entry point, so a plugin's own test suite has them
as soon as Plughost is installed: nothing to import or copy.

* ``make_app(*plugins, **config)`` builds a site with exactly those plugins (no entry
  points) on a fresh database, migrated as ``plughost db upgrade`` would (the plugins'
  own tables included); tests that use it run on SQLite, and again on PostgreSQL when
  one is configured: the ``PLUGHOST_TEST_POSTGRES_URL`` environment variable, or
  ``plughost_postgres_url`` in the pytest configuration.
* ``app`` and ``client``: a site with no plugins, and a test client of it.
* ``enable_plugins(app, *plugins)`` enables plugins of that site, as an admin does in
  the Marketplace (their activation runs).
* ``make_user(app, admin=False, email=None, **fields)`` registers a user through the
  services (hooks fire) and returns its id; ``log_in(client, user_id)`` logs a test
  client in; ``admin_client`` is a client of ``app`` logged in as its owner.
* ``live_server(app)`` serves a site on a loopback port in a thread and returns its URL,
  for a browser or another process.
* ``emulator`` (and ``emulator_https``): a running Salesforce emulator in its seeded
  state, from :mod:`salesforce_emulator.pytest_fixtures`.

Passwords are hashed cheaply (``PLUGHOST_PASSWORD_HASH_COST="fast"``) and forms take
posts without CSRF tokens; a test of CSRF turns ``WTF_CSRF_ENABLED`` back on.
Services a developer may lack (PostgreSQL, a browser) skip their tests, or fail them
where ``PLUGHOST_REQUIRE_SERVICES=1`` says they must be there, as in CI.
"""

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

import host.sync
from host import create_app
from host.extensions import db
from host.models import Role
from host.plugins import Plugin, registry
from host.services.users import register_user

pytest_plugins = ["salesforce_emulator.pytest_fixtures"]

POSTGRES_URL_ENV = "PLUGHOST_TEST_POSTGRES_URL"
POSTGRES_URL_INI = "plughost_postgres_url"
REQUIRE_SERVICES_ENV = "PLUGHOST_REQUIRE_SERVICES"
PASSWORD = "correct horse battery"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(POSTGRES_URL_INI, f"PostgreSQL URL tests also run on ({POSTGRES_URL_ENV} overrides it)", default="")


def postgres_url(config: pytest.Config) -> str | None:
    """The PostgreSQL database tests also run on, if one is configured."""
    return os.environ.get(POSTGRES_URL_ENV) or str(config.getini(POSTGRES_URL_INI)) or None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_config" in metafunc.fixturenames:
        backends = ["sqlite", "postgresql"] if postgres_url(metafunc.config) else ["sqlite"]
        metafunc.parametrize("database_config", backends, indirect=True)


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, or fail it where services are required."""
    if os.environ.get(REQUIRE_SERVICES_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_SERVICES_ENV}=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def service_unavailable() -> Callable[[str], None]:
    """:func:`skip_or_fail`, for a suite's own fixtures of optional services."""
    return skip_or_fail


def _postgres_schema(url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    engine = sqlalchemy.create_engine(url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    except sqlalchemy.exc.OperationalError as error:
        engine.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {url}: {error.orig}")
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def database_config(request: pytest.FixtureRequest, tmp_path) -> Iterator[dict[str, Any]]:
    """Configuration pointing the application at a fresh, empty database."""
    url = postgres_url(request.config)
    if request.param == "sqlite" or url is None:
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plughost.sqlite3'}"}
        return
    for schema in _postgres_schema(url):
        yield {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}},
        }


@pytest.fixture
def make_app(database_config: dict[str, Any], tmp_path) -> Iterator[Callable[..., Flask]]:
    """``make_app(*plugins, **config)``: a site with those plugins and no entry points."""
    built: list[Flask] = []

    def make(*plugins: Plugin, **config: Any) -> Flask:
        settings = {
            "TESTING": True,
            "PLUGHOST_LOAD_ENTRYPOINTS": False,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": False,
            "PLUGHOST_PASSWORD_HASH_COST": "fast",
            # The schema the migrations build, as `plughost db upgrade` would.
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


def enable_site_plugins(app: Flask, *plugins: Plugin) -> None:
    """Enable the plugins in the site and commit, as the Marketplace's Enable does."""
    with app.app_context():
        for plugin in plugins:
            registry.enable(plugin.name)
        db.session.commit()


@pytest.fixture
def enable_plugins() -> Callable[..., None]:
    """``enable_plugins(app, *plugins)``: enable those plugins of the site."""
    return enable_site_plugins


def create_user(app: Flask, *, admin: bool = False, email: str | None = None, **fields: Any) -> int:
    """Register a user through the services (hooks fire) and commit; returns its id."""
    values = {
        "email": email or f"{uuid.uuid4().hex[:10]}@example.com",
        "password": PASSWORD,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": Role.ADMIN if admin else Role.SUBSCRIBER,
        **fields,
    }
    with app.test_request_context():
        user = register_user(**values)
        db.session.commit()
        return user.id


def log_client_in(client: FlaskClient, user_id: int) -> FlaskClient:
    """Make ``client`` logged in as the user, without going through the log-in form."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


@pytest.fixture
def make_user() -> Callable[..., int]:
    """``make_user(app, admin=False, email=None, **fields)``: register a user, return its id."""
    return create_user


@pytest.fixture
def log_in() -> Callable[[FlaskClient, int], FlaskClient]:
    """``log_in(client, user_id)``: make a test client logged in as that user."""
    return log_client_in


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client logged in as the site owner (an admin), on the ``app`` fixture."""
    return log_client_in(app.test_client(), create_user(app, admin=True, email="owner@example.com"))


@pytest.fixture
def live_server() -> Iterator[Callable[[Flask], str]]:
    """``live_server(app)``: serve ``app`` on a free loopback port in a thread; returns its base URL."""
    servers = []

    def serve(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join()
