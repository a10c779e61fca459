"""Writing many records: Bulk API 2.0 from the connection's threshold up, Collections below.

A Collections call takes 200 records; a Bulk job takes any number for about eight
calls but runs in the background, so a handful of records would wait for polls. The
threshold (``SalesforceConfig.bulk_threshold``, 2,000 by default) is where a job
becomes the cheaper choice. Either way the caller gets one result per record, in order.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from host.api import FieldKind, SettingField, SettingsProxy
from plugins.salesforce_common import bulk, sobject_collections
from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.config import DEFAULT_BULK_THRESHOLD
from plugins.salesforce_common.sobject_collections import RecordResult

#: The most records a sync handler takes in one batch: one Bulk job's worth (100,000
#: users' values are a few tens of megabytes; Salesforce takes up to 150 MB a job).
BULK_BATCH_LIMIT = 100_000


def _at_least_one(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return None if int(value) >= 1 else "The Bulk API threshold must be 1 or more records."
    except (TypeError, ValueError):
        return "The Bulk API threshold must be a whole number of records."


#: The setting each Salesforce plugin offers for :attr:`.SalesforceConfig.bulk_threshold`.
BULK_THRESHOLD_SETTING = SettingField(
    "bulk_threshold",
    "Bulk API from",
    FieldKind.INTEGER,
    default=DEFAULT_BULK_THRESHOLD,
    help="Backfills and other large loads of this many records or more go to Salesforce as one Bulk API job "
    "instead of one call per 200 records.",
    validators=(_at_least_one,),
)


def bulk_threshold(settings: SettingsProxy) -> int:
    """The plugin's :data:`BULK_THRESHOLD_SETTING`, or the default when unset."""
    value = settings.get(BULK_THRESHOLD_SETTING.key)
    return int(value) if value not in (None, "") else DEFAULT_BULK_THRESHOLD


def uses_bulk(client: SalesforceClient, count: int) -> bool:
    """Whether ``count`` records go through a Bulk job on this connection."""
    return count >= client.config.bulk_threshold


def upsert_many(
    client: SalesforceClient, sobject: str, key_field: str, records: Sequence[Mapping[str, Any]]
) -> list[RecordResult]:
    """Create or update ``records`` matched by ``key_field``."""
    if uses_bulk(client, len(records)):
        return bulk.upsert_records(client, sobject, key_field, records)
    return sobject_collections.upsert_records(client, sobject, key_field, records)


def update_many(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Update ``records``, each carrying its ``Id``."""
    if uses_bulk(client, len(records)):
        return bulk.update_records(client, sobject, records)
    return sobject_collections.update_records(client, sobject, records)


def create_many(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Create ``records``."""
    if uses_bulk(client, len(records)):
        return bulk.create_records(client, sobject, records)
    return sobject_collections.create_records(client, sobject, records)
