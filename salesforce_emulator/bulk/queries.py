"""Bulk API 2.0 query jobs under /services/data/vXX.X/jobs/query.

A job is created with its SOQL (checked at once, as Salesforce refuses a bad query when
the job is created), runs on a thread of its own, and its rows are then read as CSV in
sets: each answer names the next set in ``Sforce-Locator`` ("null" after the last) and
counts its own in ``Sforce-NumberOfRecords``. A set's locator stays valid as long as
the job exists, so a client may read a set again.
"""

import base64
import csv
import io
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ApiError, not_found
from ..rest.router import RestRequest, RestResponse, router
from ..soql import run_query
from ..soql.parser import parse
from .jobs import DELIMITERS, LINE_ENDINGS, TERMINAL, BulkJob, jobs_of

if TYPE_CHECKING:
    from ..state import Org

JOB_PREFIX = "750"
OPERATIONS = ("query", "queryAll")
#: Rows in a set when the client gives no ``maxRecords``; Salesforce sizes sets by bytes.
DEFAULT_SET_SIZE = 50_000


@dataclass
class QueryJob(BulkJob):
    """One query job: its SOQL and, once run, its rows."""

    query: str = ""
    state: str = "UploadComplete"
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def info(self) -> dict[str, Any]:
        """The job as ``GET /jobs/query/{id}`` shows it."""
        body = self.shared_info(self.state, "V2Query")
        body["numberRecordsProcessed"] = len(self.rows)
        return body


def _queries(org: "Org") -> dict[str, QueryJob]:
    """The org's query jobs, kept beside its ingest jobs and under the same lock."""
    return jobs_of(org).queries


def _unsupported(source: str) -> str | None:
    """Why Bulk API 2.0 refuses ``source``, a query the REST API would run; None if it does not."""
    query = parse(source)
    if any(item.count for item in query.items):
        return "Aggregate queries are not supported by Bulk API 2.0 query"
    if query.offset:
        return "OFFSET is not supported by Bulk API 2.0 query"
    return None


def _cell(record: dict[str, Any], path: str) -> str:
    """One column of a result row: the value at a dotted path, "" for null, lower-case booleans."""
    value: Any = record
    for name in path.split("."):
        if not isinstance(value, dict):
            return ""
        value = next((v for k, v in value.items() if k.lower() == name.lower()), None)
    if value is None or isinstance(value, dict):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _run(org: "Org", job: QueryJob) -> None:
    with org.lock:
        if job.state != "UploadComplete":
            return
        job.state = "InProgress"
        try:
            result = run_query(org, job.query, job.operation == "queryAll", job.version)
        except ApiError as error:
            job.state, job.error_message = "Failed", error.errors[0].message if error.errors else "Query failed"
            return
        job.columns = [item.alias or item.path or "" for item in parse(job.query).items]
        job.rows = [[_cell(record, column) for column in job.columns] for record in result.records]
        job.state = "JobComplete"
        job.modstamp = org.clock.timestamp()


def _job(org: "Org", job_id: str) -> QueryJob:
    job = _queries(org).get(job_id)
    if job is None:
        raise not_found()
    return job


def _locator(start: int) -> str:
    return base64.b64encode(str(start).encode()).decode()


def _start_of(locator: str) -> int:
    try:
        start = int(base64.b64decode(locator, validate=True).decode())
    except ValueError:
        raise ApiError.of(400, "INVALIDLOCATOR", f"Invalid locator: {locator}") from None
    if start < 0:
        raise ApiError.of(400, "INVALIDLOCATOR", f"Invalid locator: {locator}")
    return start


