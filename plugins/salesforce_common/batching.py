"""Fuller batches while the org's API budget is under pressure: the setting and the rule.

Under a steady stream of changes the queue sends each as soon as it is due, one call
for one record. That is right for lag, but a busy site then spends the org's daily API
limit, which other integrations share. Once half of it is used, the Salesforce handlers
let due changes wait a bounded time, so up to a batch of 200 go in one call.
"""

from host.api import BatchWait, FieldKind, Plugin, SettingField
from plugins.salesforce_common.limits import ApiUsage
from plugins.salesforce_common.sobject_collections import COLLECTION_LIMIT
from plugins.salesforce_common.status import stored_api_usage

#: Below this share of the org's daily API requests, every change goes at once.
PRESSURE_SHARE = 0.5
DEFAULT_WAIT_SECONDS = 30

BATCH_WAIT_FIELD = SettingField(
    "batch_wait_seconds",
    "Wait to fill batches (seconds)",
    FieldKind.INTEGER,
    default=DEFAULT_WAIT_SECONDS,
    help="Once the org has used half of its daily API requests, changes wait up to this long to go to Salesforce "
    "together (up to 200 in one call). 0 always sends each change at once.",
)


def wait_under_pressure(usage: ApiUsage | None, max_wait_seconds: float) -> BatchWait | None:
    """The wait allowed for this usage: none below :data:`PRESSURE_SHARE` of the daily limit."""
    if max_wait_seconds <= 0 or usage is None or usage.allowed <= 0:
        return None
    share = usage.used / usage.allowed
    if share < PRESSURE_SHARE:
        return None
    return BatchWait(
        float(max_wait_seconds),
        f"The org has used {share:.0%} of its daily API requests ({usage.used:,} of {usage.allowed:,}).",
        fill_to=COLLECTION_LIMIT,
    )


def plugin_batch_wait(plugin: Plugin) -> BatchWait | None:
    """The wait a Salesforce plugin's handlers allow now, from its setting and the stored usage."""
    try:
        seconds = int(plugin.settings.get(BATCH_WAIT_FIELD.key) or 0)
    except (TypeError, ValueError):
        seconds = DEFAULT_WAIT_SECONDS
    return wait_under_pressure(stored_api_usage(plugin.store), seconds)
