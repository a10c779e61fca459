"""Worker processes for the sync tests: the same site as the test's, in a subprocess.

A worker process builds its site from the environment, so it gets the test site's
database (PostgreSQL's schema included), keys and fast settings, and loads the queue
test plugin from this folder.
"""

import os
import sys
from pathlib import Path

from flask import Flask
from polling import wait_for
from queue_test_plugin import BOARD_ENV, Board
from sqlalchemy.engine import make_url

from host.sync.settings import DEFAULTS
from host.sync.worker_app import EXTRA_PLUGINS_ENV

REPOSITORY = Path(__file__).resolve().parents[2]
CELERY_APP = "host.sync.celery_app"


def subprocess_database_url(app: Flask) -> str:
    """The site's database as one URL, PostgreSQL's schema included."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {}).get("options")
    if options:
        url = url.update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


def worker_environment(app: Flask, board: Board) -> dict[str, str]:
    """Environment for a process that builds the same site as ``app`` and steers the same board."""
    return {
        **os.environ,
        **{key: str(app.config[key]) for key in DEFAULTS},
        "PLUGHOST_DATABASE_URL": subprocess_database_url(app),
        "PLUGHOST_SECRET_KEY": app.config["SECRET_KEY"],
        "PLUGHOST_ENCRYPTION_KEY": app.config["PLUGHOST_ENCRYPTION_KEY"],
        "PLUGHOST_SYNC_ENGINE": app.config["PLUGHOST_SYNC_ENGINE"],
        "PLUGHOST_CELERY_BROKER_URL": app.config["PLUGHOST_CELERY_BROKER_URL"],
        EXTRA_PLUGINS_ENV: "queue_test_plugin:plugin",
        BOARD_ENV: str(board.folder),
        "PYTHONPATH": os.pathsep.join(
            [
                str(Path(__file__).parent),
                str(Path(__file__).parent.parent),
                str(REPOSITORY),
                os.environ.get("PYTHONPATH", ""),
            ]
        ),
    }


def embedded_worker_command() -> list[str]:
    return [sys.executable, "-m", "host.sync", "worker"]


def celery_worker_command(name: str) -> list[str]:
    return [
        *(sys.executable, "-m", "celery", "-A", CELERY_APP, "worker"),
        *("--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        *("--loglevel=INFO", f"--hostname={name}@%h"),
    ]


def celery_beat_command(schedule_file: Path) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", CELERY_APP, "beat", f"--schedule={schedule_file}", "--loglevel=INFO"]


def wait_until_logged(log_file: Path, text: str, timeout: float = 120.0) -> None:
    """Wait until a process's log says ``text`` (e.g. a Celery worker's ``ready.``)."""
    wait_for(
        lambda: log_file.exists() and text in log_file.read_text(errors="replace"), f"{text!r} in {log_file}", timeout
    )
