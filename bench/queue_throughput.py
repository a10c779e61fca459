"""Sync queue benchmark: prints figures, asserts nothing.

    python bench/queue_throughput.py [--entries 10000] [--registrations 100]

1. Throughput: entries delivered per second through a handler that does nothing,
   on the embedded engine (SQLite, PostgreSQL) and on two Celery workers
   (PostgreSQL, Redis).
2. Batch sizes under a burst of entries, queued one commit per entry by four
   threads (as registrations would), with a handler that takes 20 ms per call like a
   remote API; and the same burst queued in one commit.
3. The registration request's time with the queue on (a plugin queues every new
   user) against a site with no plugins, measured side by side, alternating.

PostgreSQL and Redis are taken from PLUGHOST_TEST_POSTGRES_URL (default: the local
server's ``test`` database) and 127.0.0.1:6379; figures that need a missing service
are reported as skipped.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from celery_workers import celery_workers, redis_reachable
from cryptography.fernet import Fernet
from databases import Database, postgres_database, sqlite_database
from flask import Flask
from report import figure

from host import create_app
from host.extensions import db
from host.models import Role
from host.plugins import Plugin, hookimpl, registry
from host.services.users import register_user
from host.snapshots import UserSnapshot
from host.sync import enqueue, stop, wait_until_drained
from host.sync.handlers import Done, Entry, Outcome
from host.sync.worker_app import EXTRA_PLUGINS_ENV

BENCHMARK = "sync queue"
REPOSITORY = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/14"
#: Where the bench handler appends the size of each batch it is given.
BATCH_LOG_ENV = "PLUGHOST_BENCH_BATCH_LOG"
#: Seconds the bench handler spends per call, to stand in for a remote API.
CALL_SECONDS_ENV = "PLUGHOST_BENCH_CALL_SECONDS"
SECRET_KEY = "bench-secret-key"
ENCRYPTION_KEY = Fernet.generate_key().decode("ascii")


class NoOpHandler:
    """Accepts every entry; logs each batch's size; optionally waits like a remote call."""

    batch_size = 200

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        delay = float(os.environ.get(CALL_SECONDS_ENV, "0"))
        if delay:
            time.sleep(delay)
        with open(os.environ[BATCH_LOG_ENV], "a") as log:
            log.write(f"{len(entries)}\n")
        return {entry.id: Done() for entry in entries}


class BenchPlugin(Plugin):
    """Queues every registered user, and delivers ``item`` and ``user`` entries to nowhere."""

    name = "bench"
    title = "Bench"

    @hookimpl
    def sync_handlers(self) -> Mapping[str, NoOpHandler]:
        return {"item": NoOpHandler(), "user": NoOpHandler()}

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        enqueue(self, "user", str(user.id), {"email": user.email})


plugin = BenchPlugin()


# -- sites ------------------------------------------------------------------------------


def make_site(database: Database, folder: Path, plugins: Sequence[Plugin], **config: Any) -> Flask:
    """A site with an owner and the given plugins enabled, on a fresh database."""
    app = create_app(
        {
            "PLUGHOST_LOAD_ENTRYPOINTS": False,
            "SECRET_KEY": SECRET_KEY,
            "PLUGHOST_ENCRYPTION_KEY": ENCRYPTION_KEY,
            "WTF_CSRF_ENABLED": False,
            "PLUGHOST_SYNC_POLL_SECONDS": 0.5,
            **database.config,
            **config,
        },
        plugins=plugins,
        instance_path=str(folder / uuid.uuid4().hex),
    )
    with app.app_context():
        register_user(
            email="owner@example.com", password="correct horse battery", first_name="O", last_name="W", role=Role.ADMIN
        )
        for each in plugins:
            registry.enable(each.name)
        db.session.commit()
    return app


