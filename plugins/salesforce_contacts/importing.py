"""Importing Salesforce records as site users, by topic or picklist value.

The records are read a page at a time (SOQL, following ``nextRecordsUrl``; from the
connection's Bulk threshold up, a Bulk API query job's sets of rows; by topic, the
topic's assignments are read so and their records looked up by id) and each
page is applied a chunk of records at a time, each chunk in one transaction that also
saves the progress, so the admin page and the CLI can show how far it got and a
summary: users created, existing users linked, records skipped with the reason. From
the admin page each page is one entry on the sync queue, which enqueues the next; the
CLI runs the pages itself. Users created or tagged here are not sent back to
Salesforce, where they came from.

An import always ends: finished, failed with the sentence of what stopped it, or
cancelled by the admin. Each page and each chunk renews the import's lease; an import
whose lease ran out (its worker died) no longer blocks a new one, and a page of it that
runs after all finds it replaced and does nothing. Every chunk is applied under the
progress's lock after checking the import is still the current, running one, so a
cancelled or replaced import changes nothing more.
"""

import enum
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app

from host.api import (
    IMPORT,
    ConsentOrigin,
    Done,
    Entry,
    Failed,
    InvalidValue,
    Outcome,
    PluginStore,
    RetryLater,
    change_tags,
    create_tag,
    db,
    enqueue,
    find_tag,
    utcnow,
)
from plugins.salesforce_common import Describer, SalesforceClient, SalesforceError, quote
from plugins.salesforce_common.bulk_query import BulkQuery, typed_record
from plugins.salesforce_common.describe import PICKLIST_TYPES
from plugins.salesforce_common.errors import TransientError
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.record_loads import uses_bulk
from plugins.salesforce_common.record_lookups import records_by_id
from plugins.salesforce_contacts.consent import (
    apply_opt_outs,
    marks_after_sending,
    opt_out_fields,
    opted_out,
    record_consents,
)
from plugins.salesforce_contacts.import_choices import BY_TOPIC, ImportRefused
from plugins.salesforce_contacts.inbound.apply import parse_salesforce_datetime
from plugins.salesforce_contacts.inbound.echo import from_salesforce
from plugins.salesforce_contacts.links import load_link
from plugins.salesforce_contacts.mapping import incoming_mapping
from plugins.salesforce_contacts.settings import Options, salesforce_config
from plugins.salesforce_contacts.site_users import create_user, field_value, find_user, link_user
from plugins.salesforce_contacts.topic_cache import TopicCache

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

IMPORT_KIND = "import"
PROGRESS_KEY = "import.progress"
#: Records per page read by REST: small enough for a progress bar that moves.
PAGE_SIZE = 200
#: Records applied per transaction. SQLite has one writer, so a registration waits for
#: at most this many records to be applied, not for a whole page.
APPLY_CHUNK = 25
#: How a page read from a Bulk query job is named in the import's progress: the job, and the set's locator.
BULK_PAGE_PREFIX = "bulk-query:"
#: Records per page read from a Bulk query job (a REST page has at most 2,000).
BULK_SET_SIZE = 10_000
#: How long a page waits for Salesforce to finish a query job before it is tried again later.
BULK_WAIT_SECONDS = 60
#: How long an import counts as running after its last page began: far longer than a
#: page takes to read and apply, so only an import nobody works on any more runs out.
IMPORT_LEASE = timedelta(minutes=5)


class ImportStopped(Exception):
    """The import was cancelled or replaced while a page of it was on its way."""


class ImportState(enum.StrEnum):
    RUNNING = "Running"
    FINISHED = "Finished"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    #: Not finished, but nothing worked on it for the whole lease.
    STOPPED = "Stopped"


STOPPED_SENTENCE = "The import stopped before it finished; start it again to import the remaining records."


@dataclass
class Progress:
    """One import's criteria, where it is, and what it did so far."""

    id: str
    by: str  # "topic" or "picklist"
    value: str
    total: int = 0
    processed: int = 0
    created: int = 0
    linked: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    #: Ended, whichever way: finished, failed (``problem`` says why) or cancelled.
    finished: bool = False
    problem: str | None = None
    cancelled: bool = False
    started_at: str = ""
    #: Until when the import counts as running without another page beginning.
    lease_until: str = ""
    #: The page being applied (the URL it is read from; None for the first) and how
    #: many of its records are applied, so a page applied again resumes there.
    page_url: str | None = None
    page_applied: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def state(self, now: datetime) -> ImportState:
        if self.cancelled:
            return ImportState.CANCELLED
        if self.finished:
            return ImportState.FAILED if self.problem else ImportState.FINISHED
        if not self.lease_until or datetime.fromisoformat(self.lease_until) <= now:
            return ImportState.STOPPED
        return ImportState.RUNNING

    def running(self, now: datetime) -> bool:
        return self.state(now) is ImportState.RUNNING

    def renew_lease(self, now: datetime) -> None:
        self.lease_until = (now + IMPORT_LEASE).isoformat()

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "skipped_total": self.skipped_total}

    def for_display(self, now: datetime) -> dict[str, Any]:
        """What the page and its progress endpoint show: the counts, the state and why it ended."""
        state = self.state(now)
        problem = STOPPED_SENTENCE if state is ImportState.STOPPED else self.problem
        return {**self.to_json(), "state": state.value, "running": state is ImportState.RUNNING, "problem": problem}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> "Progress":
        known = {each.name for each in fields(cls)}
        return cls(**{key: value for key, value in stored.items() if key in known})


