"""Ingest jobs: their state, their uploaded rows and their per-row results.

Jobs live beside the org (not in its records), one registry per :class:`Org`, so a
reset of the records leaves job history alone, as Salesforce keeps jobs for 7 days.
"""

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..ids import IdGenerator

if TYPE_CHECKING:
    from ..state import Org

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
DELIMITERS = {"BACKQUOTE": "`", "CARET": "^", "COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "TAB": "\t"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
TERMINAL = ("JobComplete", "Failed", "Aborted")


@dataclass
class BulkJob:
    """What every Bulk API 2.0 job has, ingest or query, and the part of its info they share."""

    id: str
    operation: str
    object: str
    created_by: str
    created: str
    version: str
    column_delimiter: str = "COMMA"
    line_ending: str = "LF"
    error_message: str | None = None
    modstamp: str = ""

    def shared_info(self, state: str, job_type: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "operation": self.operation,
            "object": self.object,
            "createdById": self.created_by,
            "createdDate": self.created,
            "systemModstamp": self.modstamp or self.created,
            "state": state,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": float(self.version),
            "lineEnding": self.line_ending,
            "columnDelimiter": self.column_delimiter,
            "jobType": job_type,
            "retries": 0,
            "totalProcessingTime": 0,
        }
        if self.error_message:
            body["errorMessage"] = self.error_message
        return body


@dataclass
class Job(BulkJob):
    """One ingest job and what processing it produced."""

    external_id_field: str | None = None
    state: str = "Open"
    upload_rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    successful: list[list[str]] = field(default_factory=list)
    failed: list[list[str]] = field(default_factory=list)
    unprocessed: list[list[str]] = field(default_factory=list)

    def info(self) -> dict[str, Any]:
        """The job as ``GET /jobs/ingest/{id}`` shows it."""
        body = self.shared_info(self.state, "V2Ingest")
        body["contentUrl"] = f"services/data/v{self.version}/jobs/ingest/{self.id}/batches"
        body["numberRecordsProcessed"] = len(self.successful) + len(self.failed)
        body["numberRecordsFailed"] = len(self.failed)
        body["apiActiveProcessingTime"] = 0
        body["apexProcessingTime"] = 0
        if self.external_id_field:
            body["externalIdFieldName"] = self.external_id_field
        return body


class Jobs:
    """The org's ingest and query jobs; a lock of its own guards the maps, the org's lock guards the records."""

    def __init__(self) -> None:
        #: Job ids come from the registry, not the org: the jobs outlive a reset of the
        #: org's records (and of its id counter), so a new job never takes an old one's id.
        self.ids = IdGenerator()
        self.by_id: dict[str, Job] = {}
        #: Query jobs (:class:`~salesforce_emulator.bulk.queries.QueryJob`), by id.
        self.queries: dict[str, Any] = {}
        self.lock = threading.Lock()


_registries: "weakref.WeakKeyDictionary[Org, Jobs]" = weakref.WeakKeyDictionary()


def jobs_of(org: "Org") -> Jobs:
    """The job registry of ``org``, made on first use."""
    registry = _registries.get(org)
    if registry is None:
        registry = _registries.setdefault(org, Jobs())
    return registry
