"""Records looked up by a field's values (ids, emails): five ``IN`` queries of a thousand values in one API call.

A query sent on its own carries its SOQL in the URL, which Salesforce cuts off at about
16 KB (a few hundred ids). Inside a Composite request the SOQL travels in the body, so
each query can list :data:`VALUES_PER_QUERY` values, and one call (one unit of the API
allowance) takes :data:`.QUERY_LIMIT` such queries, the most Salesforce allows.
"""

from collections.abc import Sequence
from typing import Any

from more_itertools import chunked

from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.composite import QUERY_LIMIT, CompositeRequest, query_path
from plugins.salesforce_common.soql import quote

#: Values per query: about 22,000 characters of SOQL for ids, and under Salesforce's
#: 100,000 for values of up to 80 characters (the longest email a Contact takes); for
#: unique values an answer of at most 1,000 records, within one page of 2,000.
VALUES_PER_QUERY = 1_000
#: Each query answers its records in one page of up to 2,000, whatever page size the
#: client's other queries ask for; Salesforce may still split wide records, and the
#: rest is read from ``nextRecordsUrl``.
WHOLE_PAGES = {"Sforce-Query-Options": "batchSize=2000"}


def records_where_in(
    client: SalesforceClient, sobject: str, fields: Sequence[str], field: str, values: Sequence[str]
) -> list[dict[str, Any]]:
    """The ``sobject`` records whose ``field`` is one of ``values``, with ``fields``, ordered by ``Id``.

    The order by ``Id`` makes the same values give the same list whichever query
    answered first.

    :raises SalesforceError: a query failed (an unknown field, say).
    """
    select = f"SELECT {', '.join(fields)} FROM {sobject} WHERE {field} IN "
    pending = [query_path(select + quote(list(chunk))) for chunk in chunked(values, VALUES_PER_QUERY)]
    records: list[dict[str, Any]] = []
    while pending:
        request = CompositeRequest(client)
        for number, path in enumerate(pending[:QUERY_LIMIT]):
            request.add("GET", path, reference_id=f"page{number}", headers=WHOLE_PAGES, sobject=sobject)
        pending = pending[QUERY_LIMIT:]
        for answer in request.send().values():
            if answer.error is not None:
                raise answer.error
            records.extend(answer.body["records"])
            if not answer.body.get("done", True):
                pending.append(answer.body["nextRecordsUrl"])
    return sorted(records, key=lambda record: str(record["Id"]))


def records_by_id(
    client: SalesforceClient, sobject: str, fields: Sequence[str], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The ``sobject`` records among ``ids``; ids of other objects, and of records deleted or never there, find nothing."""
    return records_where_in(client, sobject, fields, "Id", ids)