def load_progress(store: PluginStore) -> Progress | None:
    stored = store.get(PROGRESS_KEY)
    return Progress.from_json(stored) if stored else None


def _locked_progress(store: PluginStore) -> Progress | None:
    """The stored progress, locked until the transaction ends and read after the lock."""
    stored = store.get_locked(PROGRESS_KEY)
    return Progress.from_json(stored) if stored else None


def start(store: PluginStore, by: str, value: str) -> Progress:
    """A new import, replacing the record of the last one.

    :raises ImportRefused: another import is still running.
    """
    now = utcnow()
    current = _locked_progress(store)
    if current is not None and current.running(now):
        raise ImportRefused(f'The import of "{current.value}" is still running; wait for it to finish or cancel it.')
    progress = Progress(secrets.token_hex(6), by, value.strip(), started_at=now.isoformat())
    progress.renew_lease(now)
    store.set(PROGRESS_KEY, progress.to_json())
    return progress


def end_import(store: PluginStore, import_id: str, *, problem: str | None = None, cancelled: bool = False) -> bool:
    """End the import ``import_id`` if it has not ended: failed with ``problem``, or cancelled.

    :return: whether it was still going (and is now ended).
    """
    current = _locked_progress(store)
    if current is None or current.id != import_id or current.finished:
        return False
    current.finished, current.problem, current.cancelled = True, problem, cancelled
    store.set(PROGRESS_KEY, current.to_json())
    return True


def cancel_import(store: PluginStore) -> Progress | None:
    """Cancel the import that is going, if one is; the users it made so far stay."""
    current = load_progress(store)
    if current is None or not end_import(store, current.id, cancelled=True):
        return None
    return current


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    #: Records with the topic that are not of the object users sync to.
    other_objects: int
    next_url: str | None
    total: int


