"""Delivering a Bulk-size batch of users as a stream, so memory stays flat whatever its size.

The sync queue hands the batch over a chunk of entries at a time and settles outcomes
a chunk at a time (:class:`host.api.StreamsEntries`). The users' rows are made from the
database a chunk of users at a time while the CSV is uploaded: one Bulk API job for the
users already linked (updated by Id) and one for the others (upserted by the match field).
Each result row carries that key, so the job's results are matched back to users a chunk
of rows per query, as they are read, and their links saved.

Users whose topics change wait for one more job, which assigns the topics of all of
them, made and matched back in the same way; then their records' results are read
again to answer for them. Users refused before sending are answered, and deleted users
delivered, while the batch is planned. Nothing is held for the whole batch but column
names, counts and the names of the topics it assigns.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from more_itertools import chunked
from sqlalchemy import select

from host.api import SETTLE_NOW, ClaimedEntries, Entry, Outcome, PluginStore, SettleNow, User, db
from plugins.salesforce_common import SalesforceClient, describe_again
from plugins.salesforce_common.bulk import StreamedJob, cell, key_columns, run_streamed_job
from plugins.salesforce_common.sobject_collections import RecordResult
from plugins.salesforce_common.topics import ASSIGNMENT, already_assigned
from plugins.salesforce_contacts.consent import opt_out_fields
from plugins.salesforce_contacts.delivery import BatchDelivery, Item
from plugins.salesforce_contacts.links import Link, linked_user_ids, load_links, save_links
from plugins.salesforce_contacts.mapping import outgoing_mapping
from plugins.salesforce_contacts.settings import MergeStrategy, Options

UPSERT = "upsert"
UPDATE = "update"
ASSIGNMENT_COLUMNS = ("TopicId", "EntityId")

Answer = tuple[int, Outcome] | SettleNow
#: A chunk of a job's results, each with its row's cells as Salesforce echoes them.
Results = Sequence[tuple[dict[str, str], RecordResult]]


def _mark_only_what_was_sent(item: Item, cells: dict[str, str]) -> None:
    """Keep a consent mark only where the row sent what the user has chosen now.

    The user is read again after the job; a choice made while it ran is not what
    Salesforce got, so its channel keeps the mark it had, and the next delivery sends it.
    """
    for channel, name in item.record.consent_fields.items():
        if channel.value in item.sent_marks and cells.get(name) != cell(item.record.values.get(name)):
            del item.sent_marks[channel.value]


def streams(options: Options, client: SalesforceClient, count: int) -> bool:
    """Whether a batch of ``count`` users goes as a stream: a Bulk job's worth that needs no lookups first."""
    return options.merge_strategy is MergeStrategy.OVERWRITE and count >= client.config.bulk_threshold


