"""Registration with the Salesforce plugins on, and how long users take to reach Salesforce.

    python bench/site_with_plugins.py [--registrations 60] [--burst 300]

Two sites on SQLite with the embedded worker, built side by side in this run: one
with no plugins, one with Salesforce Leads and Salesforce Contacts enabled and
connected to the Salesforce emulator over HTTP (authorized through its login and
Allow pages). Prints:

1. the registration request's time (POST /register), alternating between the sites,
   and the ratio of their medians;
2. sync lag, from a registration's answer to its Contact being in Salesforce (the
   queue's record turning ``done``), p50 and p95, for registrations one at a time
   and for a burst queued all at once.
"""

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from connected_site import PASSWORD, build_site, connect_plugins
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.models import User
from salesforce_emulator.testing import running_emulator

BENCHMARK = "site with the Salesforce plugins"


def register(app: Flask, email: str) -> float:
    """Register through the form, as a new visitor; the request's time in milliseconds."""
    client = app.test_client()
    started = time.perf_counter()
    response = client.post(
        "/register",
        data={
            "first_name": "Bench",
            "last_name": "User",
            "email": email,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.get_data(as_text=True)
    return elapsed


def registration_ratio(plain: Flask, plugged: Flask, count: int) -> None:
    sites = {"no plugins": plain, "Salesforce plugins": plugged}
    times: dict[str, list[float]] = {label: [] for label in sites}
    for number in range(count):
        for label, site in sites.items():
            times[label].append(register(site, f"ratio{number}@example.com"))
    print(f"1. Registration request, {count} each, alternating (SQLite, embedded worker)")
    for label, values in times.items():
        print(f"   {label:19} median {statistics.median(values):6.1f} ms   mean {statistics.mean(values):6.1f} ms")
    ratio = statistics.median(times["Salesforce plugins"]) / statistics.median(times["no plugins"])
    print(f"   ratio (plugins / none), median: {ratio:.3f}")
    figure(BENCHMARK, "registration time, Salesforce plugins / none", ratio, "ratio")


def synced_at(app: Flask, user_ids: list[int], deadline: float) -> dict[int, datetime]:
    """When each user's Contact delivery finished, polling the queue until all are done."""
    plugin = app.extensions["plughost"].plugins["salesforce_contacts"]
    done: dict[int, datetime] = {}
    while len(done) < len(user_ids):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(user_ids) - len(done)} users not synced in time")
        with app.app_context():
            for user_id in user_ids:
                if user_id not in done:
                    status = host.sync.record_status(plugin, "user", str(user_id))
                    if status is not None and status.state == "done" and status.at is not None:
                        done[user_id] = status.at
        time.sleep(0.01)
    return done


def lags(app: Flask, answered: dict[int, datetime]) -> list[float]:
    finished = synced_at(app, list(answered), time.monotonic() + 120)
    return [(finished[user_id] - answered[user_id]).total_seconds() * 1000 for user_id in answered]


def user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report_lag(label: str, values: list[float]) -> None:
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    print(f"   {label:28} p50 {p50:7.0f} ms   p95 {p95:7.0f} ms   ({len(values)} users)")
    figure(BENCHMARK, f"sync lag p50, {label}", p50, "ms")
    figure(BENCHMARK, f"sync lag p95, {label}", p95, "ms")


def sync_lag(app: Flask, count: int, burst: int) -> None:
    print("\n2. Sync lag, registration answered -> Contact in Salesforce")
    one_at_a_time: dict[int, datetime] = {}
    for number in range(count):
        email = f"lag{number}@example.com"
        register(app, email)
        one_at_a_time[user_id(app, email)] = datetime.now(UTC)
        synced_at(app, [user_id(app, email)], time.monotonic() + 30)
    report_lag("one at a time", lags(app, one_at_a_time))

    answered: dict[int, datetime] = {}
    lock = threading.Lock()

    def register_many(offset: int) -> None:
        for number in range(offset, burst, 4):
            email = f"burst{number}@example.com"
            register(app, email)
            with lock:
                answered[user_id(app, email)] = datetime.now(UTC)

    threads = [threading.Thread(target=register_many, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report_lag(f"burst of {burst}, 4 threads", lags(app, answered))


@contextmanager
def sites(folder: Path) -> Iterator[tuple[Flask, Flask]]:
    plain = build_site(folder, "plain", with_plugins=False)
    plugged = build_site(folder, "plugged", with_plugins=True)
    try:
        yield plain, plugged
    finally:
        host.sync.stop(plain)
        host.sync.stop(plugged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=60)
    parser.add_argument("--burst", type=int, default=300)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary, running_emulator() as emulator:
        with sites(Path(temporary)) as (plain, plugged):
            connect_plugins(plugged, emulator)
            registration_ratio(plain, plugged, arguments.registrations)
            sync_lag(plugged, arguments.registrations, arguments.burst)


if __name__ == "__main__":
    main()