class Importer:
    """Reads pages of records and applies them; Salesforce is called while no write is pending."""

    def __init__(self, plugin: "SalesforceContactsPlugin") -> None:
        self.plugin = plugin
        self.store = plugin.store
        self.options = Options.of(plugin.settings)
        self.mapping = incoming_mapping(plugin.store, self.options.object_type)

    def client(self) -> SalesforceClient:
        config = salesforce_config(self.plugin.settings, self.store)
        return SalesforceClient(config, headers={"Sforce-Query-Options": f"batchSize={PAGE_SIZE}"})

    # -- reading -------------------------------------------------------------------

    def _fields(self, client: SalesforceClient) -> list[str]:
        description = Describer(client).describe(self.options.object_type)
        wanted = [
            "Id",
            "Email",
            "FirstName",
            "LastName",
            "LastModifiedDate",
            self.options.match_field,
            *self.mapping,
            *opt_out_fields(self.options, description).values(),
        ]
        return list(dict.fromkeys(info.name for name in wanted if (info := description.field(name))))

    def _first_query(self, client: SalesforceClient, progress: Progress) -> str:
        object_type = self.options.object_type
        if progress.by == BY_TOPIC:
            topic = TopicCache(self.store).get(progress.value)
            topic_id = topic.id if topic else None
            if topic_id is None:
                found = client.query(f"SELECT Id FROM Topic WHERE Name = {quote(progress.value)}")
                topic_id = found[0]["Id"] if found else None
            if topic_id is None:
                raise ImportRefused(f'Salesforce has no topic called "{progress.value}".')
            return f"SELECT EntityId FROM TopicAssignment WHERE TopicId = {quote(topic_id)} ORDER BY EntityId"
        field_name = self.options.segmentation_field
        info = Describer(client).describe(object_type).field(field_name) if field_name else None
        if info is None or info.type not in PICKLIST_TYPES:
            raise ImportRefused("Choose the tag picklist field on the Tags tab first.")
        operator = "INCLUDES" if info.type == "multipicklist" else "="
        values = f"({quote(progress.value)})" if operator == "INCLUDES" else quote(progress.value)
        return (
            f"SELECT {', '.join(self._fields(client))} FROM {object_type} "
            f"WHERE {info.name} {operator} {values} ORDER BY Id"
        )

    def read_page(self, progress: Progress, next_url: str | None) -> Page:
        with self.client() as client:
            if next_url and next_url.startswith(BULK_PAGE_PREFIX):
                return self._read_bulk_page(client, progress, next_url)
            if next_url:
                page = client.get_json(next_url)
            else:
                soql = self._first_query(client, progress)
                page = client.get_json("query/", params={"q": soql})
                if uses_bulk(client, int(page["totalSize"])):
                    return self._start_bulk_query(client, soql, int(page["totalSize"]))
            records = page["records"]
            other_objects = 0
            if progress.by == BY_TOPIC:
                records, other_objects = self._with_topic(client, [record["EntityId"] for record in records])
            next_url = None if page.get("done", True) else page["nextRecordsUrl"]
            return Page(records, other_objects, next_url, int(page["totalSize"]))

    def _with_topic(self, client: SalesforceClient, entity_ids: list[str]) -> tuple[list[dict[str, Any]], int]:
        """The records of the object users sync to among ``entity_ids`` (those the topic is
        assigned to), and how many of the ids are of other objects."""
        if not entity_ids:
            return [], 0
        records = records_by_id(client, self.options.object_type, self._fields(client), entity_ids)
        return records, len(entity_ids) - len(records)

    def _start_bulk_query(self, client: SalesforceClient, soql: str, total: int) -> Page:
        """Many records: read them through a Bulk query job, an empty page that points at its first set.

        For a topic the job reads the topic's assignments, and each set's records are then
        looked up by id, five thousand to a call (:func:`.records_by_id`).
        """
        job = BulkQuery(client).create_job(soql)
        return Page([], 0, f"{BULK_PAGE_PREFIX}{job.id}", total)

    def _read_bulk_page(self, client: SalesforceClient, progress: Progress, page_url: str) -> Page:
        """A set of a query job's rows, waiting a little for the job to finish first."""
        job_id, _, locator = page_url.removeprefix(BULK_PAGE_PREFIX).partition(":")
        query = BulkQuery(client)
        status = query.wait(job_id, BULK_WAIT_SECONDS, abort_at_deadline=False)
        if status.state == "JobComplete":
            found = query.result_set(job_id, locator or None, BULK_SET_SIZE)
        elif status.finished:
            raise ImportRefused(f"Salesforce could not read the records: {status.error_message or status.state}.")
        else:
            raise TransientError("Salesforce is still reading the records; the import goes on when it is done.")
        if progress.by == BY_TOPIC:
            records, other_objects = self._with_topic(client, [row["EntityId"] for row in found.rows])
        else:
            description = Describer(client).describe(self.options.object_type)
            records, other_objects = [typed_record(description, row) for row in found.rows], 0
        following = f"{BULK_PAGE_PREFIX}{job_id}:{found.next_locator}" if found.next_locator else None
        if following is None:
            query.delete(job_id)
        return Page(records, other_objects, following, status.records_processed)

    # -- applying ------------------------------------------------------------------

    def _still_current(self, progress: Progress) -> None:
        """Lock the progress, so pages of one import apply one after another, and check it is still going.

        :raises ImportStopped: it was cancelled, ended or replaced meanwhile.
        """
        stored = _locked_progress(self.store)
        if stored is None or stored.id != progress.id:
            raise ImportStopped("A newer import replaced this one.")
        if stored.finished:
            raise ImportStopped(f'The import of "{progress.value}" was {stored.state(utcnow()).value.lower()}.')

    def apply(self, progress: Progress, page: Page, page_url: str | None) -> None:
        """Create or link a user per record, with the import's tag, and count what happened.

        The records are applied :data:`APPLY_CHUNK` at a time, each chunk committed with
        the progress, which notes how much of the page (read from ``page_url``) is done:
        a page applied again after its worker died goes on where it stopped.

        :raises ImportStopped: the import was cancelled or replaced; the chunks before stay.
        """
        done = progress.page_applied if progress.page_url == page_url else 0
        while True:
            self._still_current(progress)
            progress.renew_lease(utcnow())
            skipped: Counter[str] = Counter(progress.skipped)
            if done == 0:
                progress.total = page.total
                if page.other_objects:
                    skipped[f"not a {self.options.object_type}"] += page.other_objects
                    progress.processed += page.other_objects
            chunk = page.records[done : done + APPLY_CHUNK]
            tag = find_tag(progress.value) or create_tag(progress.value)
            for record in chunk:
                outcome = self._one(record, tag)
                if outcome in ("created", "linked"):
                    setattr(progress, outcome, getattr(progress, outcome) + 1)
                else:
                    skipped[outcome] += 1
                progress.processed += 1
            done += len(chunk)
            progress.skipped = dict(skipped)
            page_done = done >= len(page.records)
            progress.page_url, progress.page_applied = (page.next_url, 0) if page_done else (page_url, done)
            progress.finished = page_done and page.next_url is None
            self.store.set(PROGRESS_KEY, progress.to_json())
            db.session.commit()
            if page_done:
                return

    def run_page(self, progress: Progress, next_url: str | None) -> str | None:
        """Read and apply one page, committing it with the progress; the next page's URL.

        :raises ImportStopped: the import was cancelled or replaced; what was applied before stays.
        """
        db.session.commit()
        self._still_current(progress)
        progress.renew_lease(utcnow())
        self.store.set(PROGRESS_KEY, progress.to_json())
        db.session.commit()
        page = self.read_page(progress, next_url)
        # Reading may have opened a read transaction (cached topics); SQLite cannot turn it into a write.
        db.session.commit()
        self.apply(progress, page, next_url)
        return page.next_url

    def _origin(self, record: dict[str, Any], note: str) -> ConsentOrigin:
        """The import's choice, made when Salesforce last changed the record."""
        stamp = field_value(record, "LastModifiedDate")
        return ConsentOrigin(IMPORT, at=parse_salesforce_datetime(str(stamp)) if stamp else None, note=note)

    def _one(self, record: dict[str, Any], tag: Any) -> str:
        record_id = str(record["Id"])
        if not field_value(record, "Email"):
            return "no email address"
        user = find_user(self.options, record_id, record)
        consent_fields = opt_out_fields(self.options, None)
        outcome = "linked"
        name = f"{self.options.object_type} {record_id}"
        if user is not None:
            link = load_link(user.id)
            if link is not None and link.salesforce_id != record_id:
                return "the email belongs to a user linked to another record"
            if link is not None:
                outcome = "already linked"
            # Linking never clears the record's opt-outs: the user takes them.
            opt_outs = {
                channel.value: True
                for channel, field_name in consent_fields.items()
                if opted_out(field_value(record, field_name))
            }
            apply_opt_outs(
                user, opt_outs, ConsentOrigin(IMPORT, note=f"{name} had opted out when the import linked it")
            )
        else:
            try:
                with db.session.begin_nested():
                    user = create_user(
                        self.store,
                        record,
                        self.mapping,
                        record_consents(consent_fields, record),
                        self._origin(record, f"imported from {name}"),
                    )
            except InvalidValue as error:
                return f"refused by the site: {error.message}"
            outcome = "created"
        marks = marks_after_sending(user, consent_fields, consent_fields.values())
        link_user(self.store, user, record_id, self.options.object_type, consent=marks)
        with from_salesforce():
            change_tags([user], add=[tag])
        return outcome


