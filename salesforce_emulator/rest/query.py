"""SOQL over REST: /query and /queryAll, paginated with query locators like Salesforce's."""

from typing import TYPE_CHECKING

from ..errors import ApiError, malformed_query
from ..soql import run_query
from .router import RestRequest, RestResponse, router

if TYPE_CHECKING:
    from ..state import Org

MAX_LOCATORS = 200


def _batch_size(org: "Org", request: RestRequest) -> int:
    """``Sforce-Query-Options: batchSize=N`` (200 to 2000) lowers the page size."""
    size = org.query_batch_size
    for option in request.headers.get("Sforce-Query-Options", "").split(","):
        key, _, value = option.partition("=")
        if key.strip().lower() == "batchsize" and value.strip().isdigit():
            size = min(max(int(value), 200), 2000)
    return size


def _page(
    org: "Org", request: RestRequest, endpoint: str, locator: str, records: list, start: int, size: int, total: int
) -> RestResponse:
    end = start + size
    body = {"totalSize": total, "done": end >= len(records), "records": records[start:end]}
    if end < len(records):
        org.locators[locator] = (records, size, total)
        while len(org.locators) > MAX_LOCATORS:
            org.locators.pop(next(iter(org.locators)))
        body["nextRecordsUrl"] = f"/services/data/v{request.version}/{endpoint}/{locator}-{end}"
    else:
        org.locators.pop(locator, None)
    return RestResponse(200, body)


def _run(org: "Org", request: RestRequest, include_deleted: bool) -> RestResponse:
    source = request.args.get("q")
    if not source:
        raise malformed_query("A query string has to be specified")
    result = run_query(org, source, include_deleted, request.version)
    locator = org.ids.new("01g")
    endpoint = "queryAll" if include_deleted else "query"
    return _page(org, request, endpoint, locator, result.records, 0, _batch_size(org, request), result.total_size)


def _more(org: "Org", request: RestRequest, locator: str, include_deleted: bool) -> RestResponse:
    key, _, start = locator.rpartition("-")
    found = org.locators.get(key)
    if found is None or not start.isdigit():
        raise ApiError.of(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    records, size, total = found
    return _page(org, request, "queryAll" if include_deleted else "query", key, records, int(start), size, total)


@router.route("GET", "query")
def query(org: "Org", request: RestRequest) -> RestResponse:
    return _run(org, request, False)


@router.route("GET", "queryAll")
def query_all(org: "Org", request: RestRequest) -> RestResponse:
    return _run(org, request, True)


@router.route("GET", "query/<locator>")
def query_more(org: "Org", request: RestRequest, locator: str) -> RestResponse:
    return _more(org, request, locator, False)


@router.route("GET", "queryAll/<locator>")
def query_all_more(org: "Org", request: RestRequest, locator: str) -> RestResponse:
    return _more(org, request, locator, True)
