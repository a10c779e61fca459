"""Backfill benchmark: memory of queueing every existing user for the Contacts plugin.

    python bench/backfill_memory.py [--users 100000]

Users are inserted directly (a site that had them before the plugin was installed),
then ``plughost sync backfill salesforce_contacts user`` queues them all. The figure is
the Python heap's peak during the backfill (tracemalloc) for a tenth of the users and
for all of them, side by side in this run: flat memory shows as a ratio near 1, not 10.
Run on SQLite and, when reachable, PostgreSQL.
"""

import argparse
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from databases import Database, postgres_database, sqlite_database
from report import figure
from sqlalchemy import func, insert, select

from host import create_app
from host.extensions import db
from host.models import User
from host.sync import stop
from host.sync.backfill import backfill
from host.sync.models import SyncEntry

BENCHMARK = "backfill"
PLUGIN = "salesforce_contacts"
INSERT_CHUNK = 10_000


def add_users(count: int) -> None:
    for start in range(0, count, INSERT_CHUNK):
        rows = [
            {"email": f"user{number}@example.com", "password_hash": "-", "first_name": "U", "last_name": str(number)}
            for number in range(start, min(count, start + INSERT_CHUNK))
        ]
        db.session.execute(insert(User), rows)
        db.session.commit()


def peak_backfill_memory(database: Database, folder: Path, users: int) -> tuple[float, float]:
    """Peak heap in MiB and seconds taken to queue ``users`` existing users."""
    app = create_app(
        {"SECRET_KEY": "bench", "PLUGHOST_SYNC_ENGINE": "embedded", **database.config},
        instance_path=str(folder / uuid.uuid4().hex),
    )
    try:
        with app.app_context():
            add_users(users)
            tracemalloc.start()
            started = time.perf_counter()
            queued = sum(backfill(PLUGIN, "user"))
            seconds = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            db.session.rollback()  # end the stream's snapshot, to count what the backfill committed
            assert queued == users == db.session.scalar(select(func.count()).select_from(SyncEntry))
            db.session.remove()
            db.drop_all()
    finally:
        stop(app)
    return peak / 2**20, seconds


def measure(
    label: str, database_for: Callable[[], AbstractContextManager[Database | None]], folder: Path, users: int
) -> None:
    results = {}
    for count in (users // 10, users):
        with database_for() as database:
            if database is None:
                print(f"   {label}: skipped (not reachable)")
                return
            results[count] = peak_backfill_memory(database, folder, count)
    for count, (peak, seconds) in results.items():
        print(f"   {label}, {count:>7} users: peak heap {peak:6.1f} MiB, {count / seconds:8.0f} users queued/s")
    ratio = results[users][0] / results[users // 10][0]
    print(f"   {label}: peak for {users} / peak for {users // 10} = {ratio:.2f}")
    figure(BENCHMARK, f"{users} users, {label}: peak heap", results[users][0], "MiB")
    figure(BENCHMARK, f"{label}: peak heap, 10x the users / 1x", ratio, "ratio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    arguments = parser.parse_args()
    print(f"Backfill of existing users for {PLUGIN}: Python heap peak (tracemalloc)")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        measure("SQLite", lambda: sqlite_database(folder), folder, arguments.users)
        measure("PostgreSQL", postgres_database, folder, arguments.users)


if __name__ == "__main__":
    main()
