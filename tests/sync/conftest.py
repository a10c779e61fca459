"""Fixtures of the sync queue's tests: a site with the queue test plugin, and workers.

``queue`` is the site with :mod:`queue_test_plugin` enabled and a board to steer it,
once per engine and database: the embedded engine on SQLite and PostgreSQL, and
Celery on PostgreSQL with two worker processes and beat, on the local Redis.
Settings are shrunk (leases of 1.5 s, backoffs of tens of milliseconds) so that
retries, dead-lettering and lease expiry take a second or two.
"""

import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from queue_test_plugin import Board, QueueTestPlugin
from sqlalchemy import select
from workers import (
    REPOSITORY,
    celery_beat_command,
    celery_worker_command,
    wait_until_logged,
    worker_environment,
)

import host.sync
from host.extensions import db
from host.plugins import registry
from host.sync.models import SyncEntry

PLUGIN = QueueTestPlugin.name
REDIS_URL = "redis://127.0.0.1:6379"
#: A Redis database the tests use alone; each test adds a key prefix of its own.
REDIS_TEST_DB = 13

FAST_SETTINGS: dict[str, Any] = {
    "PLUGHOST_SYNC_LEASE_SECONDS": 1.5,
    "PLUGHOST_SYNC_RETRY_BASE_SECONDS": 0.05,
    "PLUGHOST_SYNC_RETRY_MAX_SECONDS": 0.4,
    "PLUGHOST_SYNC_POLL_SECONDS": 0.3,
    "PLUGHOST_SYNC_MAX_ATTEMPTS": 4,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run Celery against PostgreSQL only, the database it is deployed with."""
    celery_on_sqlite = [
        item
        for item in items
        if getattr(item, "callspec", None)
        and item.callspec.params.get("engine") == "celery"
        and item.callspec.params.get("database_config") == "sqlite"
    ]
    if celery_on_sqlite:
        config.hook.pytest_deselected(items=celery_on_sqlite)
        items[:] = [item for item in items if item not in celery_on_sqlite]


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return Board(tmp_path / "board")


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[[list[str], dict[str, str], str], subprocess.Popen]]:
    """Start processes logging to ``<name>.log``; stopped when the test ends, whatever happens."""
    started: list[subprocess.Popen] = []

    def start(command: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        with open(tmp_path / f"{name}.log", "wb") as log:
            process = subprocess.Popen(command, env=env, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_broker(service_unavailable: Callable[[str], None]) -> Iterator[dict[str, str]]:
    """Celery settings on a Redis database and key prefix of the test's own; keys removed after."""
    client = redis.Redis.from_url(f"{REDIS_URL}/{REDIS_TEST_DB}")
    try:
        client.ping()
    except redis.ConnectionError as error:
        service_unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")
    prefix = f"plughost-test-{uuid.uuid4().hex[:12]}:"
    yield {"PLUGHOST_CELERY_BROKER_URL": f"{REDIS_URL}/{REDIS_TEST_DB}", "PLUGHOST_SYNC_REDIS_KEY_PREFIX": prefix}
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@dataclass
class Queue:
    """The site under test, its plugin's board, its worker processes, and shortcuts."""

    app: Flask
    board: Board
    #: Where worker processes write their logs.
    log_folder: Path
    #: The worker processes delivering for the site; none when the site's thread does.
    workers: list[subprocess.Popen] = field(default_factory=list)

    def worker_logs(self) -> str:
        """What the worker processes logged, for errors they handled."""
        return "".join(path.read_text(errors="replace") for path in sorted(self.log_folder.glob("worker*.log")))

    def enqueue(self, *record_ids: str, kind: str = "thing", payload: dict[str, Any] | None = None) -> None:
        """Queue records in one committed transaction."""
        with self.app.app_context():
            for record_id in record_ids:
                host.sync.enqueue(PLUGIN, kind, record_id, payload)
            db.session.commit()

    def wait_until_drained(self, timeout: float = 30.0) -> None:
        with self.app.app_context():
            host.sync.wait_until_drained(timeout)

    def entries(self) -> list[SyncEntry]:
        with self.app.app_context():
            rows = list(db.session.scalars(select(SyncEntry).order_by(SyncEntry.id)))
            db.session.expunge_all()
            return rows

    def status(self, record_id: str, kind: str = "thing") -> host.sync.RecordStatus | None:
        with self.app.app_context():
            return host.sync.record_status(PLUGIN, kind, record_id)

    def set_enabled(self, enabled: bool) -> None:
        with self.app.app_context():
            (registry.enable if enabled else registry.disable)(PLUGIN)
            db.session.commit()


@pytest.fixture(params=["embedded", "celery"])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_queue(
    request: pytest.FixtureRequest,
    engine: str,
    make_app: Callable[..., Flask],
    board: Board,
    spawn: Callable[..., subprocess.Popen],
    tmp_path: Path,
) -> Iterator[Callable[..., Queue]]:
    """Build sites with the queue test plugin enabled, and their Celery processes if any."""
    built: list[Flask] = []

    def make(**config: Any) -> Queue:
        settings = {**FAST_SETTINGS, "PLUGHOST_SYNC_ENGINE": engine, **config}
        if engine == "celery":
            settings.update(request.getfixturevalue("redis_broker"))
        app = make_app(QueueTestPlugin(board.folder), **settings)
        built.append(app)
        queue = Queue(app, board, tmp_path)
        queue.set_enabled(True)
        if engine == "celery":
            environment = worker_environment(app, board)
            for name in ("worker1", "worker2"):
                queue.workers.append(spawn(celery_worker_command(name), environment, name))
            spawn(celery_beat_command(tmp_path / "beat-schedule"), environment, "beat")
            for name in ("worker1", "worker2"):
                wait_until_logged(tmp_path / f"{name}.log", " ready.")
        return queue

    yield make
    for app in built:
        host.sync.stop(app)


@pytest.fixture
def queue(make_queue: Callable[..., Queue]) -> Queue:
    return make_queue()