class StreamedDelivery:
    """One streamed handler call: plan the jobs, run them, answer a chunk of users at a time."""

    def __init__(
        self, store: PluginStore, client: SalesforceClient, options: Options, entries: ClaimedEntries, chunk_size: int
    ) -> None:
        self.store = store
        self.client = client
        self.options = options
        self.entries = entries
        self.chunk_size = chunk_size
        self.description = BatchDelivery(store, client, options, ()).description()
        self.mapping = outgoing_mapping(store, options.object_type)
        self.consent_fields = opt_out_fields(options, self.description)
        self.columns: dict[str, dict[str, None]] = {UPSERT: {}, UPDATE: {}}
        self.counts = {UPSERT: 0, UPDATE: 0}
        self.jobs: dict[str, StreamedJob] = {}
        #: Names of the topics the batch's users gain, and the topics' ids once known.
        self.topic_names: set[str] = set()
        #: Topic assignments the batch's users gain, as planned: the size of their job.
        self.topic_rows = 0
        self.topic_ids: dict[str, str] = {}
        self.waits_for_topics = False
        self.field_refused = False

    def run(self) -> Iterator[Answer]:
        yield from self._plan()
        self._ensure_topics()
        # Updates first: their results save no new links, so the users to upsert are
        # still the ones planned when their rows are made.
        for job in (UPDATE, UPSERT):
            if self.counts[job]:
                yield from self._send(job)
        if self.waits_for_topics:
            # Every answer so far settled, the entries still held are the users waiting.
            yield SETTLE_NOW
            self._assign_topics()
            for job, streamed in self.jobs.items():
                for chunk in chunked(streamed.successes(), self.chunk_size):
                    yield from self._answer_waiting(job, chunk)
        if self.field_refused:
            describe_again(self.client, self.options.object_type)

    # -- reading, a chunk of users at a time ----------------------------------------

    def _read(self, entries: Sequence[Entry]) -> BatchDelivery:
        batch = BatchDelivery(self.store, self.client, self.options, entries)
        batch.read_users(entries, self.description, self.mapping, self.consent_fields)
        return batch

    def _chunks(self) -> Iterator[BatchDelivery]:
        """The batch's users read a chunk at a time, each read's transaction ended before the next."""
        for entries in chunked(self.entries, self.chunk_size):
            batch = self._read(entries)
            db.session.commit()
            yield batch

    @staticmethod
    def _job(item: Item) -> str | None:
        """Which job sends the user: None for users refused before sending."""
        if item.outcome is not None:
            return None
        return UPDATE if item.link is not None else UPSERT

    def _row(self, item: Item) -> dict[str, Any]:
        if item.link is not None:
            return {"Id": item.link.salesforce_id, **item.record.values}
        return dict(item.record.values)

    def _plan(self) -> Iterator[tuple[int, Outcome]]:
        """Count each job's rows and learn its columns; answer refused users and deliver deleted ones."""
        for batch in self._chunks():
            for item in batch.items:
                if item.outcome is not None:
                    yield item.entry.id, item.outcome
                elif (job := self._job(item)) is not None:
                    self.counts[job] += 1
                    self.columns[job].update(dict.fromkeys(self._row(item)))
                    gained = batch.topic_changes_of(item).add
                    self.topic_names.update(gained)
                    self.topic_rows += len(gained)
            if batch.deleted:
                yield from self._deliver_deleted(batch)

    def _deliver_deleted(self, batch: BatchDelivery) -> Iterator[tuple[int, Outcome]]:
        """Delete (or mark) the records of a chunk's deleted users, as the settings say."""
        deleted = BatchDelivery(self.store, self.client, self.options, batch.deleted)
        outcomes = deleted.run()
        deleted.save()
        # Committed before the next call, which may come before any other read.
        db.session.commit()
        yield from outcomes.items()

    def _rows(self, job: str) -> Iterator[dict[str, Any]]:
        for batch in self._chunks():
            yield from (self._row(item) for item in batch.items if self._job(item) == job)

    # -- sending, and reading the results as they come -----------------------------

    def _send(self, job: str) -> Iterator[tuple[int, Outcome]]:
        self.jobs[job] = run_streamed_job(
            self.client,
            job,
            self.options.object_type,
            list(self.columns[job]),
            lambda: self._rows(job),
            self.counts[job],
            external_id_field=self._external_id(job),
        )
        for chunk in chunked(self.jobs[job].results(), self.chunk_size):
            yield from self._apply(job, chunk)

    def _external_id(self, job: str) -> str | None:
        return self.options.match_field if job == UPSERT else None

    def _user_ids(self, job: str, keys: Sequence[str]) -> dict[str, int]:
        """The users a chunk of result rows is about, by the key cell each row carries."""
        if job == UPDATE:
            return linked_user_ids(keys)
        if self.options.matches_by_external_id:
            return {key: int(key) for key in keys if key.isdigit()}
        rows = db.session.execute(select(User.email, User.id).where(User.email.in_(keys)))
        return {email: user_id for email, user_id in rows}

    def _matched(self, job: str, results: Results) -> tuple[BatchDelivery, list[tuple[Item, RecordResult]]]:
        """The held users a chunk of results is about, read, each with its result.

        A row carries its key cell (the record's Id, or the user's match field) to find
        its user by. Users deleted, changed or taken by another worker meanwhile are left
        out: their entries say what is next.
        """
        [key] = key_columns(job, list(self.columns[job]), self._external_id(job))
        user_ids = self._user_ids(job, [cells.get(key, "") for cells, _result in results])
        entries = self.entries.entries_for(str(user_id) for user_id in user_ids.values())
        batch = self._read(list(entries.values()))
        # The read's transaction ends before any call, as always.
        db.session.commit()
        items = {item.user_id: item for item in batch.items}
        matched: list[tuple[Item, RecordResult]] = []
        for cells, result in results:
            if (item := items.pop(user_ids.get(cells.get(key, ""), -1), None)) is not None:
                _mark_only_what_was_sent(item, cells)
                matched.append((item, result))
        return batch, matched

    def _apply(self, job: str, results: Results) -> Iterator[tuple[int, Outcome]]:
        """Match a chunk of results to their users, save their links, and answer for those not waiting for topics."""
        batch, matched = self._matched(job, results)
        answered: list[Item] = []
        for item, result in matched:
            if self._job(item) != job:
                continue
            if not result.success:
                batch.record_failed(item, result.error)
            elif job == UPSERT:
                item.salesforce_id, item.created, item.sent = result.id, bool(result.created), True
            else:
                item.sent = True
            answered.append(item)
        yield from self._settle_items(batch, answered, waiting_for_topics=True)

    def _settle_items(
        self, batch: BatchDelivery, items: list[Item], *, waiting_for_topics: bool
    ) -> Iterator[tuple[int, Outcome]]:
        """Save what was learned of ``items`` and answer for them, except users whose topics wait."""
        waiting = {item.user_id for item in items if waiting_for_topics and self._waits(batch, item)}
        self.waits_for_topics = self.waits_for_topics or bool(waiting)
        if not waiting_for_topics:
            batch.send_topics(items)
        batch.items, batch.deleted = items, []
        batch.save()
        # Committed now, not with the outcomes: the next read of results is a call, made
        # while this session holds no writes.
        db.session.commit()
        self.field_refused = self.field_refused or batch.field_refused
        for item in items:
            if item.user_id not in waiting:
                yield item.entry.id, item.outcome or batch.done_outcome(item)

    @staticmethod
    def _waits(batch: BatchDelivery, item: Item) -> bool:
        changes = batch.topic_changes_of(item)
        return item.outcome is None and bool(changes.add or changes.remove)

    # -- topics: one job assigns the topics of every user waiting -------------------

    def _ensure_topics(self) -> None:
        """Know the id of every topic the batch assigns, creating those the org lacks."""
        if not self.topic_names:
            return
        batch = BatchDelivery(self.store, self.client, self.options, ())
        batch.ensure_topics(self.topic_names)
        batch.topics.save()
        db.session.commit()
        self.topic_ids = {name: topic.id for name in self.topic_names if (topic := batch.topics.get(name))}

    def _assignment_rows(self) -> Iterator[dict[str, str]]:
        """A row for each topic a waiting user gains, read a chunk of users at a time."""
        for batch in self._chunks():
            for item in batch.items:
                if item.link is None or item.outcome is not None:
                    continue
                for name in batch.topic_changes_of(item).add:
                    if (topic_id := self.topic_ids.get(name)) is not None:
                        yield {"TopicId": topic_id, "EntityId": item.link.salesforce_id}

    def _assign_topics(self) -> None:
        """Assign, in one job, the topics the waiting users gain; store each assignment on its link."""
        if not self.topic_rows:
            return
        job = run_streamed_job(
            self.client, "insert", ASSIGNMENT, ASSIGNMENT_COLUMNS, self._assignment_rows, self.topic_rows
        )
        names = {topic_id: name for name, topic_id in self.topic_ids.items()}
        for chunk in chunked(job.results(), self.chunk_size):
            assigned: dict[str, dict[str, str | None]] = {}
            for cells, result in chunk:
                name = names.get(cells.get("TopicId", ""))
                if name is not None and (result.success or already_assigned(result.error)):
                    assigned.setdefault(cells.get("EntityId", ""), {})[name] = result.id if result.success else None
            self._store_assignments(assigned)

    def _store_assignments(self, assigned: dict[str, dict[str, str | None]]) -> None:
        """Add assignments, by record Id, to the links of the users they belong to."""
        user_ids = linked_user_ids(assigned)
        links = load_links(list(user_ids.values()))
        updated: dict[int | str, Link] = {}
        for salesforce_id, user_id in user_ids.items():
            if (link := links.get(str(user_id))) is not None:
                updated[user_id] = Link(
                    link.salesforce_id,
                    link.object_type,
                    link.instance_url,
                    link.topics | assigned[salesforce_id],
                    link.consent,
                )
        save_links(updated)
        db.session.commit()

    def _answer_waiting(self, job: str, results: Results) -> Iterator[tuple[int, Outcome]]:
        """Answer for the waiting users among a chunk of their records' results, read again.

        What the topic job left undone (a topic removed, an assignment refused) is sent
        now in sObject Collections, and a refusal told.
        """
        batch, matched = self._matched(job, results)
        for item, result in matched:
            item.salesforce_id, item.created, item.sent = result.id, bool(result.created), True
        yield from self._settle_items(batch, [item for item, _result in matched], waiting_for_topics=False)
