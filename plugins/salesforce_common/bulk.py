"""Bulk API 2.0 ingest jobs: thousands of records for a handful of API calls.

Where sObject Collections spends one call per 200 records, one ingest job takes every
record in a single CSV upload, which Salesforce processes in the background: create
the job, upload, mark the upload complete, poll until it finishes, read the results.
The CSV is written row by row while it is sent, and results are read row by row as
they arrive, so neither is ever held whole in memory.

Calls go through :class:`.client.SalesforceClient`, so they share its session renewal,
API usage accounting and typed errors.
"""

import codecs
import csv
import io
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.errors import ErrorContext, SalesforceError, TransientError, error_from_payload
from plugins.salesforce_common.sobject_collections import RecordResult

JOBS = "jobs/ingest"
#: What Bulk API takes as "set this field to null"; an empty cell leaves the field alone.
NULL = "#N/A"
FINISHED_STATES = frozenset({"JobComplete", "Failed", "Aborted"})
#: Characters of CSV gathered before a piece of the upload is sent.
UPLOAD_PIECE = 256 * 1024
#: Bytes of a results file read at a time.
RESULTS_PIECE = 64 * 1024
#: How long a job may take before it is stopped; Salesforce allows a job 10 minutes
#: of processing per retry, and retries it up to 10 times.
DEFAULT_DEADLINE_SECONDS = 30 * 60


#: Records Salesforce is taken to process per second of a job, for pacing the looks at it.
PROCESSED_PER_SECOND = 20_000


def poll_pacing(records: int) -> dict[str, float]:
    """How long to wait before looking at a job of ``records`` records, and at most between looks.

    A job of a few thousand records is looked at after half a second; a larger one
    after about the time it takes, with longer pauses later, so that its looks stay a
    handful of calls whatever its size.
    """
    expected = records / PROCESSED_PER_SECOND
    return {"poll_first": max(0.5, expected), "poll_longest": max(10.0, 10 * expected)}


class BulkJobFailed(TransientError):
    """Salesforce gave up on a job (``Failed``) before writing or refusing these records."""


@dataclass(frozen=True)
class JobStatus:
    """A job as ``GET /jobs/ingest/{id}`` reports it."""

    id: str
    state: str
    records_processed: int = 0
    records_failed: int = 0
    error_message: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any]) -> "JobStatus":
        return cls(
            id=str(body["id"]),
            state=str(body["state"]),
            records_processed=int(body.get("numberRecordsProcessed") or 0),
            records_failed=int(body.get("numberRecordsFailed") or 0),
            error_message=body.get("errorMessage"),
        )

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


