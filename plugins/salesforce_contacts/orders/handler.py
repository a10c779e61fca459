"""The sync queue's handler for orders: batches in, one outcome per order out."""

from collections.abc import Mapping, Sequence
from dataclasses import replace

from host.api import BatchWait, Entry, Outcome, Plugin
from plugins.salesforce_common import SalesforceClient, SalesforceError
from plugins.salesforce_common.batching import plugin_batch_wait
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_contacts.orders.delivery import OrderDelivery
from plugins.salesforce_contacts.orders.options import load_options
from plugins.salesforce_contacts.settings import Options, salesforce_config

KIND = "order"


class OrderSyncHandler:
    """Sends the shop's orders to Salesforce as Orders with their OrderItems."""

    #: A burst's worth: the orders are packed into Composites of 25 subrequests.
    batch_size = 100

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        config = replace(salesforce_config(self.plugin.settings, self.plugin.store), record_kind="order")
        object_type = Options.of(self.plugin.settings).object_type
        try:
            client = SalesforceClient(config)
        except SalesforceError as error:
            return {entry.id: outcome_for(error) for entry in entries}
        with client:
            delivery = OrderDelivery(self.plugin.store, client, load_options(self.plugin.store), object_type, entries)
            outcomes = delivery.run()
            delivery.save()
        return outcomes

    def batch_wait(self) -> BatchWait | None:
        return plugin_batch_wait(self.plugin)
