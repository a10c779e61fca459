"""End to end: queued users through the real Contacts handler to the emulator, with a Salesforce round trip.

    python bench/end_to_end.py [--count 10000] [--workers 1 2 4] [--latency-ms 50]

The emulator runs in a process of its own, every REST call answered ``--latency-ms``
late. Each run builds a fresh site, connected as an owner connects it; ``--count``
users are queued while the Contacts plugin is paused, then it is resumed and the
queue delivered until empty (polled, with a deadline). Printed: users per second from
the resume to the last Contact, and the API calls in the emulator's log by endpoint;
for the embedded engine (SQLite, PostgreSQL) and for Celery workers on
PostgreSQL and Redis, one row per ``--workers`` count. Every Contact is checked to be
in the org before a figure counts. The sync settings are the defaults a site runs with.
"""

import argparse
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery_workers import celery_workers, redis_reachable
from connected_site import connected_site
from cryptography.fernet import Fernet
from databases import Database, postgres_database, sqlite_database
from emulator_throughput import handle_for, start_server
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.models import User
from salesforce_emulator.testing import EmulatorHandle

BENCHMARK = "end to end, Contacts"
CONTACTS = "salesforce_contacts"
REDIS_URL = "redis://127.0.0.1:6379/7"
SECRET_KEY = "bench-secret-key"
ENCRYPTION_KEY = Fernet.generate_key().decode("ascii")
#: How long one run may take before it is reported as not finished.
DEADLINE_SECONDS = 900.0


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    users: int
    calls: dict[str, int]

    @property
    def users_per_second(self) -> float:
        return self.users / self.seconds

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def site_config(database: Database) -> dict[str, Any]:
    return {
        **database.config,
        "SECRET_KEY": SECRET_KEY,
        "PLUGHOST_ENCRYPTION_KEY": ENCRYPTION_KEY,
    }


def worker_environment() -> dict[str, str]:
    """What Celery workers need besides the database to build the same site."""
    return {
        "PLUGHOST_SECRET_KEY": SECRET_KEY,
        "PLUGHOST_ENCRYPTION_KEY": ENCRYPTION_KEY,
    }


def queue_users(app: Flask, count: int, first: int) -> None:
    """``count`` new users queued for the Contacts plugin while it is paused."""
    with app.test_request_context(method="POST"):
        host.sync.pause(CONTACTS, "queueing the benchmark's users")
        users = [
            User(email=f"user{n}@example.com", password_hash="-", first_name="Bench", last_name=str(n))
            for n in range(first, first + count)
        ]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            host.sync.enqueue(CONTACTS, "user", str(user.id))
        db.session.commit()


def resume_and_drain(app: Flask, sf: EmulatorHandle, count: int) -> float:
    """Seconds from resuming the plugin until the queue is empty and every Contact is in the org."""
    with app.test_request_context(method="POST"):
        started = time.perf_counter()
        host.sync.resume(CONTACTS)
        db.session.commit()
        host.sync.wait_until_drained(DEADLINE_SECONDS)
        seconds = time.perf_counter() - started
    contacts = sf.admin.counts().get("Contact", 0)
    if contacts < count:
        raise SystemExit(f"only {contacts} of {count} Contacts reached the org")
    return seconds


def measure(label: str, app: Flask, sf: EmulatorHandle, count: int) -> Run:
    """Warm up with one user (workers started, describe cached), then time ``count`` queued users."""
    queue_users(app, 1, first=0)
    with app.test_request_context(method="POST"):
        host.sync.resume(CONTACTS)
        db.session.commit()
        host.sync.wait_until_drained(120)
    queue_users(app, count, first=1)
    sf.admin.clear_calls()
    seconds = resume_and_drain(app, sf, count + 1)
    return Run(label, seconds, count, sf.admin.call_counts())


@contextmanager
def fresh_site(folder: Path, sf: EmulatorHandle, database: Database, **config: Any) -> Iterator[Flask]:
    sf.reset()
    site_folder = folder / f"site-{time.monotonic_ns()}"
    site_folder.mkdir()
    app = connected_site(site_folder, sf, **site_config(database), **config)
    try:
        yield app
    finally:
        host.sync.stop(app)


def embedded_run(folder: Path, sf: EmulatorHandle, database: Database, count: int) -> Run:
    with fresh_site(folder, sf, database) as app:
        return measure(f"embedded, {database.label}", app, sf, count)


def celery_run(folder: Path, sf: EmulatorHandle, database: Database, count: int, workers: int) -> Run:
    with (
        celery_workers(
            database, folder, count=workers, redis_url=REDIS_URL, environment=worker_environment()
        ) as settings,
        fresh_site(folder, sf, database, **settings) as app,
    ):
        return measure(f"Celery x{workers}, PostgreSQL", app, sf, count)


def report(run: Run) -> None:
    calls = ", ".join(f"{name}: {used}" for name, used in sorted(run.calls.items(), key=lambda item: -item[1]))
    print(
        f"   {run.label + ':':<24}{run.users_per_second:8.0f} users/s  {run.seconds:7.2f} s  "
        f"{run.total_calls:5d} calls  [{calls}]",
        flush=True,
    )
    figure(BENCHMARK, f"users per second, {run.label}", run.users_per_second, "users/s")
    figure(BENCHMARK, f"API calls, {run.label}", run.total_calls, "calls")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="users queued in each run")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="Celery worker counts")
    parser.add_argument("--latency-ms", type=int, default=50, help="added to every Salesforce call")
    parser.add_argument("--no-embedded", action="store_true", help="only the Celery runs")
    arguments = parser.parse_args(argv)
    process, url, admin_token = start_server(False, pin=False, options=["--latency-ms", str(arguments.latency_ms)])
    with ExitStack() as cleanup, tempfile.TemporaryDirectory() as temporary:
        cleanup.callback(process.wait)
        cleanup.callback(process.terminate)
        folder = Path(temporary)
        sf = handle_for(url, admin_token, False)
        print(
            f"{arguments.count} queued users, Contacts handler, emulator answering each call "
            f"{arguments.latency_ms} ms late",
            flush=True,
        )
        if not arguments.no_embedded:
            with sqlite_database(folder) as database:
                report(embedded_run(folder, sf, database, arguments.count))
            with postgres_database() as database:
                if database is None:
                    print("   embedded, PostgreSQL:   skipped (PostgreSQL not reachable)")
                else:
                    report(embedded_run(folder, sf, database, arguments.count))
        for workers in arguments.workers:
            with postgres_database() as database:
                if database is None or not redis_reachable(REDIS_URL):
                    print(f"   Celery x{workers}:              skipped (PostgreSQL or Redis not reachable)")
                    continue
                report(celery_run(folder, sf, database, arguments.count, workers))


if __name__ == "__main__":
    main()