class ImportHandler:
    """The sync queue's handler for imports started on the admin page: one page per entry."""

    batch_size = 1

    def __init__(self, plugin: "SalesforceContactsPlugin") -> None:
        self.plugin = plugin

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        return {entry.id: self._page(entry) for entry in entries}

    def _page(self, entry: Entry) -> Outcome:
        payload = entry.payload or {}
        progress = load_progress(self.plugin.store)
        if progress is None or progress.id != payload.get("import"):
            return Done("A newer import replaced this one.")
        if progress.finished:
            return Done(f'The import of "{progress.value}" was {progress.state(utcnow()).value.lower()}.')
        try:
            next_url = Importer(self.plugin).run_page(progress, payload.get("next"))
        except ImportStopped as stopped:
            db.session.rollback()
            return Done(str(stopped))
        except ImportRefused as refusal:
            return self._fail(progress, str(refusal))
        except SalesforceError as error:
            outcome = outcome_for(error)
            if isinstance(outcome, Failed) or (isinstance(outcome, RetryLater) and self._last_attempt(entry)):
                return self._fail(progress, str(error))
            db.session.rollback()
            return outcome
        if next_url:
            enqueue(
                self.plugin,
                IMPORT_KIND,
                f"{progress.id}:{progress.processed}",
                {"import": progress.id, "next": next_url},
            )
        return Done(f"Import of {progress.value}: {progress.processed} of {progress.total} records.")

    @staticmethod
    def _last_attempt(entry: Entry) -> bool:
        """Whether the queue gives the entry up if this delivery is retried."""
        return entry.attempts + 1 >= int(current_app.config["PLUGHOST_SYNC_MAX_ATTEMPTS"])

    def _fail(self, progress: Progress, sentence: str) -> Failed:
        """End the import as failed with ``sentence``, keeping the pages applied before."""
        db.session.rollback()
        end_import(self.plugin.store, progress.id, problem=sentence)
        return Failed(sentence)


def queue_import(plugin: "SalesforceContactsPlugin", by: str, value: str) -> Progress:
    """Start an import that the sync queue runs, in the current transaction.

    :raises ImportRefused: another import is still running.
    """
    progress = start(plugin.store, by, value)
    enqueue(plugin, IMPORT_KIND, f"{progress.id}:0", {"import": progress.id, "next": None})
    return progress
