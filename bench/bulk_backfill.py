"""Backfill delivery benchmark: API calls and peak memory to send N existing users, Bulk 2.0 beside Collections.

    python bench/bulk_backfill.py [--count 100000] [--topics] [--fill-empty]

Users are inserted directly (a site that had them before the plugin was connected),
queued with ``plughost sync backfill salesforce_contacts user`` while the plugin is
held, then delivered by the sync queue to the emulator over real HTTP. Measured for a
tenth of the users and for all of them: the API calls of the delivery (the emulator's
call log), its seconds, and the Python heap's peak in the site's process (tracemalloc;
the emulator runs in a process of its own so its records are not counted). Users
without tags, with the "overwrite" merge strategy, once with the plugin's Bulk API
threshold at its default (one ingest job) and once above the number of users (sObject
Collections, 200 records a call). ``--topics`` adds a Bulk backfill of users who each
have 2 tags of 5, synced as topics; ``--fill-empty`` adds one of users without tags with
the "fill empty fields" merge strategy (existing records are looked up first).
"""

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backfill_memory import INSERT_CHUNK, add_users
from connected_site import connected_site
from emulator_throughput import handle_for, start_server
from flask import Flask
from report import figure
from sqlalchemy import insert, select

import host.sync
from host.extensions import db
from host.models import User, user_tags
from host.plugins.manager import current_plugin_host
from host.services.tags import create_tag
from host.sync.backfill import backfill
from plugins.salesforce_common.config import DEFAULT_BULK_THRESHOLD
from plugins.salesforce_contacts.settings import MergeStrategy, Segmentation
from salesforce_emulator.testing import EmulatorHandle

BENCHMARK = "bulk backfill"
PLUGIN = "salesforce_contacts"
BULK = "Bulk API 2.0"
COLLECTIONS = "Collections"
TAGS = tuple(f"Topic {number}" for number in range(1, 6))


@dataclass(frozen=True)
class Scenario:
    """A kind of backfill: the users' tags, the plugin's settings beside its threshold, the ways it is sent."""

    name: str
    modes: tuple[str, ...] = (BULK,)
    tags_per_user: int = 0
    settings: Mapping[str, str] = field(default_factory=dict)

    def label(self, mode: str) -> str:
        return f"{mode}, {self.name}" if self.name else mode


PLAIN = Scenario("", modes=(BULK, COLLECTIONS))
TOPICS = Scenario(f"2 tags of {len(TAGS)} as topics", tags_per_user=2, settings={"segmentation": Segmentation.TOPICS})
FILL_EMPTY = Scenario("fill empty fields", settings={"merge_strategy": MergeStrategy.FILL_EMPTY})


def tag_users(per_user: int) -> None:
    """Give every user ``per_user`` of the tags, in turn, written directly as the users are."""
    tags = [create_tag(name).id for name in TAGS]
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    for start in range(0, len(user_ids), INSERT_CHUNK):
        rows = [
            {"user_id": user_id, "tag_id": tags[(number + offset) % len(tags)]}
            for number, user_id in enumerate(user_ids[start : start + INSERT_CHUNK], start)
            for offset in range(per_user)
        ]
        db.session.execute(insert(user_tags), rows)
        db.session.commit()


def queue_backfill(app: Flask, scenario: Scenario, count: int, threshold: int) -> None:
    """The users, queued for delivery while the plugin is held."""
    with app.test_request_context(method="POST"):
        plugin = current_plugin_host().plugins[PLUGIN]
        plugin.settings.update({"bulk_threshold": threshold, **scenario.settings})
        host.sync.pause(plugin, "queueing the backfill")
        db.session.commit()
        add_users(count)
        if scenario.tags_per_user:
            tag_users(scenario.tags_per_user)
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


def run(
    folder: Path, sf: EmulatorHandle, scenario: Scenario, mode: str, count: int, bulk_threshold: int
) -> tuple[int, float, float]:
    sf.reset()
    # Above every user, the site owner included, so the batch goes through Collections.
    threshold = bulk_threshold if mode == BULK else 10 * count
    name = "-".join([mode.split()[0], *scenario.name.split(), str(count)])
    app = connected_site(folder / name, sf, PLUGHOST_SYNC_POLL_SECONDS=0.2)
    try:
        queue_backfill(app, scenario, count, threshold)
        calls, seconds, peak = deliver(app, sf, timeout=max(600.0, count / 20))
        in_org = sf.admin.counts()
        label = scenario.label(mode)
        assert in_org.get("Contact", 0) >= count, f"{label}: {in_org} in the org after sending {count} users"
        assignments = in_org.get("TopicAssignment", 0)
        assert assignments >= count * scenario.tags_per_user, f"{label}: {in_org} in the org for {count} users"
    finally:
        host.sync.stop(app)
    return calls, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="users to backfill")
    parser.add_argument("--topics", action="store_true", help=f"also users with 2 tags of {len(TAGS)}, as topics")
    parser.add_argument("--fill-empty", action="store_true", help='also the "fill empty fields" merge strategy')
    arguments = parser.parse_args()
    counts = (arguments.count // 10, arguments.count)
    scenarios = [PLAIN, *([TOPICS] if arguments.topics else []), *([FILL_EMPTY] if arguments.fill_empty else [])]
    # Both sizes go through a job, also when a tenth is below the default threshold.
    bulk_threshold = min(DEFAULT_BULK_THRESHOLD, counts[0])
    print(f"Backfill of existing users for {PLUGIN}: API calls and the site's Python heap peak (tracemalloc)")
    print(f"   Bulk API threshold {bulk_threshold} users (default {DEFAULT_BULK_THRESHOLD})")
    process, url, token = start_server(https=False)
    sf = handle_for(url, token, https=False)
    results: dict[tuple[str, int], tuple[int, float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as temporary:
            for scenario in scenarios:
                for count in counts:
                    for mode in scenario.modes:
                        label = scenario.label(mode)
                        results[label, count] = run(Path(temporary), sf, scenario, mode, count, bulk_threshold)
                        calls, seconds, peak = results[label, count]
                        print(
                            f"   {label:<34} {count:>7} users: {calls:>5} API calls, peak heap {peak:7.1f} MiB, "
                            f"{seconds:6.1f} s ({count / seconds:6.0f} users/s)",
                            flush=True,
                        )
    finally:
        process.terminate()
        process.wait()
    small, large = counts
    for label in dict.fromkeys(label for label, _count in results):
        for count in counts:
            calls, _seconds, peak = results[label, count]
            figure(BENCHMARK, f"{count} users, {label}: API calls", calls, "calls")
            figure(BENCHMARK, f"{count} users, {label}: peak heap", peak, "MiB")
        ratio = results[label, large][2] / results[label, small][2]
        print(f"   {label}: peak for {large} / peak for {small} = {ratio:.2f}")
        figure(BENCHMARK, f"{label}: peak heap, 10x the users / 1x", ratio, "ratio")


if __name__ == "__main__":
    main()
