"""Delivering a Bulk-size batch of users as a stream, so memory stays flat whatever its size.

The sync queue hands the batch over a chunk of entries at a time and settles outcomes
a chunk at a time (:class:`host.api.StreamsEntries`). The users' rows are made from the
database a chunk of users at a time while the CSV is uploaded: one Bulk API job for the
users already linked (updated by Id) and one for the others (upserted by the match field). Each result row carries that key, so the job's results are matched back to
users a chunk of rows per query, as they are read; links are saved per chunk.

Users this path does not cover (deleted users, users refused before sending, users
whose topics change) are gathered, their entries only, and delivered by
:class:`~plugins.salesforce_contacts.delivery.BatchDelivery` at the end.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from more_itertools import chunked
from sqlalchemy import select

from host.api import ClaimedEntries, Entry, Outcome, PluginStore, User, db
from plugins.salesforce_common import SalesforceClient, describe_again
from plugins.salesforce_common.bulk import stream_job
from plugins.salesforce_common.sobject_collections import RecordResult
from plugins.salesforce_contacts.consent import opt_out_fields
from plugins.salesforce_contacts.delivery import BatchDelivery, Item
from plugins.salesforce_contacts.links import linked_user_ids
from plugins.salesforce_contacts.mapping import outgoing_mapping
from plugins.salesforce_contacts.settings import MergeStrategy, Options

UPSERT = "upsert"
UPDATE = "update"


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
        #: Entries delivered the usual way at the end; few, in a backfill none.
        self.leftovers: list[Entry] = []
        self.columns: dict[str, dict[str, None]] = {UPSERT: {}, UPDATE: {}}
        self.counts = {UPSERT: 0, UPDATE: 0}
        self.field_refused = False

    def run(self) -> Iterator[tuple[int, Outcome]]:
        self._plan()
        # Updates first: their results save no new links, so the users to upsert are
        # still the ones planned when their rows are made.
        for job in (UPDATE, UPSERT):
            if self.counts[job]:
                yield from self._send(job)
        if self.leftovers:
            batch = BatchDelivery(self.store, self.client, self.options, self.leftovers)
            outcomes = batch.run()
            batch.save()
            yield from outcomes.items()
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
    def _job(batch: BatchDelivery, item: Item) -> str | None:
        """Which job sends the user: None for users delivered the usual way."""
        changes = batch.topic_changes_of(item)
        if item.outcome is not None or changes.add or changes.remove:
            return None
        return UPDATE if item.link is not None else UPSERT

    def _row(self, item: Item) -> dict[str, Any]:
        if item.link is not None:
            return {"Id": item.link.salesforce_id, **item.record.values}
        return dict(item.record.values)

    def _plan(self) -> None:
        """Count each job's rows and learn its columns; gather the users delivered the usual way."""
        for batch in self._chunks():
            self.leftovers.extend(batch.deleted)
            for item in batch.items:
                job = self._job(batch, item)
                if job is None:
                    self.leftovers.append(item.entry)
                else:
                    self.counts[job] += 1
                    self.columns[job].update(dict.fromkeys(self._row(item)))

    def _rows(self, job: str) -> Iterator[dict[str, Any]]:
        for batch in self._chunks():
            yield from (self._row(item) for item in batch.items if self._job(batch, item) == job)

    # -- sending, and reading the results as they come -----------------------------

    def _send(self, job: str) -> Iterator[tuple[int, Outcome]]:
        results = stream_job(
            self.client,
            job,
            self.options.object_type,
            list(self.columns[job]),
            lambda: self._rows(job),
            self.counts[job],
            external_id_field=self.options.match_field if job == UPSERT else None,
        )
        for chunk in chunked(results, self.chunk_size):
            yield from self._apply(job, chunk)

    def _user_ids(self, job: str, keys: Sequence[str]) -> dict[str, int]:
        """The users a chunk of result rows is about, by the key cell each row carries."""
        if job == UPDATE:
            return linked_user_ids(keys)
        if self.options.matches_by_external_id:
            return {key: int(key) for key in keys if key.isdigit()}
        rows = db.session.execute(select(User.email, User.id).where(User.email.in_(keys)))
        return {email: user_id for email, user_id in rows}

    def _apply(self, job: str, results: Sequence[tuple[str, RecordResult]]) -> Iterator[tuple[int, Outcome]]:
        """Match a chunk of results to their users, save their links, and answer for them."""
        user_ids = self._user_ids(job, [key for key, _result in results])
        entries = self.entries.entries_for(str(user_id) for user_id in user_ids.values())
        batch = self._read(list(entries.values()))
        items = {item.user_id: item for item in batch.items if self._job(batch, item) == job}
        answered: list[Item] = []
        for key, result in results:
            item = items.pop(user_ids.get(key, -1), None)
            if item is None:
                # Deleted, changed or taken by another worker meanwhile: its entry says what is next.
                continue
            if not result.success:
                batch.record_failed(item, result.error)
            elif job == UPSERT:
                item.salesforce_id, item.created, item.sent = result.id, bool(result.created), True
            else:
                item.sent = True
            answered.append(item)
        batch.items, batch.deleted = answered, []
        batch.save()
        # Committed now, not with the outcomes: the next read of results is a call, made
        # while this session holds no writes.
        db.session.commit()
        self.field_refused = self.field_refused or batch.field_refused
        for item in answered:
            yield item.entry.id, item.outcome or batch.done_outcome(item)
