"""Importing Salesforce records as site users, by topic or picklist value.

The records are read a page at a time (SOQL, following ``nextRecordsUrl``) and each
page is applied in one transaction that also saves the progress, so the admin page
and the CLI can show how far it got and a summary: users created, existing users
linked, records skipped with the reason. From the admin page each page is one entry
on the sync queue, which enqueues the next; the CLI runs the pages itself.
Users created or tagged here are not sent back to Salesforce, where they came from.
"""

import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from host.extensions import db
from host.plugins.settings import PluginStore
from host.services.consents import IMPORT, ConsentOrigin
from host.services.errors import InvalidValue
from host.services.tags import create_tag, find_tag
from host.services.users import change_tags
from host.sync import enqueue
from host.sync.handlers import Done, Entry, Failed, Outcome
from plugins.salesforce_common import Describer, SalesforceClient, SalesforceError, quote
from plugins.salesforce_common.describe import PICKLIST_TYPES
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_contacts.consent import (
    apply_opt_outs,
    marks_after_sending,
    opt_out_fields,
    opted_out,
    record_consents,
)
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
#: Records per page: small enough for a progress bar that moves, and for ``Id IN`` lists.
PAGE_SIZE = 200


class ImportRefused(Exception):
    """The import cannot start: the criteria name nothing Salesforce has."""


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
    finished: bool = False
    problem: str | None = None
    started_at: str = ""

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "skipped_total": self.skipped_total}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> "Progress":
        return cls(**{key: value for key, value in stored.items() if key != "skipped_total"})


def load_progress(store: PluginStore) -> Progress | None:
    stored = store.get(PROGRESS_KEY)
    return Progress.from_json(stored) if stored else None


def start(store: PluginStore, by: str, value: str) -> Progress:
    """A new import, replacing the record of the last one."""
    progress = Progress(secrets.token_hex(6), by, value.strip(), started_at=datetime.now(UTC).isoformat())
    store.set(PROGRESS_KEY, progress.to_json())
    return progress


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
        if progress.by == "topic":
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
            raise ImportRefused("Choose the tag picklist field on the setup page first.")
        operator = "INCLUDES" if info.type == "multipicklist" else "="
        values = f"({quote(progress.value)})" if operator == "INCLUDES" else quote(progress.value)
        return (
            f"SELECT {', '.join(self._fields(client))} FROM {object_type} "
            f"WHERE {info.name} {operator} {values} ORDER BY Id"
        )

    def read_page(self, progress: Progress, next_url: str | None) -> Page:
        with self.client() as client:
            if next_url:
                page = client.get_json(next_url)
            else:
                page = client.get_json("query/", params={"q": self._first_query(client, progress)})
            records = page["records"]
            other_objects = 0
            if progress.by == "topic":
                ids = [record["EntityId"] for record in records]
                records = (
                    client.query(
                        f"SELECT {', '.join(self._fields(client))} FROM {self.options.object_type} WHERE Id IN {quote(ids)}"
                    )
                    if ids
                    else []
                )
                other_objects = len(ids) - len(records)
            next_url = None if page.get("done", True) else page["nextRecordsUrl"]
            return Page(records, other_objects, next_url, int(page["totalSize"]))

    # -- applying ------------------------------------------------------------------

    def apply(self, progress: Progress, page: Page) -> None:
        """Create or link a user per record, with the import's tag, and count what happened."""
        # Lock the progress before reading, so two pages of one import apply one after another.
        self.store.lock(PROGRESS_KEY)
        tag = find_tag(progress.value) or create_tag(progress.value)
        skipped: Counter[str] = Counter(progress.skipped)
        progress.total = page.total
        if page.other_objects:
            skipped[f"not a {self.options.object_type}"] += page.other_objects
            progress.processed += page.other_objects
        for record in page.records:
            outcome = self._one(record, tag)
            if outcome in ("created", "linked"):
                setattr(progress, outcome, getattr(progress, outcome) + 1)
            else:
                skipped[outcome] += 1
            progress.processed += 1
        progress.skipped = dict(skipped)
        progress.finished = page.next_url is None
        self.store.set(PROGRESS_KEY, progress.to_json())

    def run_page(self, progress: Progress, next_url: str | None) -> str | None:
        """Read and apply one page, committing it with the progress; the next page's URL."""
        db.session.commit()
        page = self.read_page(progress, next_url)
        # Reading may have opened a read transaction (cached topics); SQLite cannot turn it into a write.
        db.session.commit()
        self.apply(progress, page)
        db.session.commit()
        return page.next_url

    def _origin(self, record: dict[str, Any], note: str) -> ConsentOrigin:
        """The import's choice, made when Salesforce last changed the record."""
        stamp = field_value(record, "LastModifiedDate")
        return ConsentOrigin(IMPORT, at=parse_salesforce_datetime(str(stamp)) if stamp else None, note=note)

    def _one(self, record: dict[str, Any], tag: Any) -> str:
        record_id = str(record["Id"])
        if not field_value(record, "Email"):
            return "no email address"
        user = find_user(self.store, self.options, record_id, record)
        consent_fields = opt_out_fields(self.options, None)
        outcome = "linked"
        name = f"{self.options.object_type} {record_id}"
        if user is not None:
            link = load_link(self.store, user.id)
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
        try:
            next_url = Importer(self.plugin).run_page(progress, payload.get("next"))
        except ImportRefused as refusal:
            progress.problem, progress.finished = str(refusal), True
            self.plugin.store.set(PROGRESS_KEY, progress.to_json())
            return Failed(str(refusal))
        except SalesforceError as error:
            return outcome_for(error)
        if next_url:
            enqueue(
                self.plugin,
                IMPORT_KIND,
                f"{progress.id}:{progress.processed}",
                {"import": progress.id, "next": next_url},
            )
        return Done(f"Import of {progress.value}: {progress.processed} of {progress.total} records.")


def queue_import(plugin: "SalesforceContactsPlugin", by: str, value: str) -> Progress:
    """Start an import that the sync queue runs, in the current transaction."""
    progress = start(plugin.store, by, value)
    enqueue(plugin, IMPORT_KIND, f"{progress.id}:0", {"import": progress.id, "next": None})
    return progress
