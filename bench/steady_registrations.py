"""API calls and lag for a steady stream of registrations, with and without filling batches.

    python bench/steady_registrations.py [--count 1000] [--rate 5] [--wait 30]

Users register one after another at ``--rate`` a second on a SQLite site whose Salesforce
Contacts plugin is connected to the emulator over real HTTP; the embedded worker sends
them as they come. Run twice side by side in one process:

- at once: ``batch_wait_seconds`` 0, every change sent as soon as it is due;
- filling batches: the org has used 60% of its daily API requests, so changes wait up to
  ``--wait`` seconds to go together.

Printed for each: API calls the Contacts plugin made, calls per user, and the lag from
registration to the user's sync result (median and p95).
"""

import argparse
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from connected_site import connected_site
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.models import User
from host.plugins.manager import current_plugin_host
from host.services.users import register_user
from host.sync.models import SyncResult
from salesforce_emulator.testing import EmulatorHandle, running_emulator

CONTACTS = "salesforce_contacts"
#: The share of the org's daily limit already used in the "filling batches" run.
BUSY_ORG_SHARE = 0.6


@dataclass(frozen=True)
class StreamRun:
    calls: int
    lags: list[float]

    def p95(self) -> float:
        return statistics.quantiles(self.lags, n=20)[-1] if len(self.lags) > 1 else self.lags[0]


def set_wait(app: Flask, seconds: int) -> None:
    with app.test_request_context(method="POST"):
        plugin = current_plugin_host().get(CONTACTS)
        assert plugin is not None, "the Salesforce Contacts plugin is not installed"
        plugin.settings.update({"batch_wait_seconds": seconds})
        db.session.commit()


def register_stream(app: Flask, prefix: str, count: int, rate: float) -> None:
    """Register ``count`` users, one every ``1 / rate`` seconds on the clock."""
    started = time.monotonic()
    for n in range(count):
        pause = started + n / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        with app.test_request_context(method="POST"):
            register_user(
                email=f"{prefix}{n}@example.com", password="correct horse battery", first_name="S", last_name=str(n)
            )
            db.session.commit()


def lags(app: Flask, prefix: str) -> list[float]:
    """Seconds from each user's registration to its sync result."""
    with app.app_context():
        rows = db.session.execute(
            db.select(User.created_at, SyncResult.at)
            .join(SyncResult, SyncResult.record_id == db.cast(User.id, db.String))
            .where(SyncResult.plugin == CONTACTS, User.email.like(f"{prefix}%"))
        ).all()
    return [(result_at - created_at).total_seconds() for created_at, result_at in rows]


def stream(app: Flask, sf: EmulatorHandle, prefix: str, count: int, rate: float, wait: int, busy: bool) -> StreamRun:
    set_wait(app, wait)
    sf.admin.settings(api_usage=int(sf.config.api_limit * BUSY_ORG_SHARE) if busy else 0)
    sf.admin.clear_calls()
    register_stream(app, prefix, count, rate)
    with app.app_context():
        host.sync.wait_until_drained(wait + 120)
    return StreamRun(sum(sf.admin.call_counts().values()), lags(app, prefix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="registrations in each run")
    parser.add_argument("--rate", type=float, default=5.0, help="registrations a second")
    parser.add_argument("--wait", type=int, default=30, help="the batch wait setting, seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as sf:
        # Cheap hashes, so the stream keeps its pace: the figures are about sending, not hashing.
        app = connected_site(Path(folder), sf, PLUGHOST_SYNC_POLL_SECONDS=0.2, PLUGHOST_PASSWORD_HASH_COST="fast")
        runs = {
            "at once": stream(app, sf, "once", args.count, args.rate, 0, busy=False),
            "filling batches": stream(app, sf, "filled", args.count, args.rate, args.wait, busy=True),
        }
        host.sync.stop(app)
    print(f"{args.count} registrations at {args.rate:g}/s, batch wait {args.wait} s")
    print(f"{'run':<18}{'calls':>7}{'per user':>10}{'median lag':>12}{'p95 lag':>10}")
    for name, run in runs.items():
        median = statistics.median(run.lags)
        print(f"{name:<18}{run.calls:>7}{run.calls / args.count:>10.3f}{median:>11.1f}s{run.p95():>9.1f}s")
        figure("steady registrations", f"{name}: API calls for {args.count}", run.calls, "calls")
        figure("steady registrations", f"{name}: p95 lag", run.p95(), "s")


if __name__ == "__main__":
    main()
