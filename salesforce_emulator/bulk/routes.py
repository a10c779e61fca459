"""The ingest job resources, on the REST router so they share its auth, limits, faults and call log."""

from typing import TYPE_CHECKING

from ..errors import ApiError, not_found
from ..rest.router import RestRequest, RestResponse, router
from .jobs import DELIMITERS, LINE_ENDINGS, OPERATIONS, TERMINAL, Job, jobs_of
from .processing import parse_upload, results_csv, start

if TYPE_CHECKING:
    from ..state import Org

JOB_PREFIX = "750"
CSV = {"Content-Type": "text/csv;charset=UTF-8"}


def _job(org: "Org", job_id: str) -> Job:
    job = jobs_of(org).by_id.get(job_id)
    if job is None:
        raise not_found()
    return job


def _invalid(message: str) -> ApiError:
    return ApiError.of(400, "INVALIDJOBSTATE", message)


@router.route("POST", "jobs/ingest")
def create_job(org: "Org", request: RestRequest) -> RestResponse:
    body = request.body if isinstance(request.body, dict) else {}
    operation, name = body.get("operation"), body.get("object")
    if operation not in OPERATIONS:
        raise ApiError.of(400, "API_ERROR", f"Invalid operation: {operation}")
    if not isinstance(name, str) or org.schema.get(name) is None:
        raise ApiError.of(400, "NOT_FOUND", f"sObject type '{name}' is not supported.")
    delimiter, line_ending = body.get("columnDelimiter", "COMMA"), body.get("lineEnding", "LF")
    if delimiter not in DELIMITERS or line_ending not in LINE_ENDINGS:
        raise ApiError.of(400, "API_ERROR", "Invalid columnDelimiter or lineEnding")
    external = body.get("externalIdFieldName")
    if operation == "upsert" and not external:
        raise ApiError.of(400, "API_ERROR", "External ID was blank for upsert")
    job = Job(
        id=jobs_of(org).ids.new(JOB_PREFIX),
        operation=operation,
        object=org.schema.get(name).name,  # type: ignore[union-attr]
        created_by=request.user_id,
        created=org.clock.timestamp(),
        version=request.version,
        external_id_field=external,
        column_delimiter=delimiter,
        line_ending=line_ending,
    )
    registry = jobs_of(org)
    with registry.lock:
        registry.by_id[job.id] = job
    return RestResponse(200, job.info())


@router.route("GET", "jobs/ingest")
def list_jobs(org: "Org", request: RestRequest) -> RestResponse:
    records = [job.info() for job in jobs_of(org).by_id.values()]
    return RestResponse(200, {"done": True, "records": records, "nextRecordsUrl": None})


@router.route("GET", "jobs/ingest/<job_id>")
def get_job(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    return RestResponse(200, _job(org, job_id).info())


@router.route("PUT", "jobs/ingest/<job_id>/batches")
def upload(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    if job.state != "Open":
        raise _invalid(f"Job is not in Open state: {job.state}")
    if not isinstance(request.body, str):
        raise ApiError.of(400, "INVALIDBATCH", "The upload must be CSV (Content-Type: text/csv)")
    job.upload_rows.extend(parse_upload(job, request.body))
    return RestResponse(201)


@router.route("PATCH", "jobs/ingest/<job_id>")
def change_state(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    wanted = request.body.get("state") if isinstance(request.body, dict) else None
    if wanted == "UploadComplete" and job.state == "Open":
        job.state = "UploadComplete"
        start(org, job)
    elif wanted == "Aborted" and job.state not in TERMINAL:
        if job.state != "Open":
            # Rows are processed under the org's lock, as this call runs: those not reached yet stay so.
            job.unprocessed = job.upload_rows[len(job.successful) + len(job.failed) :]
        job.state = "Aborted"
    else:
        raise _invalid(f"Cannot change the job's state from {job.state} to {wanted}")
    job.modstamp = org.clock.timestamp()
    return RestResponse(200, job.info())


@router.route("DELETE", "jobs/ingest/<job_id>")
def delete_job(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _job(org, job_id)
    if job.state == "InProgress":
        raise _invalid(f"Cannot delete a job in state {job.state}")
    registry = jobs_of(org)
    with registry.lock:
        registry.by_id.pop(job.id, None)
    return RestResponse(204)


def _finished(org: "Org", job_id: str) -> Job:
    job = _job(org, job_id)
    if job.state not in TERMINAL:
        raise _invalid(f"The job's results are not available until it finishes; it is {job.state}")
    return job


@router.route("GET", "jobs/ingest/<job_id>/successfulResults")
def successful_results(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _finished(org, job_id)
    return RestResponse(200, results_csv(job, ["sf__Id", "sf__Created"], job.successful), dict(CSV))


@router.route("GET", "jobs/ingest/<job_id>/failedResults")
def failed_results(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _finished(org, job_id)
    return RestResponse(200, results_csv(job, ["sf__Id", "sf__Error"], job.failed), dict(CSV))


@router.route("GET", "jobs/ingest/<job_id>/unprocessedrecords")
@router.route("GET", "jobs/ingest/<job_id>/unprocessedRecords")
def unprocessed_records(org: "Org", request: RestRequest, job_id: str) -> RestResponse:
    job = _finished(org, job_id)
    return RestResponse(200, results_csv(job, [], job.unprocessed), dict(CSV))
