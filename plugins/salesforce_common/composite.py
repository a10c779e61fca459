"""Composite requests: up to 25 dependent subrequests in one API call.

A later subrequest can use an earlier one's result through a reference
(``@{contact.id}``), so "upsert this Contact, upsert its topics by name, assign them"
is one call and one unit of the API allowance, where the same work one request at a
time would cost two calls per topic.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from plugins.salesforce_common.client import SalesforceClient, upsert_call
from plugins.salesforce_common.errors import MultipleMatches, SalesforceError, error_from_payload

#: The most subrequests one Composite call takes.
COMPOSITE_LIMIT = 25
#: The most of them that may be queries (a query's next page too) or sObject Collections calls.
QUERY_LIMIT = 5

_REFERENCE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def query_path(soql: str) -> str:
    """The query resource's path for ``soql``, relative to the API base."""
    return f"query?q={quote_plus(soql)}"


@dataclass(frozen=True)
class Reference:
    """A subrequest's result, for use in the URLs and bodies of later ones."""

    reference_id: str

    def field(self, name: str) -> str:
        return f"@{{{self.reference_id}.{name}}}"

    @property
    def id(self) -> str:
        """The id of the record the subrequest created or upserted."""
        return self.field("id")


@dataclass(frozen=True)
class SubResponse:
    """One subrequest's answer; ``error`` is its typed error when it failed."""

    reference_id: str
    status: int
    body: Any
    error: SalesforceError | None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class _Subrequest:
    method: str
    url: str
    reference_id: str
    body: Mapping[str, Any] | None
    sobject: str | None
    match_field: str | None
    headers: Mapping[str, str] | None


class CompositeRequest:
    """Subrequests collected with :meth:`add` and sent together by :meth:`send`.

    :param all_or_none: roll every subrequest back if one fails. Off by default,
        so that, say, a topic already assigned does not undo the record's update.
    """

    def __init__(self, client: SalesforceClient, *, all_or_none: bool = False) -> None:
        self.client = client
        self.all_or_none = all_or_none
        self._subrequests: list[_Subrequest] = []

    def __len__(self) -> int:
        return len(self._subrequests)

    def add(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        reference_id: str | None = None,
        sobject: str | None = None,
        match_field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reference:
        """Add a subrequest; ``path`` is relative to the API base, as for the client, or
        starts with ``/services/`` for URLs Salesforce hands out (``nextRecordsUrl``).

        :param headers: the subrequest's own, e.g. ``Sforce-Query-Options``.
        :raises ValueError: the request already has 25 subrequests, or the reference
            id is malformed or taken.
        """
        if len(self._subrequests) >= COMPOSITE_LIMIT:
            raise ValueError(f"a Composite request takes at most {COMPOSITE_LIMIT} subrequests")
        reference_id = reference_id or f"ref{len(self._subrequests)}"
        if not _REFERENCE_ID.match(reference_id) or any(s.reference_id == reference_id for s in self._subrequests):
            raise ValueError(f"reference id {reference_id!r} is malformed or already used")
        url = (
            path
            if path.startswith("/services/")
            else f"/services/data/v{self.client.config.version}/{path.lstrip('/')}"
        )
        self._subrequests.append(_Subrequest(method, url, reference_id, body, sobject, match_field, headers))
        return Reference(reference_id)

    def query(self, soql: str, *, reference_id: str, headers: Mapping[str, str] | None = None) -> Reference:
        """Add a SOQL query; its answer is a page of records, as the query resource gives it.

        Build ``soql`` with :func:`.soql.quote` for every value.
        """
        return self.add("GET", query_path(soql), reference_id=reference_id, headers=headers)

    def upsert(
        self,
        sobject: str,
        key_field: str,
        key_value: str,
        values: Mapping[str, Any],
        *,
        reference_id: str | None = None,
    ) -> Reference:
        """Add an upsert by External ID or idLookup field; its reference's ``id`` is the record's."""
        path, body = upsert_call(sobject, key_field, key_value, values)
        return self.add("PATCH", path, body=body, reference_id=reference_id, sobject=sobject, match_field=key_field)

    def create(self, sobject: str, values: Mapping[str, Any], *, reference_id: str | None = None) -> Reference:
        return self.add("POST", f"sobjects/{sobject}/", body=values, reference_id=reference_id, sobject=sobject)

    def send(self) -> dict[str, SubResponse]:
        """Send every subrequest in one call; answers by reference id, in the order added."""
        payload = {
            "allOrNone": self.all_or_none,
            "compositeRequest": [
                {"method": s.method, "url": s.url, "referenceId": s.reference_id}
                | ({"body": dict(s.body)} if s.body is not None else {})
                | ({"httpHeaders": dict(s.headers)} if s.headers else {})
                for s in self._subrequests
            ],
        }
        answers = self.client.request("POST", "composite", json=payload).json()["compositeResponse"]
        subrequests = {s.reference_id: s for s in self._subrequests}
        now = datetime.now(UTC)
        return {
            answer["referenceId"]: self._response(subrequests[answer["referenceId"]], answer, now) for answer in answers
        }

    def _response(self, subrequest: _Subrequest, answer: Mapping[str, Any], now: datetime) -> SubResponse:
        status = int(answer["httpStatusCode"])
        body = answer.get("body")
        context = self.client.context(subrequest.sobject)
        error: SalesforceError | None = None
        if status == 300:
            error = MultipleMatches.from_record_urls(body, match_field=subrequest.match_field, context=context)
        elif status >= 400:
            first = body[0] if isinstance(body, list) and body else {}
            error = error_from_payload(first, context=context, status=status, now=now, usage=self.client.api_usage)
        return SubResponse(subrequest.reference_id, status, body, error)