def cell(value: Any) -> str:
    """One CSV cell as Bulk API reads it: blank and None are null, booleans lower case."""
    if value is None or value == "":
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def csv_pieces(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """The CSV of ``rows``, a piece at a time; a column a row lacks is left empty (unchanged)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[name]) if name in row else "" for name in columns])
        if buffer.tell() >= UPLOAD_PIECE:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of a text arriving in pieces, each with its line ending, as :mod:`csv` reads them."""
    pending = ""
    for piece in pieces:
        *complete, pending = (pending + piece).splitlines(keepends=True) or [""]
        if pending.endswith(("\n", "\r")):
            complete.append(pending)
            pending = ""
        yield from complete
    if pending:
        yield pending


def parse_row_error(text: str, context: ErrorContext, now: datetime) -> SalesforceError:
    """The typed error of a failed row's ``sf__Error``: ``CODE:message:Field1,Field2 --``."""
    code, _, rest = text.strip().removesuffix("--").strip().partition(":")
    message, _, fields = rest.rpartition(":") if rest.count(":") else (rest, "", "")
    payload = {"errorCode": code, "message": message.strip(), "fields": [f for f in fields.split(",") if f.strip()]}
    return error_from_payload(payload, context=context, status=None, now=now)


class BulkJobs:
    """The calls every kind of Bulk API 2.0 job shares: look, wait, abort, delete.

    :param poll_first: seconds before the first look at a job's state; each later
        look waits twice as long as the one before, up to ``poll_longest``.
    """

    #: The jobs' resource under the API version: ``jobs/ingest`` or ``jobs/query``.
    path: str

    def __init__(self, client: SalesforceClient, *, poll_first: float = 0.5, poll_longest: float = 10.0) -> None:
        self.client = client
        self.poll_first = poll_first
        self.poll_longest = poll_longest

    def abort(self, job_id: str) -> JobStatus:
        """Stop a job; an ingest job reports the rows it did not reach as unprocessed."""
        return self._change_state(job_id, "Aborted")

    def delete(self, job_id: str) -> None:
        """Remove a finished job and its results (Salesforce drops them after 7 days anyway)."""
        self.client.request("DELETE", f"{self.path}/{job_id}")

    def status(self, job_id: str) -> JobStatus:
        return JobStatus.of(self.client.get_json(f"{self.path}/{job_id}"))

    def wait(
        self, job_id: str, deadline_seconds: float = DEFAULT_DEADLINE_SECONDS, *, abort_at_deadline: bool = True
    ) -> JobStatus:
        """Poll until the job finishes, with a growing pause between looks.

        A look that fails in passing (a timeout, an outage) is followed by another. A
        job still running at the deadline is aborted, so that what it did is known and
        what it did not do can be sent again; without ``abort_at_deadline`` it runs on
        and its unfinished status is returned, for the caller to look again later.
        """
        deadline = time.monotonic() + deadline_seconds
        pause = self.poll_first
        while True:
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            try:
                status: JobStatus | None = self.status(job_id)
            except TransientError:
                # The job runs on at Salesforce; a look that timed out is no reason to give it up.
                status = None
            if status is not None and status.finished:
                return status
            if time.monotonic() >= deadline:
                if abort_at_deadline:
                    self.abort(job_id)
                return self.status(job_id)
            pause = min(pause * 2, self.poll_longest)

    def _change_state(self, job_id: str, state: str) -> JobStatus:
        return JobStatus.of(self.client.request("PATCH", f"{self.path}/{job_id}", json={"state": state}).json())

    def _csv_rows(self, resource: str, params: Mapping[str, Any] | None = None) -> tuple[Iterator[dict[str, str]], Any]:
        """The rows of a CSV resource as they arrive, and the response (for its headers)."""
        response = self.client.request("GET", f"{self.path}/{resource}", params=params, stream=True)

        def rows() -> Iterator[dict[str, str]]:
            with closing(response):
                text = codecs.iterdecode(response.iter_content(RESULTS_PIECE), "utf-8")
                yield from csv.DictReader(lines(text))

        return rows(), response


class BulkIngest(BulkJobs):
    """The ingest job resources of one connected org, one method per call."""

    path = JOBS

    def create_job(self, operation: str, sobject: str, *, external_id_field: str | None = None) -> JobStatus:
        """Open a job; ``external_id_field`` is required for ``upsert``."""
        body = {"object": sobject, "operation": operation, "contentType": "CSV", "lineEnding": "LF"}
        if external_id_field:
            body["externalIdFieldName"] = external_id_field
        return JobStatus.of(self.client.request("POST", JOBS, json=body, sobject=sobject).json())

    def upload(self, job_id: str, columns: Sequence[str], rows: Callable[[], Iterable[Mapping[str, Any]]]) -> None:
        """Send the job's data as one CSV, streamed as it is written.

        :param rows: makes the rows; called again if the call is repeated.
        """
        self.client.request(
            "PUT", f"{JOBS}/{job_id}/batches", content=lambda: csv_pieces(columns, rows()), content_type="text/csv"
        )

    def complete_upload(self, job_id: str) -> JobStatus:
        """Tell Salesforce the data is all there, so it starts processing."""
        return self._change_state(job_id, "UploadComplete")

    def successful_results(self, job_id: str) -> Iterator[dict[str, str]]:
        """Rows written: ``sf__Id``, ``sf__Created`` and the uploaded columns."""
        return self._csv_rows(f"{job_id}/successfulResults")[0]

    def failed_results(self, job_id: str) -> Iterator[dict[str, str]]:
        """Rows refused: ``sf__Id``, ``sf__Error`` and the uploaded columns."""
        return self._csv_rows(f"{job_id}/failedResults")[0]

    def unprocessed_records(self, job_id: str) -> Iterator[dict[str, str]]:
        """Rows an aborted or failed job never reached, as uploaded."""
        return self._csv_rows(f"{job_id}/unprocessedrecords")[0]


class _Positions:
    """Which input records a result row stands for, by the cells of the columns that identify it.

    A key held by one record (nearly every key) keeps its position alone; only a key
    several records share keeps a queue, so a job of 100,000 records costs no
    100,000 queues.
    """

    def __init__(self, key_columns: Sequence[str], records: Sequence[Mapping[str, Any]]) -> None:
        self.key_columns = key_columns
        self._waiting: dict[tuple[str, ...], int | deque[int]] = {}
        for position, record in enumerate(records):
            key = self._key(record, cell)
            held = self._waiting.get(key)
            if held is None:
                self._waiting[key] = position
            elif isinstance(held, int):
                self._waiting[key] = deque((held, position))
            else:
                held.append(position)

    def _key(self, row: Mapping[str, Any], show: Callable[[Any], str]) -> tuple[str, ...]:
        return tuple(show(row[name]) if name in row else "" for name in self.key_columns)

    def take(self, result_row: Mapping[str, str]) -> int | None:
        key = self._key(result_row, str)
        held = self._waiting.get(key)
        if isinstance(held, int):
            del self._waiting[key]
            return held
        return held.popleft() if held else None


def _columns(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(name for record in records for name in record))


def key_columns(operation: str, columns: Sequence[str], external_id_field: str | None) -> list[str]:
    """The columns whose cells say which record a result row is: the external id, the Id, or all."""
    if operation == "upsert" and external_id_field:
        return [next((c for c in columns if c.lower() == external_id_field.lower()), external_id_field)]
    if operation in ("update", "delete"):
        return [next((c for c in columns if c.lower() == "id"), "Id")]
    return list(columns)


def run_job(
    client: SalesforceClient,
    operation: str,
    sobject: str,
    records: Sequence[Mapping[str, Any]],
    *,
    external_id_field: str | None = None,
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
    ingest: BulkIngest | None = None,
) -> list[RecordResult]:
    """Write ``records`` in one ingest job; one result per record, in input order.

    Results are matched back to records by ``Id`` (update), the external id
    (upsert) or every column (insert). Rows a failed job did not reach get
    :class:`BulkJobFailed`, rows a job stopped at its deadline did not reach a
    :class:`TransientError`: both are sent again. A call that fails gives every
    record that call's error, as with Collections.
    """
    ingest = ingest or BulkIngest(client, **poll_pacing(len(records)))
    columns = _columns(records)
    keys = key_columns(operation, columns, external_id_field)
    try:
        job = ingest.create_job(operation, sobject, external_id_field=external_id_field)
        ingest.upload(job.id, columns, lambda: records)
        ingest.complete_upload(job.id)
        status = ingest.wait(job.id, deadline_seconds)
        return _results(client, ingest, status, sobject, keys, records)
    except SalesforceError as error:
        return [RecordResult(None, False, errors=(error,))] * len(records)


def _unfinished(client: SalesforceClient, status: JobStatus, count: int) -> SalesforceError | None:
    """Why the records a finished job gave no result for were left alone."""
    if status.state == "Failed":
        return BulkJobFailed(
            f"Salesforce could not finish the bulk job of {count} {client.config.record_kind} records: "
            f"{status.error_message or 'no reason given'}. It will be tried again."
        )
    if status.state == "Aborted":
        return TransientError("Salesforce stopped the bulk job before reaching this record; it will be sent again.")
    return None


def _results(
    client: SalesforceClient,
    ingest: BulkIngest,
    status: JobStatus,
    sobject: str,
    key_columns: Sequence[str],
    records: Sequence[Mapping[str, Any]],
) -> list[RecordResult]:
    """Each record's result, read from the job's successful and failed results.

    Records in neither (the rows a failed or stopped job did not reach) get the reason.
    """
    positions = _Positions(key_columns, records)
    context = client.context(sobject)
    now = datetime.now(UTC)
    results: list[RecordResult | None] = [None] * len(records)
    for row in ingest.successful_results(status.id):
        if (position := positions.take(row)) is not None:
            results[position] = RecordResult(row.get("sf__Id") or None, True, row.get("sf__Created") == "true")
    for row in ingest.failed_results(status.id):
        if (position := positions.take(row)) is not None:
            error = parse_row_error(row.get("sf__Error") or "", context, now)
            results[position] = RecordResult(row.get("sf__Id") or None, False, errors=(error,))
    reason = _unfinished(client, status, len(records))
    missing = RecordResult(None, False, errors=(reason,) if reason else ())
    return [result or missing for result in results]


@dataclass(frozen=True)
class StreamedJob:
    """A finished ingest job whose results are read as they come, for loads too large to hold.

    Each result comes with its row's cells as Salesforce echoes them (the upsert's
    external id, an update's ``Id``, an insert's every column), for the caller to find
    its record by; nothing of the whole job is kept.
    """

    client: SalesforceClient
    ingest: BulkIngest
    status: JobStatus
    sobject: str
    count: int

    def results(self) -> Iterator[tuple[dict[str, str], RecordResult]]:
        """Every row's result: the successful, the failed, then the rows a failed or stopped job did not reach."""
        yield from self.successes()
        context = self.client.context(self.sobject)
        now = datetime.now(UTC)
        for row in self.ingest.failed_results(self.status.id):
            error = parse_row_error(row.get("sf__Error") or "", context, now)
            yield row, RecordResult(row.get("sf__Id") or None, False, errors=(error,))
        if (reason := _unfinished(self.client, self.status, self.count)) is not None:
            for row in self.ingest.unprocessed_records(self.status.id):
                yield row, RecordResult(None, False, errors=(reason,))

    def successes(self) -> Iterator[tuple[dict[str, str], RecordResult]]:
        """The successful rows' results, read again on every call."""
        for row in self.ingest.successful_results(self.status.id):
            yield row, RecordResult(row.get("sf__Id") or None, True, row.get("sf__Created") == "true")


def run_streamed_job(
    client: SalesforceClient,
    operation: str,
    sobject: str,
    columns: Sequence[str],
    rows: Callable[[], Iterable[Mapping[str, Any]]],
    count: int,
    *,
    external_id_field: str | None = None,
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
) -> StreamedJob:
    """Write ``count`` rows in one ingest job, made by ``rows`` as the upload is sent (and
    again if it is repeated), and wait for it to finish. A call that fails raises."""
    ingest = BulkIngest(client, **poll_pacing(count))
    job = ingest.create_job(operation, sobject, external_id_field=external_id_field)
    ingest.upload(job.id, columns, rows)
    ingest.complete_upload(job.id)
    return StreamedJob(client, ingest, ingest.wait(job.id, deadline_seconds), sobject, count)


def upsert_records(
    client: SalesforceClient, sobject: str, key_field: str, records: Sequence[Mapping[str, Any]]
) -> list[RecordResult]:
    """Create or update ``records`` matched by ``key_field``, in one job; ``created`` says which."""
    return run_job(client, "upsert", sobject, records, external_id_field=key_field)


def update_records(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Update ``records``, each carrying its ``Id``, in one job."""
    return run_job(client, "update", sobject, records)


def create_records(client: SalesforceClient, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
    """Create ``records`` in one job."""
    return run_job(client, "insert", sobject, records)
