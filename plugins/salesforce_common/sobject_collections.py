"""sObject Collections: up to 200 records per call, one result per record.

Used for every batch: the sync queue hands a plugin up to 200 records, which go out
in one call instead of 200. Calls use ``allOrNone: false``, so one bad record fails
alone; results come back in input order, each with its own typed errors.

When a whole call fails (timeout, API limit, reauthorization), its records and those
of every later chunk, which are not sent, get that error as their result, while the
records of chunks already sent keep theirs. So a create is never sent twice because
a later chunk failed.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from more_itertools import chunked

from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.errors import ErrorContext, SalesforceError, error_from_payload

#: The most records one Collections call takes.
COLLECTION_LIMIT = 200


@dataclass(frozen=True)
class RecordResult:
    """What happened to one record of a batch."""

    id: str | None
    success: bool
    #: True for a record an upsert created, False for one it updated; None otherwise.
    created: bool | None = None
    errors: tuple[SalesforceError, ...] = ()

    @property
    def error(self) -> SalesforceError | None:
        """The first error, the one to act on (a pause outranks a record's own fault)."""
        return self.errors[0] if self.errors else None

    @property
    def failure(self) -> SalesforceError:
        """Why a refused record was refused, in a sentence even when Salesforce gave no error."""
        return self.error or SalesforceError("Salesforce refused the record without giving a reason.")


def _result(item: Mapping[str, Any], context: ErrorContext, now: datetime) -> RecordResult:
    errors = tuple(
        error_from_payload(error, context=context, status=None, now=now) for error in item.get("errors") or ()
    )
    return RecordResult(item.get("id"), bool(item.get("success")), item.get("created"), errors)


def _in_chunks(
    client: SalesforceClient,
    sobject: str | None,
    items: Sequence[Any],
    send: Callable[[Sequence[Any]], list[Mapping[str, Any]]],
) -> list[RecordResult]:
    context = client.context(sobject)
    results: list[RecordResult] = []
    for chunk in chunked(items, COLLECTION_LIMIT):
        try:
            answers = send(chunk)
        except SalesforceError as error:
            return results + [RecordResult(None, False, errors=(error,))] * (len(items) - len(results))
        now = datetime.now(UTC)
        results.extend(_result(answer, context, now) for answer in answers)
    return results


def _records_call(
    client: SalesforceClient, method: str, path: str, sobject: str
) -> Callable[[Sequence[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """A sender of one chunk of ``sobject`` records to a Collections resource."""

    def send(chunk: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        records = [{"attributes": {"type": sobject}, **record} for record in chunk]
        body = {"allOrNone": False, "records": records}
        return client.request(method, path, json=body, sobject=sobject).json()

    return send


def create_records(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Create ``records``; one result per record, in order."""
    return _in_chunks(client, sobject, records, _records_call(client, "POST", "composite/sobjects", sobject))


def update_records(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Update ``records``, each carrying its ``Id``; one result per record, in order."""
    return _in_chunks(client, sobject, records, _records_call(client, "PATCH", "composite/sobjects", sobject))


def upsert_records(
    client: SalesforceClient, sobject: str, key_field: str, records: Sequence[Mapping[str, Any]]
) -> list[RecordResult]:
    """Create or update ``records`` matched by ``key_field`` (External ID or idLookup).

    Each record must carry ``key_field`` and no ``Id``; ``created`` in each result
    says which happened.
    """
    path = f"composite/sobjects/{sobject}/{key_field}"
    return _in_chunks(client, sobject, records, _records_call(client, "PATCH", path, sobject))


def delete_records(
    client: SalesforceClient, record_ids: Sequence[str], sobject: str | None = None
) -> list[RecordResult]:
    """Delete records by id; one result per id, in order.

    :param sobject: names the object in error sentences when all ids are of one.
    """

    def send(chunk: Sequence[str]) -> list[Mapping[str, Any]]:
        params = {"ids": ",".join(chunk), "allOrNone": "false"}
        return client.request("DELETE", "composite/sobjects", params=params, sobject=sobject).json()

    return _in_chunks(client, sobject, record_ids, send)
