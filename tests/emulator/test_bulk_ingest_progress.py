"""A large ingest job runs while the org answers other calls, an abort among them, which stops it between rows."""

from emulator_rest_client import Api
from polling import wait_for

ROWS = 5_000


def _uploaded_job(api: Api) -> str:
    created = api.post("jobs/ingest", {"object": "Contact", "operation": "insert", "lineEnding": "LF"})
    assert created.status_code == 200, created.text
    job_id = created.json()["id"]
    rows = "".join(f"Row{number},row{number}@example.com\n" for number in range(ROWS))
    uploaded = api.request(
        "PUT", f"jobs/ingest/{job_id}/batches", data="LastName,Email\n" + rows, headers={"Content-Type": "text/csv"}
    )
    assert uploaded.status_code == 201, uploaded.text
    return job_id


def test_an_abort_while_the_job_runs_leaves_every_row_processed_or_unprocessed(api: Api) -> None:
    job_id = _uploaded_job(api)
    assert api.patch(f"jobs/ingest/{job_id}", {"state": "UploadComplete"}).status_code == 200
    aborted = api.patch(f"jobs/ingest/{job_id}", {"state": "Aborted"})

    def finished() -> dict | None:
        info = api.get(f"jobs/ingest/{job_id}").json()
        return info if info["state"] in ("JobComplete", "Aborted") else None

    info = wait_for(finished, f"ingest job {job_id} to stop")
    unprocessed = api.get(f"jobs/ingest/{job_id}/unprocessedrecords").text.splitlines()[1:]
    if aborted.status_code == 200:
        assert info["state"] == "Aborted"
    else:
        assert aborted.status_code == 400 and info["state"] == "JobComplete", "it finished before the abort came"
    assert info["numberRecordsProcessed"] + len(unprocessed) == ROWS
    contacts = api.query("SELECT COUNT() FROM Contact WHERE Email LIKE 'row%'")["totalSize"]
    assert contacts == info["numberRecordsProcessed"], "only the processed rows were written"
