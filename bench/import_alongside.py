"""Registrations while an import runs: errors and the registration time, beside the same
registrations without the import; asserts nothing.

    python bench/import_alongside.py [--records 1000] [--registrations 80]

One SQLite site with the embedded worker and both Salesforce plugins, connected to the
emulator over HTTP. Twice, the same number of visitors register through the form, two
at a time, while the worker delivers each new user to Salesforce: first alone, then
while an import started from the admin page brings in ``--records`` Contacts with a
topic, a page at a time. Prints the errors (goal 0: registrations not answered with a
redirect, queue entries given up, an import not finished) and each run's registration
p50 and p95.
"""

import argparse
import tempfile
import threading
import time
from pathlib import Path

from connected_site import PASSWORD, admin_client, connected_site
from flask import Flask
from report import figure
from site_with_plugins import percentile
from sqlalchemy import func, select

import host.sync
from host.extensions import db
from host.sync.models import EntryState, SyncEntry
from salesforce_emulator.testing import EmulatorHandle, running_emulator

BENCHMARK = "registrations alongside an import"
TOPIC = "Bench import"
IMPORT_PAGE = "/admin/plugins/salesforce_contacts/import/"
THREADS = 2


class Registrations:
    """Visitors registering through the form from a few threads: each answer's time, and the failures."""

    def __init__(self, app: Flask, prefix: str) -> None:
        self.app, self.prefix = app, prefix
        self.times: list[float] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def _register(self, number: int) -> None:
        form = {
            "first_name": "Bench",
            "last_name": f"Visitor {number}",
            "email": f"{self.prefix}{number}@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        }
        started = time.perf_counter()
        try:
            status = self.app.test_client().post("/register", data=form).status_code
            error = None if status == 302 else f"HTTP {status}"
        except Exception as raised:  # counted, so one failure does not end the run
            error = f"{type(raised).__name__}: {raised}"
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.times.append(elapsed)
            if error:
                self.errors.append(error)

    def run(self, count: int) -> None:
        def visitor(offset: int) -> None:
            for number in range(offset, count, THREADS):
                self._register(number)

        threads = [threading.Thread(target=visitor, args=(offset,)) for offset in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def seed_records(emulator: EmulatorHandle, count: int) -> None:
    topic_id = emulator.admin.insert("Topic", Name=TOPIC)
    for number in range(count):
        record_id = emulator.admin.insert(
            "Contact", Email=f"imported{number}@example.com", LastName=f"Imported {number}"
        )
        emulator.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)


def dead_entries(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SyncEntry).where(SyncEntry.state == EntryState.DEAD))


def import_progress(app: Flask) -> dict:
    return admin_client(app).get(f"{IMPORT_PAGE}progress.json").get_json() or {}


def wait_for_import(app: Flask, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while (progress := import_progress(app)).get("running"):
        if time.monotonic() > deadline:
            raise TimeoutError("the import did not end in time")
        time.sleep(0.2)
    return progress


def report(label: str, registrations: Registrations, seconds: float) -> None:
    p50, p95 = percentile(registrations.times, 0.5), percentile(registrations.times, 0.95)
    print(
        f"   {label:22} {len(registrations.times):4} registrations in {seconds:5.1f} s   "
        f"p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   errors {len(registrations.errors)}"
    )
    for error in sorted(set(registrations.errors)):
        print(f"      {registrations.errors.count(error)} x {error}")
    figure(BENCHMARK, f"registration p50, {label}", p50, "ms")
    figure(BENCHMARK, f"registration p95, {label}", p95, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="Contacts the import brings in")
    parser.add_argument("--registrations", type=int, default=80, help="registrations in each run")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as emulator:
        app = connected_site(Path(folder), emulator, PLUGHOST_SYNC_POLL_SECONDS=0.2)
        seed_records(emulator, arguments.records)
        print(f"SQLite, embedded worker, {THREADS} registering threads, an import of {arguments.records} Contacts")

        alone = Registrations(app, "alone")
        started = time.perf_counter()
        alone.run(arguments.registrations)
        report("without the import", alone, time.perf_counter() - started)

        admin = admin_client(app)
        answer = admin.post(IMPORT_PAGE, data={"by": "topic", "value": TOPIC})
        alongside = Registrations(app, "alongside")
        if answer.status_code != 302:
            alongside.errors.append(f"the import did not start (HTTP {answer.status_code})")
        started = time.perf_counter()
        alongside.run(arguments.registrations)
        registering = time.perf_counter() - started
        still_running = bool(import_progress(app).get("running"))
        progress = wait_for_import(app, 600)
        imported = time.perf_counter() - started
        report("with the import", alongside, registering)
        if progress.get("state") != "Finished":
            alongside.errors.append(f"the import ended {progress.get('state')}: {progress.get('problem')}")
        print(
            f"   import: {progress.get('state')}, {progress.get('created')} users created in {imported:5.1f} s; "
            f"{'still running' if still_running else 'already finished'} when the registrations ended"
        )

        with app.app_context():
            host.sync.wait_until_drained(300)
        dead = dead_entries(app)
        errors = len(alone.errors) + len(alongside.errors) + dead
        print(f"   queue entries given up: {dead}\n   errors: {errors} (goal 0)")
        figure(BENCHMARK, "errors (goal 0)", errors, "errors")
        figure(BENCHMARK, "import time", imported, "s")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
