"""Celery workers and beat for a benchmark's site, as real processes on Redis.

The workers build the site from the environment (``host.sync.celery_app``), so they get
the benchmark's database, keys and plugins; each gets a Redis key prefix of its own, so
its queue is apart from any other site's on the same Redis, and the keys are removed
afterwards.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import redis
from databases import Database

REPOSITORY = Path(__file__).resolve().parents[1]


def redis_reachable(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.ConnectionError:
        return False


@contextmanager
def celery_workers(
    database: Database, folder: Path, *, count: int, redis_url: str, environment: Mapping[str, str]
) -> Iterator[dict[str, str]]:
    """``count`` single-process Celery workers and beat on ``database``; yields the site's Celery settings.

    :param environment: the rest of the site's settings (keys, sync settings, extra plugins).
    """
    prefix = f"plughost-bench-{uuid.uuid4().hex[:8]}:"
    settings = {
        "PLUGHOST_SYNC_ENGINE": "celery",
        "PLUGHOST_CELERY_BROKER_URL": redis_url,
        "PLUGHOST_SYNC_REDIS_KEY_PREFIX": prefix,
    }
    process_environment = {
        **os.environ,
        **environment,
        **settings,
        "PLUGHOST_DATABASE_URL": database.url,
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(REPOSITORY)]),
    }
    celery = [sys.executable, "-m", "celery", "-A", "host.sync.celery_app"]
    quiet = ["--loglevel=WARNING"]
    commands = [
        [
            *celery,
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=bench{n}@%h",
            *quiet,
        ]
        for n in range(count)
    ]
    commands.append([*celery, "beat", f"--schedule={folder / f'beat-schedule-{prefix[:-1]}'}", *quiet])
    processes = [
        subprocess.Popen(
            command, env=process_environment, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in commands
    ]
    try:
        yield settings
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
