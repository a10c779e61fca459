"""Fixtures of the sync queue's tests: a site with the queue test plugin, and workers.

The ``queue`` fixture gives the site with :mod:`queue_test_plugin` enabled and a
board to steer it, on each database. Settings are shrunk (leases of 1.5 s, backoffs
of tens of milliseconds) so that retries, dead-lettering and lease expiry take well
under a second or two.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url

import host.sync
from host.extensions import db
from host.plugins import registry
from host.sync.models import SyncEntry
from host.sync.worker_app import EXTRA_PLUGINS_ENV
from queue_test_plugin import BOARD_ENV, Board, QueueTestPlugin

REPOSITORY = Path(__file__).resolve().parents[2]
PLUGIN = QueueTestPlugin.name

FAST_SETTINGS: dict[str, Any] = {
    "PLUGHOST_SYNC_LEASE_SECONDS": 1.5,
    "PLUGHOST_SYNC_RETRY_BASE_SECONDS": 0.05,
    "PLUGHOST_SYNC_RETRY_MAX_SECONDS": 0.4,
    "PLUGHOST_SYNC_POLL_SECONDS": 0.3,
    "PLUGHOST_SYNC_MAX_ATTEMPTS": 4,
}


@dataclass
class Queue:
    """The site under test, its plugin's board, and shortcuts used by every test."""

    app: Flask
    board: Board

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


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return Board(tmp_path / "board")


@pytest.fixture
def make_queue(make_app: Callable[..., Flask], board: Board) -> Iterator[Callable[..., Queue]]:
    """Build sites with the queue test plugin enabled; their workers stop afterwards."""
    built: list[Flask] = []

    def make(**config: Any) -> Queue:
        app = make_app(QueueTestPlugin(board.folder), **{**FAST_SETTINGS, **config})
        built.append(app)
        queue = Queue(app, board)
        queue.set_enabled(True)
        return queue

    yield make
    for app in built:
        host.sync.stop(app)


@pytest.fixture
def queue(make_queue: Callable[..., Queue]) -> Queue:
    """The site with the embedded engine."""
    return make_queue()


def subprocess_database_url(app: Flask) -> str:
    """The site's database as one URL, PostgreSQL's schema included, for other processes."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False) if options else str(url)


def worker_environment(app: Flask, board: Board, **extra: str) -> dict[str, str]:
    """Environment for a process that builds the same site as ``app`` and steers the same board."""
    settings = {key: str(app.config[key]) for key in FAST_SETTINGS}
    return {
        **os.environ,
        **settings,
        "PLUGHOST_DATABASE_URL": subprocess_database_url(app),
        "PLUGHOST_SECRET_KEY": app.config["SECRET_KEY"],
        "PLUGHOST_ENCRYPTION_KEY": app.config["PLUGHOST_ENCRYPTION_KEY"],
        EXTRA_PLUGINS_ENV: "queue_test_plugin:plugin",
        BOARD_ENV: str(board.folder),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(REPOSITORY), os.environ.get("PYTHONPATH", "")]),
        **extra,
    }


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start processes that are killed when the test ends, whatever happens."""
    started: list[subprocess.Popen] = []

    def start(command: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "wb")
        process = subprocess.Popen(command, env=env, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT)
        log.close()
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


def python_module(module: str, *arguments: str) -> list[str]:
    return [sys.executable, "-m", module, *arguments]
