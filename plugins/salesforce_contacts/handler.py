"""The sync queue's handler for users: batches in, one outcome per user out.

Batches come as streams (:class:`host.api.StreamsEntries`), so a batch of any size is
held a chunk of users at a time: a Bulk-size one goes out in Bulk API jobs, any other
in Composite or sObject Collections calls, a chunk of users after another.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain

from more_itertools import chunked

from host.api import (
    SETTLE_NOW,
    BatchWait,
    ClaimedEntries,
    Entry,
    Failed,
    Outcome,
    Plugin,
    RecordLabel,
    RecordsOfTable,
    RetryLater,
    SettleNow,
    User,
    user_labels,
)
from plugins.salesforce_common import SalesforceClient, SalesforceError
from plugins.salesforce_common.batching import plugin_batch_wait
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.record_loads import BULK_BATCH_LIMIT
from plugins.salesforce_contacts.delivery import BatchDelivery
from plugins.salesforce_contacts.settings import Options, salesforce_config
from plugins.salesforce_contacts.streamed_delivery import StreamedDelivery, streams

KIND = "user"


class UserSyncHandler(RecordsOfTable):
    """Sends users to Salesforce; lists every user for ``plughost salesforce_contacts backfill``."""

    table = User

    #: One Bulk job's worth: a backfill goes out in one job, a few users in Collections.
    batch_size = BULK_BATCH_LIMIT

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    #: Users read, and outcomes settled, together.
    chunk_size = 1_000

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        try:
            client = SalesforceClient(salesforce_config(self.plugin.settings, self.plugin.store))
        except SalesforceError as error:
            return {entry.id: outcome_for(error) for entry in entries}
        with client:
            return dict(self._deliver_chunks(client, entries))

    def stream(self, entries: ClaimedEntries) -> Iterator[tuple[int, Outcome] | SettleNow]:
        try:
            client = SalesforceClient(salesforce_config(self.plugin.settings, self.plugin.store))
        except SalesforceError as error:
            yield from ((entry.id, outcome_for(error)) for entry in entries)
            return
        with client:
            options = Options.of(self.plugin.settings)
            if not streams(options, client, entries.count):
                yield from self._deliver_chunks(client, entries)
                return
            try:
                yield from StreamedDelivery(self.plugin.store, client, options, entries, self.chunk_size).run()
            except SalesforceError as error:
                # What was answered stands; the entries still held go again.
                yield SETTLE_NOW
                yield from ((entry.id, outcome_for(error)) for entry in entries)

    def _deliver_chunks(self, client: SalesforceClient, entries: Iterable[Entry]) -> Iterator[tuple[int, Outcome]]:
        """Deliver a chunk of users after another, each chunk's links saved with its outcomes."""
        options = Options.of(self.plugin.settings)
        chunks = chunked(entries, self.chunk_size)
        for chunk in chunks:
            delivery = BatchDelivery(self.plugin.store, client, options, chunk)
            try:
                outcomes = delivery.run()
            except SalesforceError as error:
                # Whatever was sent before the failure is kept (links, topics); this chunk
                # and the rest go again, without calling a Salesforce that just failed.
                delivery.save()
                failure = outcome_for(error)
                yield from ((entry.id, failure) for entry in chunk)
                untried = RetryLater(failure.message) if isinstance(failure, Failed) else failure
                yield from ((entry.id, untried) for entry in chain.from_iterable(chunks))
                return
            delivery.save()
            yield from outcomes.items()

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        return user_labels(record_ids)

    def batch_wait(self) -> BatchWait | None:
        return plugin_batch_wait(self.plugin)
