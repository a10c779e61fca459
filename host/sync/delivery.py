"""Delivering due entries: the one code path every engine runs.

A pass claims one batch from each due queue (plugin and kind) and hands it to the
plugin's handler. Whatever is due goes at once, alone if it is alone; entries that
pile up while a handler call is in flight go out together in the next claim, up to
the handler's batch size. So a quiet site syncs each change immediately and a busy
one sends full batches, without ever holding an entry back. A worker that claims a
full batch signals the engine first, so that with several workers a burst is shared
at once rather than from the next sweep on.
"""

import logging
import threading
from datetime import datetime
from typing import cast

from flask import Flask

from host.extensions import db
from host.plugins.registry import enabled_names
from host.services.errors import unexpected_error
from host.sync import claims
from host.sync.claims import Claim, StreamedClaim
from host.sync.handlers import BatchWait, FillsBatches, Outcome, RetryLater, StreamsEntries, SyncHandler
from host.sync.pauses import active_pauses, pause_end
from host.sync.runtime import sync_runtime
from host.sync.settings import SyncSettings
from host.sync.settle import Settlement, settle
from host.sync.streaming import deliver_streamed
from host.timestamps import utcnow

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Renews a claim's lease while its handler runs, from a thread of its own.

    Keeping the lease short this way means a worker that dies loses its claim soon,
    however long a live handler takes.
    """

    def __init__(self, app: Flask, claim: Claim | StreamedClaim, lease_seconds: float) -> None:
        self._app = app
        self._claim = claim
        self._lease_seconds = lease_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="plughost-sync-lease", daemon=True)

    def _run(self) -> None:
        while not self._stopped.wait(self._lease_seconds / 3):
            try:
                with self._app.app_context():
                    claims.renew(self._claim, self._lease_seconds)
            except Exception:
                log.exception("could not renew the sync claim %s", self._claim.token)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()


def call_handler(handler: SyncHandler, claim: Claim) -> dict[int, Outcome]:
    """The handler's answer for a batch, with its own database writes committed.

    A handler that raises, or whose writes cannot be committed, retries the whole
    batch later; the error goes to the log and the entries say where to find it.
    """
    try:
        outcomes = dict(handler(claim.entries))
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        entry = claim.entries[0]
        what = f"Sending a batch of {len(claim.entries)} {entry.kind} entries through {entry.plugin}"
        reason = unexpected_error(error, what, log)
        return {entry.id: RetryLater(reason) for entry in claim.entries}
    return outcomes


def _deliverable(plugin: str, kind: str, paused: set[str]) -> SyncHandler | None:
    """The handler for a queue whose entries may go now: enabled, not paused, handled."""
    if plugin not in enabled_names() or plugin in paused:
        return None
    return sync_runtime().handlers().get((plugin, kind))


def batch_wait(handler: SyncHandler) -> BatchWait | None:
    """The wait a handler allows to fill its batches now; None (send at once) if it allows none or fails."""
    if not isinstance(handler, FillsBatches):
        return None
    try:
        wait = handler.batch_wait()
    except Exception:
        log.exception("sync handler %r could not say how long to fill batches", handler)
        return None
    return wait if wait is not None and wait.seconds > 0 else None


def _filled_at(plugin: str, kind: str, handler: SyncHandler, now: datetime) -> datetime | None:
    """When the queue may be claimed: now for handlers that do not fill batches."""
    wait = batch_wait(handler)
    if wait is None:
        return now
    full = min(handler.batch_size, wait.fill_to or handler.batch_size)
    return claims.batch_ready(plugin, kind, full, wait.seconds, now)


def _deliver_batch(
    app: Flask, plugin: str, kind: str, handler: SyncHandler, settings: SyncSettings
) -> tuple[int, Settlement] | None:
    """Claim one batch of a queue, hand it to its handler and settle it.

    :return: how many entries were claimed, and how they ended; None if none were due.
    """
    claim: Claim | StreamedClaim
    if isinstance(handler, StreamsEntries):
        claim = claims.claim_streamed(plugin, kind, handler.batch_size, settings.lease_seconds, handler.chunk_size)
        count = claim.count
    else:
        claim = claims.claim(plugin, kind, handler.batch_size, settings.lease_seconds)
        count = len(claim.entries)
    if not count:
        return None
    if count >= handler.batch_size:
        # More is probably waiting: another worker (Celery) may take it meanwhile.
        sync_runtime().engine.signal()
    with LeaseKeeper(app, claim, settings.lease_seconds):
        if isinstance(claim, StreamedClaim):
            return count, deliver_streamed(cast(StreamsEntries, handler), claim, settings)
        return count, settle(claim, call_handler(handler, claim), settings)


def deliver_due(app: Flask) -> int:
    """One pass: deliver one batch from every due queue.

    :return: how many entries were claimed and settled.
    """
    with app.app_context():
        settings = sync_runtime().settings
        paused = set(active_pauses())
        settled = 0
        for plugin, kind in claims.due_queues():
            handler = _deliverable(plugin, kind, paused)
            if handler is None:
                continue
            now = utcnow()
            filled_at = _filled_at(plugin, kind, handler, now)
            if filled_at is None or filled_at > now:
                continue
            batch = _deliver_batch(app, plugin, kind, handler, settings)
            if batch is None:
                continue
            count, settlement = batch
            if settlement.paused:
                paused.add(plugin)
            settled += count
        return settled


def drain(app: Flask) -> int:
    """Deliver until nothing deliverable is due.

    :return: how many entries were claimed and settled.
    """
    total = 0
    while settled := deliver_due(app):
        total += settled
    return total


def next_due(app: Flask) -> datetime | None:
    """When something deliverable next becomes due: a retry, a lapsing lease, a pause's end.

    ``None`` when nothing that could be delivered is waiting (disabled or indefinitely
    paused plugins' entries wait for an admin, who wakes the engine).
    """
    with app.app_context():
        pauses = active_pauses()
        soonest: datetime | None = None
        for (plugin, kind), moment in claims.next_due_by_queue().items():
            handler = _deliverable(plugin, kind, set())
            if handler is None:
                continue
            filled_at = _filled_at(plugin, kind, handler, utcnow())
            if filled_at is not None:
                moment = max(moment, filled_at)
            if plugin in pauses:
                end = pause_end(pauses[plugin])
                if end is None:
                    continue
                moment = max(moment, end)
            soonest = moment if soonest is None else min(soonest, moment)
        return soonest


def seconds_until(moment: datetime | None, ceiling: float) -> float:
    """How long to sleep until ``moment``, never more than ``ceiling``."""
    if moment is None:
        return ceiling
    return min(ceiling, max(0.0, (moment - utcnow()).total_seconds()))
