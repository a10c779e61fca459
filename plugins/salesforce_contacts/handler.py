"""The sync queue's handler for users: batches in, one outcome per user out.

Batches come as streams (:class:`host.api.StreamsEntries`): a Bulk-size batch is sent
a chunk of users at a time, any other is read whole and sent as before.
"""

from collections.abc import Iterator, Mapping, Sequence

from host.api import (
    BatchWait,
    ClaimedEntries,
    Entry,
    Outcome,
    Plugin,
    RecordLabel,
    RecordsOfTable,
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
            return self._deliver(client, entries)

    def stream(self, entries: ClaimedEntries) -> Iterator[tuple[int, Outcome]]:
        try:
            client = SalesforceClient(salesforce_config(self.plugin.settings, self.plugin.store))
        except SalesforceError as error:
            yield from ((entry.id, outcome_for(error)) for entry in entries)
            return
        with client:
            options = Options.of(self.plugin.settings)
            if not streams(options, client, entries.count):
                yield from self._deliver(client, list(entries)).items()
                return
            try:
                yield from StreamedDelivery(self.plugin.store, client, options, entries, self.chunk_size).run()
            except SalesforceError as error:
                # As below: what was answered is settled; the entries still held go again.
                yield from ((entry.id, outcome_for(error)) for entry in entries)

    def _deliver(self, client: SalesforceClient, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        delivery = BatchDelivery(self.plugin.store, client, Options.of(self.plugin.settings), entries)
        try:
            outcomes = delivery.run()
        except SalesforceError as error:
            # Whatever was sent before the failure is kept (links, topics); the
            # batch is sent again, and upserts and updates are safe to repeat.
            outcomes = {entry.id: outcome_for(error) for entry in entries}
        delivery.save()
        return outcomes

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        return user_labels(record_ids)

    def batch_wait(self) -> BatchWait | None:
        return plugin_batch_wait(self.plugin)
