"""Delivering affiliates to Salesforce: the sync queue's handler for "affiliate" entries.

A batch (up to 200, what one sObject Collections call takes) is split by what each
affiliate needs: a known record is updated by its Id; a new one is upserted by the
External ID field if one is set, else by Email where the object can match on it,
else created; a deleted affiliate's record is deleted. Each group is one
Collections call. Values are checked against describe first, so a record
Salesforce would refuse fails with the sentence without a call or a retry.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked
from sqlalchemy import select

from host.api import (
    VALUES_PER_STATEMENT,
    Affiliate,
    AffiliateSnapshot,
    BatchWait,
    Done,
    Entry,
    Failed,
    Outcome,
    Plugin,
    RecordLabel,
    RecordsOfTable,
    affiliate_labels,
    db,
)
from plugins.salesforce_common import (
    Describer,
    EntityIsDeleted,
    ObjectDescription,
    Operation,
    RecordNotFound,
    RecordResult,
    SalesforceClient,
    SalesforceError,
    delete_records,
    describe_again,
    refuses_a_field,
)
from plugins.salesforce_common.batching import plugin_batch_wait
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.record_loads import BULK_BATCH_LIMIT, create_many, update_many, upsert_many
from plugins.salesforce_leads.links import RecordLink, forget_links, links_of, save_links
from plugins.salesforce_leads.mapping import FieldMapping, load_mapping, record_values, send_problems
from plugins.salesforce_leads.settings import destination_object, external_id_field, salesforce_config

KIND = "affiliate"
#: The standard field new records are matched on when no External ID field is set.
EMAIL_KEY = "Email"


@dataclass
class _Group:
    """Entries that go out in the same kind of call, with the values each sends."""

    entries: list[Entry] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)

    def add(self, entry: Entry, record: Any) -> None:
        self.entries.append(entry)
        self.records.append(record)


@dataclass
class _Plan:
    sobject: str
    updates: _Group = field(default_factory=_Group)
    upserts: _Group = field(default_factory=_Group)
    creates: _Group = field(default_factory=_Group)
    deletes: _Group = field(default_factory=_Group)
    upsert_key: str | None = None
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    #: Records Salesforce now has for affiliates (by affiliate id), and affiliates whose record is gone.
    new_links: dict[str, RecordLink] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    #: Whether Salesforce refused a record for a mapped field it no longer takes.
    field_refused: bool = False


def _upsert_key(configured: str | None, description: ObjectDescription) -> str | None:
    if configured:
        return configured
    email = description.field(EMAIL_KEY)
    return email.name if email is not None and email.id_lookup else None


def _refused(problems: Sequence[SalesforceError]) -> Failed:
    return Failed(" ".join(dict.fromkeys(str(problem) for problem in problems)))


def _plan(
    external_id: str | None,
    entries: Sequence[Entry],
    affiliates: Mapping[str, AffiliateSnapshot],
    links: Mapping[str, RecordLink],
    description: ObjectDescription,
    mapping: FieldMapping,
) -> _Plan:
    plan = _Plan(description.name, upsert_key=_upsert_key(external_id, description))
    for entry in entries:
        link = links.get(entry.record_id)
        if link is not None and link.sobject.lower() != description.name.lower():
            link = None
        affiliate = affiliates.get(entry.record_id)
        if affiliate is None:
            if link is None:
                plan.outcomes[entry.id] = Done("The affiliate was deleted; it had no record in Salesforce.")
            else:
                plan.deletes.add(entry, link.record_id)
            continue
        values = record_values(affiliate, mapping, description)
        if link is not None:
            operation, group, record = Operation.UPDATE, plan.updates, {"Id": link.record_id, **values}
        elif plan.upsert_key:
            if plan.upsert_key == external_id:
                values[plan.upsert_key] = str(affiliate.id)
            operation, group, record = Operation.UPSERT, plan.upserts, values
        else:
            operation, group, record = Operation.CREATE, plan.creates, values
        if plan.upsert_key and operation is Operation.UPSERT and not values.get(plan.upsert_key):
            plan.outcomes[entry.id] = Failed(
                f"The affiliate has no value for {plan.upsert_key}, which {description.name} records are matched on."
            )
            continue
        problems = send_problems(description, values, operation)
        if problems:
            plan.outcomes[entry.id] = _refused(problems)
        else:
            group.add(entry, record)
    return plan


def _sent(
    plan: _Plan,
    group: _Group,
    send: Callable[[Sequence[Any]], list[RecordResult]],
    on_success: Callable[[Entry, RecordResult], Outcome],
) -> dict[int, Outcome]:
    if not group.entries:
        return {}
    results = send(group.records)
    plan.field_refused = plan.field_refused or any(refuses_a_field(result.error) for result in results)
    return {
        entry.id: on_success(entry, result) if result.success else outcome_for(result.failure)
        for entry, result in zip(group.entries, results, strict=True)
    }


class AffiliateSync(RecordsOfTable):
    """The handler of the plugin's "affiliate" entries, and the source of its backfills."""

    table = Affiliate

    #: One Bulk job's worth: a backfill goes out in one job, a few affiliates in Collections.
    batch_size = BULK_BATCH_LIMIT

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin

    # -- NamesRecords --------------------------------------------------------

    def record_labels(self, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
        return affiliate_labels(record_ids)

    # -- FillsBatches --------------------------------------------------------

    def batch_wait(self) -> BatchWait | None:
        return plugin_batch_wait(self.plugin)

    # -- SyncHandler -------------------------------------------------------

    def _read(self, entries: Sequence[Entry]) -> tuple[dict[str, AffiliateSnapshot], dict[str, RecordLink]]:
        snapshots: dict[str, AffiliateSnapshot] = {}
        for ids in chunked((int(entry.record_id) for entry in entries), VALUES_PER_STATEMENT):
            affiliates = db.session.scalars(select(Affiliate).where(Affiliate.id.in_(ids)))
            snapshots.update({str(affiliate.id): AffiliateSnapshot.of(affiliate) for affiliate in affiliates})
        return snapshots, links_of([entry.record_id for entry in entries])

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        plugin = self.plugin
        sobject, external_id = destination_object(plugin), external_id_field(plugin)
        mapping = load_mapping(plugin, sobject)
        affiliates, links = self._read(entries)
        try:
            config = salesforce_config(plugin)
        except SalesforceError as error:
            return {entry.id: outcome_for(error) for entry in entries}
        # The library writes tokens and usage in transactions of its own while it
        # calls Salesforce. On SQLite a read transaction left open meanwhile would go
        # stale and could not write afterwards; so the reading ends here, nothing
        # touches the database during the calls, and the links are written after.
        db.session.commit()
        plan: _Plan | None = None
        try:
            with SalesforceClient(config) as client:
                description = Describer(client).describe(sobject)
                plan = _plan(external_id, entries, affiliates, links, description, mapping)
                outcomes = {**plan.outcomes, **self._send(client, plan)}
        except SalesforceError as error:
            outcomes = {entry.id: outcome_for(error) for entry in entries}
        if plan is not None:
            # Kept even when a later call of the batch failed: the retry then updates
            # the records already created instead of creating them twice.
            save_links(plan.new_links)
            forget_links(plan.gone)
        return outcomes

    def _send(self, client: SalesforceClient, plan: _Plan) -> dict[int, Outcome]:
        sobject = plan.sobject

        def linked(entry: Entry, result: RecordResult) -> Outcome:
            plan.new_links[entry.record_id] = RecordLink(sobject, str(result.id))
            verb = "Created" if result.created else "Updated"
            return Done(f"{verb} {sobject} {result.id}", external_id=result.id)

        def created(entry: Entry, result: RecordResult) -> Outcome:
            return linked(entry, RecordResult(result.id, True, True))

        def deleted(entry: Entry, result: RecordResult) -> Outcome:
            plan.gone.append(entry.record_id)
            return Done(f"Deleted {sobject} {result.id or ''}".strip())

        def delete_all(ids: Sequence[str]) -> list[RecordResult]:
            # A record already deleted in Salesforce is as good as deleted by us.
            return [
                RecordResult(result.id, True) if isinstance(result.error, RecordNotFound | EntityIsDeleted) else result
                for result in delete_records(client, ids, sobject)
            ]

        outcomes = _sent(plan, plan.updates, lambda records: update_many(client, sobject, records), linked)
        if plan.upsert_key:
            key = plan.upsert_key
            outcomes |= _sent(plan, plan.upserts, lambda records: upsert_many(client, sobject, key, records), linked)
        outcomes |= _sent(plan, plan.creates, lambda records: create_many(client, sobject, records), created)
        outcomes |= _sent(plan, plan.deletes, delete_all, deleted)
        if plan.field_refused:
            describe_again(client, sobject)
        return outcomes
