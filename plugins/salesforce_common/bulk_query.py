"""Bulk API 2.0 query jobs: many thousands of records read for a handful of API calls.

A REST query answers at most 2,000 records a call; a query job runs the SOQL in the
background and hands its rows out as CSV in sets as large as the reader asks for.
Each set names the next by a locator, which stays valid while the job exists, so a
reader that stops (a worker that dies) can read the same set again.

CSV knows only text: a null is an empty cell and a checkbox is ``true`` / ``false``.
:func:`typed_record` turns a row back into what the REST API would have answered, by
the object's describe, so code that reads records need not know how they were read.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugins.salesforce_common.bulk import BulkJobs, JobStatus
from plugins.salesforce_common.describe import ObjectDescription

JOBS = "jobs/query"
#: Field types whose CSV text is read back as a number.
NUMBER_TYPES = frozenset({"double", "currency", "percent"})


@dataclass(frozen=True)
class ResultSet:
    """One set of a query job's rows, and the locator of the next (None after the last)."""

    rows: list[dict[str, str]]
    next_locator: str | None


class BulkQuery(BulkJobs):
    """The query job resources of one connected org, one method per call."""

    path = JOBS

    def create_job(self, soql: str, *, include_deleted: bool = False) -> JobStatus:
        """Start running ``soql``; a query Salesforce refuses raises its error at once."""
        body = {"operation": "queryAll" if include_deleted else "query", "query": soql, "lineEnding": "LF"}
        return JobStatus.of(self.client.request("POST", JOBS, json=body).json())

    def result_set(self, job_id: str, locator: str | None, max_records: int) -> ResultSet:
        """The set of rows ``locator`` names (the first set when None), at most ``max_records``."""
        params: dict[str, Any] = {"maxRecords": max_records}
        if locator:
            params["locator"] = locator
        rows, response = self._csv_rows(f"{job_id}/results", params)
        following = response.headers.get("Sforce-Locator")
        return ResultSet(list(rows), None if following in (None, "", "null") else following)


def _typed(value: str, field_type: str | None) -> Any:
    if value == "":
        return None
    if field_type == "boolean":
        return value.lower() == "true"
    if field_type == "int":
        return int(value)
    if field_type in NUMBER_TYPES:
        return float(value)
    return value


def typed_record(description: ObjectDescription, row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the REST API would give the record: nulls, checkboxes and numbers typed."""
    record: dict[str, Any] = {}
    for column, value in row.items():
        info = description.field(column)
        record[info.name if info else column] = _typed(value, info.type if info else None)
    return record