def batch_sizes(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def enqueue_in_one_commit(app: Flask, count: int, first: int = 0) -> None:
    with app.app_context():
        for number in range(first, first + count):
            enqueue(plugin, "item", str(number))
        db.session.commit()


def set_enabled(app: Flask, enabled: bool) -> None:
    with app.app_context():
        (registry.enable if enabled else registry.disable)(plugin.name)
        db.session.commit()


def drain_seconds(app: Flask, started: float) -> float:
    with app.app_context():
        wait_until_drained(timeout=600)
    return time.perf_counter() - started


# -- 1. throughput --------------------------------------------------------------------


def embedded_throughput(database: Database, folder: Path, count: int) -> float:
    os.environ[BATCH_LOG_ENV] = str(folder / f"batches-{uuid.uuid4().hex}")
    app = make_site(database, folder, [plugin])
    try:
        # Queued while the plugin is disabled, so that only delivery is timed.
        set_enabled(app, False)
        enqueue_in_one_commit(app, count)
        set_enabled(app, True)
        started = time.perf_counter()
        app.extensions["plughost_sync"].engine.signal()
        return count / drain_seconds(app, started)
    finally:
        stop(app)


def celery_throughput(database: Database, folder: Path, count: int) -> float:
    os.environ[BATCH_LOG_ENV] = str(folder / f"batches-{uuid.uuid4().hex}")
    environment = {
        "PLUGHOST_SECRET_KEY": SECRET_KEY,
        "PLUGHOST_ENCRYPTION_KEY": ENCRYPTION_KEY,
        "PLUGHOST_SYNC_POLL_SECONDS": "0.5",
        EXTRA_PLUGINS_ENV: "queue_throughput:plugin",
    }
    with celery_workers(database, folder, count=2, redis_url=REDIS_URL, environment=environment) as settings:
        app = make_site(database, folder, [plugin], **settings)
        # A first entry shows that the workers are up before the timed run.
        enqueue_in_one_commit(app, 1)
        drain_seconds(app, time.perf_counter())
        set_enabled(app, False)
        enqueue_in_one_commit(app, count, first=1)
        started = time.perf_counter()
        set_enabled(app, True)
        app.extensions["plughost_sync"].engine.signal()
        return count / drain_seconds(app, started)


# -- 2. batch sizes under a burst ----------------------------------------------------------


def describe_batches(sizes: list[int]) -> str:
    buckets = Counter(
        "1" if size == 1 else "2-9" if size < 10 else "10-49" if size < 50 else "50-199" if size < 200 else "200"
        for size in sizes
    )
    shown = ", ".join(
        f"{bucket}: {buckets[bucket]}" for bucket in ["1", "2-9", "10-49", "50-199", "200"] if buckets[bucket]
    )
    return f"{len(sizes)} calls, mean {statistics.mean(sizes):.1f}, median {statistics.median(sizes):.0f}, max {max(sizes)}  [{shown}]"


def burst_batches(database: Database, folder: Path, count: int, *, one_commit: bool) -> tuple[list[int], float]:
    log = folder / f"batches-{uuid.uuid4().hex}"
    os.environ[BATCH_LOG_ENV] = str(log)
    os.environ[CALL_SECONDS_ENV] = "0.02"
    app = make_site(database, folder, [plugin])
    try:
        started = time.perf_counter()
        if one_commit:
            enqueue_in_one_commit(app, count)
        else:
            threads = [
                threading.Thread(target=_enqueue_one_per_commit, args=(app, part, count, 4)) for part in range(4)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        seconds = drain_seconds(app, started)
        return batch_sizes(log), seconds
    finally:
        os.environ.pop(CALL_SECONDS_ENV)
        stop(app)


def _enqueue_one_per_commit(app: Flask, part: int, count: int, parts: int) -> None:
    with app.app_context():
        for number in range(part, count, parts):
            enqueue(plugin, "item", str(number))
            db.session.commit()


# -- 3. registration time ----------------------------------------------------------------------


def registration_times(database_factory, folder: Path, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds per registration request: (no plugins, queue on), interleaved."""
    os.environ[BATCH_LOG_ENV] = str(folder / f"batches-{uuid.uuid4().hex}")
    with database_factory() as plain_database, database_factory() as queued_database:
        plain = make_site(plain_database, folder, [])
        queued = make_site(queued_database, folder, [plugin])
        try:
            clients = {"plain": plain.test_client(), "queued": queued.test_client()}
            times: dict[str, list[float]] = {"plain": [], "queued": []}
            for number in range(count + 5):
                for label in ("plain", "queued") if number % 2 else ("queued", "plain"):
                    started = time.perf_counter()
                    response = clients[label].post("/register", data=_registration(number))
                    elapsed = (time.perf_counter() - started) * 1000
                    clients[label].post("/logout")
                    assert response.status_code == 302, response.text
                    if number >= 5:  # the first few warm up caches and connections
                        times[label].append(elapsed)
            return times["plain"], times["queued"]
        finally:
            stop(queued)
            stop(plain)


def _registration(number: int) -> dict[str, str]:
    return {
        "first_name": "Bench",
        "last_name": str(number),
        "email": f"bench{number}@example.com",
        "phone": "",
        "password": "correct horse battery",
        "password_confirm": "correct horse battery",
    }


# -- report ----------------------------------------------------------------------------------------


def throughput(label: str, entries_per_second: float) -> None:
    print(f"   {label + ':':<26}{entries_per_second:8.0f} entries/s")
    figure(BENCHMARK, f"deliveries per second, {label}", entries_per_second, "entries/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=100)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)

        print(f"1. Throughput, {arguments.entries} entries through a no-op handler (batch size 200)")
        with sqlite_database(folder) as database:
            throughput("embedded, SQLite", embedded_throughput(database, folder, arguments.entries))
        with postgres_database() as database:
            if database is None:
                print("   embedded, PostgreSQL:     skipped (PostgreSQL not reachable)")
            else:
                throughput("embedded, PostgreSQL", embedded_throughput(database, folder, arguments.entries))
        with postgres_database() as database:
            if database is None or not redis_reachable(REDIS_URL):
                print("   Celery x2, PostgreSQL:    skipped (PostgreSQL or Redis not reachable)")
            else:
                throughput("Celery x2, PostgreSQL", celery_throughput(database, folder, arguments.entries))

        print(
            f"\n2. Batch sizes, burst of {arguments.entries} entries, handler taking 20 ms per call (embedded, SQLite)"
        )
        with sqlite_database(folder) as database:
            sizes, seconds = burst_batches(database, folder, arguments.entries, one_commit=False)
            print(f"   one commit per entry, 4 threads: {describe_batches(sizes)}; drained in {seconds:.1f} s")
            figure(BENCHMARK, "burst, one commit per entry: mean batch", statistics.mean(sizes), "entries/call")
        with sqlite_database(folder) as database:
            sizes, seconds = burst_batches(database, folder, arguments.entries, one_commit=True)
            print(f"   all in one commit:               {describe_batches(sizes)}; drained in {seconds:.1f} s")
            figure(BENCHMARK, "burst, one commit: mean batch", statistics.mean(sizes), "entries/call")

        print(f"\n3. Registration request (POST /register), {arguments.registrations} each, alternating, SQLite")
        plain, queued = registration_times(lambda: sqlite_database(folder), folder, arguments.registrations)
        for label, times in (("no plugins", plain), ("queue on", queued)):
            print(f"   {label:10}  median {statistics.median(times):6.1f} ms   mean {statistics.mean(times):6.1f} ms")
        ratio = statistics.median(queued) / statistics.median(plain)
        print(f"   ratio (queue on / no plugins), median: {ratio:.3f}")
        figure(BENCHMARK, "registration time, queue on / no plugins", ratio, "ratio")


if __name__ == "__main__":
    main()