@router.route("POST", "jobs/query")
def create_query_job(org: "Org", request: RestRequest) -> RestResponse:
    body = request.body if isinstance(request.body, dict) else {}
    operation, source = body.get("operation", "query"), body.get("query")
    if operation not in OPERATIONS:
        raise ApiError.of(400, "API_ERROR", f"Invalid operation: {operation}")
    if not isinstance(source, str) or not source.strip():
        raise ApiError.of(400, "API_ERROR", "A query is required")
    delimiter, line_ending = body.get("columnDelimiter", "COMMA"), body.get("lineEnding", "LF")
    if delimiter not in DELIMITERS or line_ending not in LINE_ENDINGS:
        raise ApiError.of(400, "API_ERROR", "Invalid columnDelimiter or lineEnding")
    reason = _unsupported(source)  # a malformed query raises MALFORMED_QUERY here
    if reason:
        raise ApiError.of(400, "API_ERROR", reason)
    sobject = org.schema.get(parse(source).sobject)
    if sobject is None:
        run_query(org, source, False, request.version)  # raises INVALID_TYPE with Salesforce's message
        raise not_found()
    job = QueryJob(
        id=jobs_of(org).ids.new(JOB_PREFIX),
        operation=operation,
        object=sobject.name,
        query=source,
        created_by=request.user_id,
        created=org.clock.timestamp(),
        version=request.version,
        column_delimiter=delimiter,
        line_ending=line_ending,
    )
    registry = jobs_of(org)
    with registry.lock:
        _queries(org)[job.id] = job
    threading.Thread(target=_run, args=(org, job), name=f"bulk-query-{job.id}", daemon=True).start()
    return RestResponse(200, job.info())


@router.route("GET", "jobs/query")
def list_query_jobs(org: "Org", request: RestRequest) -> RestResponse:
    records = [job.info() for job in _queries(org).values()]
    return RestResponse(200, {"done": True, "records": records, "nextRecordsUrl": None})


@router.route("GET", "jobs/query/<job_id>")
def get_query_job(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    return RestResponse(200, _job(org, job_id).info())


@router.route("PATCH", "jobs/query/<job_id>")
def abort_query_job(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    wanted = request.body.get("state") if isinstance(request.body, dict) else None
    if wanted != "Aborted" or job.state in TERMINAL:
        raise ApiError.of(400, "INVALIDJOBSTATE", f"Cannot change the job's state from {job.state} to {wanted}")
    job.state = "Aborted"
    job.modstamp = org.clock.timestamp()
    return RestResponse(200, job.info())


@router.route("DELETE", "jobs/query/<job_id>")
def delete_query_job(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    if job.state not in TERMINAL:
        raise ApiError.of(400, "INVALIDJOBSTATE", f"Cannot delete a job in state {job.state}; abort it first")
    with jobs_of(org).lock:
        _queries(org).pop(job.id, None)
    return RestResponse(204)


@router.route("GET", "jobs/query/<job_id>/results")
def query_job_results(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    if request.version != job.version:
        raise ApiError.of(409, "INVALIDJOBSTATE", f"Use API version {job.version}, which created the job")
    if job.state != "JobComplete":
        raise ApiError.of(400, "INVALIDJOBSTATE", f"The job's results are not available; it is {job.state}")
    start = _start_of(request.args["locator"]) if request.args.get("locator") else 0
    size_arg = request.args.get("maxRecords", "")
    if size_arg and (not size_arg.isdigit() or int(size_arg) < 1):
        raise ApiError.of(400, "INVALIDMAXRECORDS", "maxRecords must be a positive whole number")
    size = int(size_arg) if size_arg else DEFAULT_SET_SIZE
    rows = job.rows[start : start + size]
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=DELIMITERS[job.column_delimiter],
        lineterminator=LINE_ENDINGS[job.line_ending],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow(job.columns)
    writer.writerows(rows)
    following = start + len(rows)
    headers = {
        "Content-Type": "text/csv;charset=UTF-8",
        "Sforce-Locator": _locator(following) if following < len(job.rows) else "null",
        "Sforce-NumberOfRecords": str(len(rows)),
    }
    return RestResponse(200, out.getvalue(), headers)
