"""Processing an uploaded job: every row through the same DML the REST API uses.

Runs on a thread of its own after UploadComplete, so clients see the job move through
UploadComplete and InProgress to JobComplete and must poll, as with Salesforce.
"""

import csv
import io
import threading
from typing import TYPE_CHECKING

from ..dml import MultipleMatches
from ..errors import ApiError
from .jobs import DELIMITERS, LINE_ENDINGS, Job

if TYPE_CHECKING:
    from ..state import Org

NULL = "#N/A"
#: Rows processed under one hold of the org's lock.
ROWS_PER_LOCK = 200


def parse_upload(job: Job, text: str) -> list[list[str]]:
    """The rows of one uploaded CSV; the first upload's header names the columns."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[job.column_delimiter])
    rows = [row for row in reader if row]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not job.header:
        job.header = header
    elif header != job.header:
        raise ApiError.of(400, "INVALIDJOBSTATE", "Every upload of a job must have the same header row")
    return body


def start(org: "Org", job: Job) -> None:
    """Process ``job`` in the background."""
    threading.Thread(target=_process, args=(org, job), name=f"bulk-{job.id}", daemon=True).start()


def _process(org: "Org", job: Job) -> None:
    with org.lock:
        if job.state != "UploadComplete":
            return
        job.state = "InProgress"
        sobject = org.schema.get(job.object)
        if sobject is None:
            job.state, job.error_message = "Failed", f"InvalidJob : Unable to find object: {job.object}"
            return
        if job.operation == "upsert" and not any(
            c.lower() == (job.external_id_field or "").lower() for c in job.header
        ):
            job.state = "Failed"
            job.error_message = f"InvalidBatch : Field name not found : {job.external_id_field}"
            return
    # The org is locked a chunk of rows at a time, so other calls (the client's polls
    # among them) are answered while a large job runs, as Salesforce answers them.
    for start in range(0, len(job.upload_rows), ROWS_PER_LOCK):
        with org.lock:
            if job.state == "Aborted":
                return
            for row in job.upload_rows[start : start + ROWS_PER_LOCK]:
                _process_row(org, job, sobject, row)
    with org.lock:
        if job.state == "InProgress":
            job.state = "JobComplete"
            job.modstamp = org.clock.timestamp()


def _process_row(org: "Org", job: Job, sobject: object, row: list[str]) -> None:
    values = {name: (None if value == NULL else value) for name, value in zip(job.header, row, strict=False) if value}
    record_id = next((v for k, v in values.items() if k.lower() == "id"), None) or ""
    fields = {k: v for k, v in values.items() if k.lower() != "id"}
    dml = org.dml
    try:
        created = False
        if job.operation == "insert":
            record_id, created = dml.create(sobject, fields, job.created_by), True  # type: ignore[arg-type]
        elif job.operation == "update":
            record_id = dml.update(sobject, record_id, fields, job.created_by)  # type: ignore[arg-type]
        elif job.operation == "upsert":
            key = job.external_id_field or "Id"
            value = next((v for k, v in values.items() if k.lower() == key.lower()), None) or ""
            body = {k: v for k, v in fields.items() if k.lower() != key.lower()}
            record_id, created = dml.upsert(sobject, key, str(value), body, job.created_by)  # type: ignore[arg-type]
        else:
            dml.delete(sobject, record_id, job.created_by)  # type: ignore[arg-type]
    except MultipleMatches as error:
        job.failed.append(
            [record_id, f"DUPLICATE_EXTERNAL_ID:more than one record found for external id field: {error.ids}:--", *row]
        )
        return
    except ApiError as error:
        job.failed.append([record_id, _sentence(error), *row])
        return
    job.successful.append([record_id, "true" if created else "false", *row])


def _sentence(error: ApiError) -> str:
    """Salesforce's ``sf__Error``: ``CODE:message:Field1,Field2 --``, or ``CODE:message:--`` naming no field."""
    first = error.errors[0] if error.errors else None
    if first is None:
        return "UNKNOWN_EXCEPTION:An unexpected error occurred:--"
    fields = ",".join(first.fields or [])
    return f"{first.code}:{first.message}:{fields} --" if fields else f"{first.code}:{first.message}:--"


def results_csv(job: Job, columns: list[str], rows: list[list[str]]) -> str:
    """A results file in the job's own delimiter and line ending."""
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=DELIMITERS[job.column_delimiter],
        lineterminator=LINE_ENDINGS[job.line_ending],
        quoting=csv.QUOTE_ALL,
    )
    writer.writerow([*columns, *job.header])
    writer.writerows(rows)
    return out.getvalue()
