"""Delivering a streamed batch: entries read, and outcomes settled, a chunk at a time.

For handlers that implement :class:`~host.sync.handlers.StreamsEntries`, whose batches
(a Bulk API job's hundred thousand records, say) are too large to hold at once. Each
chunk of outcomes is settled in its own transaction, which commits the handler's writes
that led to it; so a worker that dies mid-stream loses only the unsettled entries,
which its lapsed lease hands to another worker.
"""

import logging
from collections.abc import Iterator

from more_itertools import chunked

from host.extensions import db
from host.services.errors import unexpected_error
from host.sync.claims import Claim, StreamedClaim
from host.sync.handlers import Outcome, Pause, RetryLater, SettleNow, StreamsEntries
from host.sync.settings import SyncSettings
from host.sync.settle import Settlement, settle

log = logging.getLogger(__name__)


def _next_chunk(answers: Iterator[tuple[int, Outcome] | SettleNow], size: int) -> tuple[dict[int, Outcome], bool]:
    """Up to ``size`` of the handler's answers, with its writes so far committed, and
    whether the stream goes on: fewer come when it yields :data:`SETTLE_NOW` or ends."""
    chunk: dict[int, Outcome] = {}
    going_on = False
    for answer in answers:
        if isinstance(answer, SettleNow):
            going_on = True
            break
        entry_id, outcome = answer
        chunk[entry_id] = outcome
        if len(chunk) >= size:
            going_on = True
            break
    db.session.commit()
    return chunk, going_on


def _settle_chunk(claim: StreamedClaim, outcomes: dict[int, Outcome], settings: SyncSettings) -> Settlement:
    return settle(Claim(claim.token, claim.entries(outcomes)), outcomes, settings)


def deliver_streamed(handler: StreamsEntries, claim: StreamedClaim, settings: SyncSettings) -> Settlement:
    """Run the handler's stream over ``claim`` and settle its outcomes as they come.

    The entries the stream leaves unanswered are settled last: they wait if it paused
    the plugin, and are retried otherwise (with the error's reason, if it raised).
    """
    delivered = failed = 0
    paused: Pause | None = None
    rest: Outcome | None = None
    answers = iter(handler.stream(claim))
    going_on = True
    while going_on:
        try:
            chunk, going_on = _next_chunk(answers, claim.chunk_size)
        except Exception as error:
            # The chunk's outcomes go with the writes they stood for: all sent again.
            db.session.rollback()
            what = f"Streaming a batch of {claim.count} {claim.kind} entries through {claim.plugin}"
            rest = RetryLater(unexpected_error(error, what, log))
            break
        if not chunk:
            continue
        settlement = _settle_chunk(claim, chunk, settings)
        delivered, failed = delivered + settlement.delivered, failed + settlement.failed
        paused = paused or next((outcome for outcome in chunk.values() if isinstance(outcome, Pause)), None)
    rest = paused or rest
    for entries in chunked(claim, claim.chunk_size):
        outcomes: dict[int, Outcome] = {entry.id: rest for entry in entries} if rest else {}
        settlement = settle(Claim(claim.token, entries), outcomes, settings)
        failed += settlement.failed
    return Settlement(delivered, failed, paused is not None)
