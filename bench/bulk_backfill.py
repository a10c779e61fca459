"""Backfill delivery benchmark: API calls and peak memory to send N existing users, Bulk 2.0 beside Collections.

    python bench/bulk_backfill.py [--count 100000]

Users are inserted directly (a site that had them before the plugin was connected),
queued with ``plughost sync backfill salesforce_contacts user`` while the plugin is
held, then delivered by the sync queue to the emulator over real HTTP. Measured for a
tenth of the users and for all of them: the API calls of the delivery (the emulator's
call log), its seconds, and the Python heap's peak in the site's process (tracemalloc;
the emulator runs in a process of its own so its records are not counted). Once with
the plugin's Bulk API threshold at its default (one ingest job) and once above the
number of users (sObject Collections, 200 records a call).
"""

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from backfill_memory import add_users
from connected_site import connected_site
from emulator_throughput import handle_for, start_server
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.plugins.manager import current_plugin_host
from host.sync.backfill import backfill
from plugins.salesforce_common.config import DEFAULT_BULK_THRESHOLD
from salesforce_emulator.testing import EmulatorHandle

BENCHMARK = "bulk backfill"
PLUGIN = "salesforce_contacts"
MODES = ("Bulk API 2.0", "Collections")


def queue_backfill(app: Flask, count: int, threshold: int) -> None:
    """The users, queued for delivery while the plugin is held."""
    with app.test_request_context(method="POST"):
        plugin = current_plugin_host().plugins[PLUGIN]
        plugin.settings.update({"bulk_threshold": threshold})
        host.sync.pause(plugin, "queueing the backfill")
        db.session.commit()
        add_users(count)
        sum(backfill(PLUGIN, "user"))


def deliver(app: Flask, sf: EmulatorHandle, timeout: float) -> tuple[int, float, float]:
    """API calls, seconds and peak heap (MiB) of delivering what is queued."""
    sf.admin.clear_calls()
    tracemalloc.start()
    started = time.perf_counter()
    with app.test_request_context(method="POST"):
        host.sync.resume(current_plugin_host().plugins[PLUGIN])
        db.session.commit()
        host.sync.wait_until_drained(timeout)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return sum(sf.admin.call_counts().values()), seconds, peak / 2**20


def run(folder: Path, sf: EmulatorHandle, mode: str, count: int, bulk_threshold: int) -> tuple[int, float, float]:
    sf.reset()
    # Above every user, the site owner included, so the batch goes through Collections.
    threshold = bulk_threshold if mode == "Bulk API 2.0" else 10 * count
    app = connected_site(folder / f"{mode.split()[0]}-{count}", sf, PLUGHOST_SYNC_POLL_SECONDS=0.2)
    try:
        queue_backfill(app, count, threshold)
        calls, seconds, peak = deliver(app, sf, timeout=max(600.0, count / 20))
        contacts = sf.admin.counts().get("Contact", 0)
        assert contacts >= count, f"{mode}: {contacts} Contacts in the org after sending {count} users"
    finally:
        host.sync.stop(app)
    return calls, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="users to backfill")
    arguments = parser.parse_args()
    counts = (arguments.count // 10, arguments.count)
    # Both sizes go through a job, also when a tenth is below the default threshold.
    bulk_threshold = min(DEFAULT_BULK_THRESHOLD, counts[0])
    print(f"Backfill of existing users for {PLUGIN}: API calls and the site's Python heap peak (tracemalloc)")
    print(f"   Bulk API threshold {bulk_threshold} users (default {DEFAULT_BULK_THRESHOLD})")
    process, url, token = start_server(https=False)
    sf = handle_for(url, token, https=False)
    results: dict[tuple[str, int], tuple[int, float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as temporary:
            for count in counts:
                for mode in MODES:
                    results[mode, count] = run(Path(temporary), sf, mode, count, bulk_threshold)
                    calls, seconds, peak = results[mode, count]
                    print(
                        f"   {mode:<13} {count:>7} users: {calls:>5} API calls, peak heap {peak:7.1f} MiB, "
                        f"{seconds:6.1f} s ({count / seconds:6.0f} users/s)",
                        flush=True,
                    )
    finally:
        process.terminate()
        process.wait()
    small, large = counts
    for mode in MODES:
        calls, _seconds, peak = results[mode, large]
        ratio = peak / results[mode, small][2]
        print(f"   {mode}: peak for {large} / peak for {small} = {ratio:.2f}")
        figure(BENCHMARK, f"{large} users, {mode}: API calls", calls, "calls")
        figure(BENCHMARK, f"{large} users, {mode}: peak heap", peak, "MiB")
        figure(BENCHMARK, f"{mode}: peak heap, 10x the users / 1x", ratio, "ratio")


if __name__ == "__main__":
    main()
