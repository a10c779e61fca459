"""Mapped fields Salesforce no longer takes: deleted, or made read-only for the connected user.

Read from the cached describe, so settings pages and the dashboard see them without a
call. The cache learns of such a change when fields are refreshed, and when Salesforce
refuses a record for a field: the object is described again then, so every later look,
and the check before each send, sees what Salesforce now takes.
"""

from collections.abc import Iterable

from host.api import PluginStore
from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.describe import DESCRIBE_KEY, Describer, ObjectDescription
from plugins.salesforce_common.errors import FieldNotWritable, InvalidField, SalesforceError
from plugins.salesforce_common.validation import Operation, validate_values


def cached_description(store: PluginStore, sobject: str) -> ObjectDescription | None:
    """``sobject``'s describe as last read from Salesforce, or None if it was never read."""
    stored = (store.get(DESCRIBE_KEY) or {}).get("objects", {}).get(sobject.lower())
    return ObjectDescription.from_json(stored) if stored else None


def refused_fields(description: ObjectDescription, fields: Iterable[str], record_kind: str) -> dict[str, str]:
    """Each of the mapped ``fields`` Salesforce would refuse, with the sentence naming it and the fix."""
    refused = {}
    for name in fields:
        for problem in validate_values(description, {name: None}, Operation.UPSERT, record_kind=record_kind):
            if isinstance(problem, InvalidField | FieldNotWritable):
                refused[name] = str(problem)
    return refused


def refuses_a_field(error: SalesforceError | None) -> bool:
    """Whether Salesforce refused a record for a field it does not have or does not let the user set."""
    return isinstance(error, InvalidField | FieldNotWritable)


def describe_again(client: SalesforceClient, sobject: str) -> None:
    """Read ``sobject``'s fields anew after Salesforce refused one, so the cache says what it takes now."""
    try:
        Describer(client).describe(sobject, refresh=True)
    except SalesforceError:
        # The record's result already names the field; the next refusal tries again.
        return
