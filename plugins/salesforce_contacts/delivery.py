"""Delivering a batch of users to Salesforce in as few API calls as possible.

A lone change (a registration, a profile edit, an admin's tag change) goes out as
one Composite call: the record's upsert or update and its topic changes, topics the
org lacks upserted by name and referenced in the same request. A burst goes out as
one sObject Collections call per 200 records, then one Collections call per 200
topic assignments (and one per 200 removals). Lookups happen only where a choice
depends on the existing record: the "fill empty fields" and "link only" merge
strategies, and removing a topic whose assignment the site never saw.

Salesforce is called while this session holds no uncommitted writes; links and the
topic cache are written at the end and committed with the batch's outcomes.
"""

from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from host.api import (
    Channel,
    ConsentOrigin,
    Done,
    Entry,
    Failed,
    Outcome,
    PluginStore,
    RetryLater,
    User,
    UserSnapshot,
    db,
)
from plugins.salesforce_common import (
    CompositeRequest,
    ConfigurationError,
    Describer,
    EntityIsDeleted,
    InvalidObject,
    MultipleMatches,
    ObjectDescription,
    Operation,
    RecordNotFound,
    SalesforceClient,
    SalesforceError,
    create_records,
    delete_records,
    describe_again,
    refuses_a_field,
    update_records,
    validate_values,
)
from plugins.salesforce_common.composite import COMPOSITE_LIMIT
from plugins.salesforce_common.field_mapping import FieldMapping
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.record_loads import create_many, update_many, upsert_many
from plugins.salesforce_common.record_lookups import records_where_in
from plugins.salesforce_common.topics import (
    ASSIGNMENT,
    TOPIC,
    Topic,
    already_assigned,
    assign_topic,
    assignments_of,
    find_topics,
    unassign_topic,
    upsert_topic,
)
from plugins.salesforce_contacts.consent import (
    SALESFORCE,
    apply_opt_outs,
    marks_after_sending,
    opt_out_fields,
    opted_out,
)
from plugins.salesforce_contacts.links import Link, forget_links, load_links, save_links
from plugins.salesforce_contacts.mapping import outgoing_mapping
from plugins.salesforce_contacts.records import RecordValues, fill_only_empty, record_values
from plugins.salesforce_contacts.segmentation import TopicChanges, left_out_sentence, topic_changes
from plugins.salesforce_contacts.settings import Deletion, MergeStrategy, Options, Segmentation
from plugins.salesforce_contacts.site_users import field_value
from plugins.salesforce_contacts.topic_cache import TOPICS_KEY, TopicCache

#: Users read at a time: each is an ORM object with its tags until its values are
#: taken, several times their size, so a large batch reads them a few at a time.
_USERS_PER_QUERY = 1_000
#: Links written together when a batch is saved.
_LINKS_PER_SAVE = 1_000


@dataclass(slots=True)
class Item:
    """One user of the batch and what happened to them so far."""

    entry: Entry
    user_id: int
    #: The user's tags as read; the rest of the user is not kept, so a large batch stays small.
    tags: frozenset[str]
    record: RecordValues
    link: Link | None
    #: The consent marks once Salesforce holds the values sent.
    sent_marks: dict[str, str]
    salesforce_id: str | None = None
    created: bool = False
    linked_existing: bool = False
    skip_topics: bool = False
    #: Topics the site has assigned on the record: name to assignment id.
    assigned: dict[str, str | None] = field(default_factory=dict)
    topic_problems: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    drop_link: bool = False
    #: Whether Salesforce took the record's values (or, when only linking, the link).
    sent: bool = False
    #: Channels the matched existing record had opted out of.
    existing_opt_outs: AbstractSet[str] = frozenset()


def _not_there(error: SalesforceError | None) -> bool:
    return isinstance(error, RecordNotFound | EntityIsDeleted)


class BatchDelivery:
    """One handler call: read the users, send them, remember what Salesforce said."""

    def __init__(self, store: PluginStore, client: SalesforceClient, options: Options, entries: Sequence[Entry]):
        self.store = store
        self.client = client
        self.options = options
        self.entries = entries
        self.topics = TopicCache(store)
        self.items: list[Item] = []
        self.deleted: list[Entry] = []
        #: Links of the deleted users, read with the batch.
        self.deleted_links: dict[str, Link] = {}
        self.outcomes: dict[int, Outcome] = {}
        #: Whether Salesforce refused a record for a mapped field it no longer takes.
        self.field_refused = False

    @property
    def object_type(self) -> str:
        return self.options.object_type

    # -- reading -----------------------------------------------------------------

    @staticmethod
    def _users(entries: Sequence[Entry]) -> dict[str, UserSnapshot]:
        ids = [int(entry.record_id) for entry in entries if entry.record_id.isdigit()]
        query = select(User).where(User.id.in_(ids)).options(selectinload(User.tags))
        return {str(user.id): UserSnapshot.of(user) for user in db.session.scalars(query)}

    def description(self) -> ObjectDescription:
        try:
            return Describer(self.client).describe(self.object_type)
        except InvalidObject as error:
            # The setting names an object the org lacks: hold everything until fixed.
            raise ConfigurationError(str(error)) from error

    def _read(self) -> None:
        description = self.description()
        mapping = outgoing_mapping(self.store, self.object_type)
        consent_fields = opt_out_fields(self.options, description)
        for entries in chunked(self.entries, _USERS_PER_QUERY):
            self.read_users(entries, description, mapping, consent_fields)

    def read_users(
        self,
        entries: Sequence[Entry],
        description: ObjectDescription,
        mapping: FieldMapping,
        consent_fields: dict[Channel, str],
    ) -> None:
        users = self._users(entries)
        links = load_links([entry.record_id for entry in entries])
        for entry in entries:
            user = users.get(entry.record_id)
            if user is None:
                self.deleted.append(entry)
                if entry.record_id in links:
                    self.deleted_links[entry.record_id] = links[entry.record_id]
                continue
            link = links.get(entry.record_id)
            if link is not None and link.object_type.lower() != self.object_type.lower():
                link = None
            values = record_values(
                user,
                self.options,
                mapping,
                description,
                creating=link is None,
                consent_marks=link.consent if link is not None else None,
                consent_fields=consent_fields,
            )
            sent_marks = marks_after_sending(user, consent_fields, values.opt_outs)
            item = Item(entry, user.id, user.tags, values, link, sent_marks)
            if link is not None:
                item.salesforce_id = link.salesforce_id
                item.assigned = dict(link.topics)
            operation = Operation.UPDATE if link else Operation.UPSERT
            problems = validate_values(description, item.record.values, operation, record_kind="user")
            if problems:
                item.outcome = Failed(" ".join(str(problem) for problem in problems))
            self.items.append(item)

    # -- the whole batch -----------------------------------------------------------

    def run(self) -> dict[int, Outcome]:
        self._read()
        # End the read transaction: the library commits tokens and usage from its own
        # sessions meanwhile, and SQLite refuses a write from a transaction that
        # started before those commits.
        db.session.commit()
        pending = [item for item in self.items if item.outcome is None]
        if len(pending) == 1 and not self.deleted and self._fits_one_call(pending[0]):
            self._send_one(pending[0])
            if self.options.segmentation is Segmentation.TOPICS:
                self._remove_unknown_assignments([item for item in pending if item.outcome is None])
        elif pending:
            self._send_records(pending)
            self.send_topics(pending)
        self._delete(self.deleted)
        if self.field_refused:
            describe_again(self.client, self.object_type)
        for item in self.items:
            self.outcomes[item.entry.id] = item.outcome or self.done_outcome(item)
        return self.outcomes

    def save(self) -> None:
        """Write what was learned, in the current session (committed with the outcomes)."""
        # Lock the topic cache before reading it, so concurrent batches apply one after another.
        self.store.lock(TOPICS_KEY)
        dropped: list[int | str] = [entry.record_id for entry in self.deleted]
        # A chunk of links at a time, so a large batch never holds all its links' rows at once.
        for items in chunked(self.items, _LINKS_PER_SAVE):
            links: dict[int | str, Link] = {}
            for item in items:
                if item.drop_link:
                    dropped.append(item.user_id)
                elif item.salesforce_id:
                    marks = dict(item.link.consent) if item.link is not None else {}
                    if item.sent:
                        marks |= self._consent_marks(item)
                    links[item.user_id] = Link(
                        item.salesforce_id, self.object_type, self.client.instance_url, item.assigned, marks
                    )
            save_links(links)
        forget_links(dropped)
        self.topics.save()

    def _consent_marks(self, item: Item) -> dict[str, str]:
        """What the record now holds of the site's consents.

        Linked to an existing record without overwriting it, the record's opt-outs
        stand and the site takes them; both then hold the site's current choices.
        """
        fields = item.record.consent_fields
        if not item.linked_existing:
            return item.sent_marks
        user = db.session.get(User, item.user_id)
        if user is None:
            return {}
        origin = ConsentOrigin(
            SALESFORCE, note=f"{self.object_type} {item.salesforce_id} had opted out when the user was linked to it"
        )
        apply_opt_outs(user, {channel: True for channel in item.existing_opt_outs}, origin)
        return marks_after_sending(user, fields, fields.values())

    def done_outcome(self, item: Item) -> Outcome:
        if item.linked_existing and item.skip_topics:
            verb = "Linked to the existing"
        elif item.linked_existing:
            verb = "Filled empty fields of the existing"
        else:
            verb = "Created" if item.created else "Updated"
        message = f"{verb} {self.object_type} {item.salesforce_id}"
        if item.record.left_out_tags and not (item.linked_existing and item.skip_topics):
            message += f"; {left_out_sentence(item.record.left_out_tags, self.options.segmentation_field)}"
        else:
            message += "."
        if item.topic_problems:
            return Failed(f"{message} Topics not changed: {' '.join(item.topic_problems)}")
        return Done(message, external_id=item.salesforce_id)

    def topic_changes_of(self, item: Item) -> TopicChanges:
        if self.options.segmentation is not Segmentation.TOPICS or item.skip_topics:
            return TopicChanges((), {})
        return topic_changes(item.tags, item.assigned)

    def record_failed(self, item: Item, error: SalesforceError | None) -> None:
        if item.link is not None and _not_there(error):
            item.drop_link = True
            item.salesforce_id = None
            item.outcome = RetryLater(
                f"The linked {self.object_type} was deleted in Salesforce; the user will be matched again."
            )
        elif error is not None:
            item.outcome = outcome_for(error)
            self.field_refused = self.field_refused or refuses_a_field(error)
        else:
            item.outcome = RetryLater("Salesforce gave no result for this record.")

    # -- one user, one call ------------------------------------------------------

    def _fits_one_call(self, item: Item) -> bool:
        if item.link is None and self.options.merge_strategy is not MergeStrategy.OVERWRITE:
            return False
        changes = self.topic_changes_of(item)
        calls = 1 + sum(1 if self.topics.get(name) else 2 for name in changes.add)
        calls += sum(1 for assignment_id in changes.remove.values() if assignment_id)
        return calls <= COMPOSITE_LIMIT

    def _send_one(self, item: Item) -> None:
        composite = CompositeRequest(self.client)
        values = item.record.values
        if item.link is not None:
            entity = item.link.salesforce_id
            path = f"sobjects/{self.object_type}/{entity}"
            composite.add("PATCH", path, body=values, reference_id="record", sobject=self.object_type)
        else:
            record = item.record
            entity = composite.upsert(
                self.object_type, record.key_field, record.key_value, values, reference_id="record"
            ).id
        changes = self.topic_changes_of(item)
        for index, name in enumerate(changes.add):
            known = self.topics.get(name)
            topic_id = known.id if known else upsert_topic(composite, name, reference_id=f"topic{index}").id
            assign_topic(composite, topic_id, entity, reference_id=f"assign{index}")
        removals = [(name, assignment) for name, assignment in changes.remove.items() if assignment]
        for index, (_name, assignment_id) in enumerate(removals):
            unassign_topic(composite, assignment_id, reference_id=f"unassign{index}")

        answers = composite.send()
        record_answer = answers["record"]
        if not record_answer.ok:
            self.record_failed(item, record_answer.error)
            return
        item.sent = True
        if item.link is None:
            item.salesforce_id = record_answer.body["id"]
            item.created = record_answer.status == 201
        for index, name in enumerate(changes.add):
            topic_answer = answers.get(f"topic{index}")
            if topic_answer is not None and topic_answer.ok:
                self.topics.learn([Topic(topic_answer.body["id"], name)])
            self._assigned(item, name, answers[f"assign{index}"].body, answers[f"assign{index}"].error)
        for index, (name, _assignment_id) in enumerate(removals):
            self._unassigned(item, name, answers[f"unassign{index}"].error)

    def _assigned(self, item: Item, name: str, body: Any, error: SalesforceError | None) -> None:
        if error is None:
            item.assigned[name] = body["id"]
        elif already_assigned(error):
            item.assigned[name] = None
        else:
            item.topic_problems.append(f'"{name}": {error}')

    def _unassigned(self, item: Item, name: str, error: SalesforceError | None) -> None:
        if error is None or _not_there(error):
            item.assigned.pop(name, None)
        else:
            item.topic_problems.append(f'removing "{name}": {error}')

    # -- a burst: Collections --------------------------------------------------

    def _existing(self, items: Sequence[Item]) -> dict[str, list[dict[str, Any]]]:
        """Records already matching the users' keys, by folded key value."""
        key_field = self.options.match_field
        fields = {"Id", key_field} | {
            name for item in items for name in [*item.record.values, *item.record.consent_fields.values()]
        }
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        keys = sorted({item.record.key_value for item in items})
        for record in records_where_in(self.client, self.object_type, sorted(fields), key_field, keys):
            found[str(record.get(key_field) or "").casefold()].append(record)
        return found

    def _send_records(self, items: Sequence[Item]) -> None:
        to_upsert = [item for item in items if item.link is None]
        to_update: list[tuple[Item, dict[str, Any]]] = [
            (item, {"Id": item.link.salesforce_id, **item.record.values}) for item in items if item.link is not None
        ]
        if to_upsert and self.options.merge_strategy is not MergeStrategy.OVERWRITE:
            to_upsert, merged = self._match_existing(to_upsert)
            to_update += merged
        if to_upsert:
            results = upsert_many(
                self.client, self.object_type, self.options.match_field, [item.record.values for item in to_upsert]
            )
            for item, result in zip(to_upsert, results, strict=True):
                if result.success:
                    item.salesforce_id, item.created, item.sent = result.id, bool(result.created), True
                else:
                    self.record_failed(item, result.error)
        if to_update:
            results = update_many(self.client, self.object_type, [body for _item, body in to_update])
            for (item, _body), result in zip(to_update, results, strict=True):
                if result.success:
                    item.sent = True
                else:
                    self.record_failed(item, result.error)

    def _match_existing(self, items: Sequence[Item]) -> tuple[list[Item], list[tuple[Item, dict[str, Any]]]]:
        """Link users to the records that already match them, as the merge strategy says.

        :return: users with no match (to create), and updates for matched ones.
        """
        existing = self._existing(items)
        to_create: list[Item] = []
        updates: list[tuple[Item, dict[str, Any]]] = []
        for item in items:
            matches = existing.get(item.record.key_value.casefold(), [])
            if len(matches) > 1:
                error = MultipleMatches(
                    matching_ids=[match["Id"] for match in matches],
                    fields=[self.options.match_field],
                    context=self.client.context(self.object_type),
                )
                item.outcome = Failed(str(error))
            elif not matches:
                to_create.append(item)
            else:
                item.salesforce_id, item.linked_existing = matches[0]["Id"], True
                item.existing_opt_outs = {
                    channel.value
                    for channel, name in item.record.consent_fields.items()
                    if opted_out(field_value(matches[0], name))
                }
                if self.options.merge_strategy is MergeStrategy.LINK_ONLY:
                    item.skip_topics = item.sent = True
                elif filled := fill_only_empty(item.record, matches[0]):
                    updates.append((item, {"Id": item.salesforce_id, **filled}))
                else:
                    item.sent = True
        return to_create, updates

    def send_topics(self, items: Sequence[Item]) -> None:
        """Send the topic changes of the users among ``items`` whose records Salesforce took."""
        if self.options.segmentation is not Segmentation.TOPICS:
            return
        sent = [item for item in items if item.outcome is None]
        self._send_topics([item for item in sent if not item.skip_topics])
        self._remove_unknown_assignments(sent)

    def _send_topics(self, items: Sequence[Item]) -> None:
        changes = {id(item): self.topic_changes_of(item) for item in items}
        wanted = {name for item in items for name in changes[id(item)].add}
        self.ensure_topics(wanted)
        additions = [
            (item, name, topic)
            for item in items
            for name in changes[id(item)].add
            if (topic := self.topics.get(name)) is not None
        ]
        for item in items:
            for name in changes[id(item)].add:
                if self.topics.get(name) is None:
                    item.topic_problems.append(f'"{name}": Salesforce did not create this topic.')
        if additions:
            bodies = [{"TopicId": topic.id, "EntityId": item.salesforce_id} for item, _name, topic in additions]
            for (item, name, _topic), result in zip(
                additions, create_many(self.client, ASSIGNMENT, bodies), strict=True
            ):
                self._assigned(item, name, {"id": result.id}, None if result.success else result.error)
        removals = [
            (item, name, assignment_id)
            for item in items
            for name, assignment_id in changes[id(item)].remove.items()
            if assignment_id
        ]
        if removals:
            ids = [assignment_id for _item, _name, assignment_id in removals]
            for (item, name, _id), result in zip(removals, delete_records(self.client, ids, ASSIGNMENT), strict=True):
                self._unassigned(item, name, None if result.success else result.error)

    def ensure_topics(self, names: set[str]) -> None:
        """Know the id of every topic in ``names``, creating those the org lacks."""
        unknown = {name for name in names if self.topics.get(name) is None}
        if not unknown:
            return
        self.topics.learn(find_topics(self.client, unknown))
        missing = sorted(name for name in unknown if self.topics.get(name) is None)
        if missing:
            results = create_records(self.client, TOPIC, [{"Name": name} for name in missing])
            self.topics.learn(
                Topic(result.id, name) for name, result in zip(missing, results, strict=True) if result.id is not None
            )

    def _remove_unknown_assignments(self, items: Sequence[Item]) -> None:
        """Remove topics whose assignment id the site never learned: one lookup, one delete."""
        wanted = [
            (item, name)
            for item in items
            for name, assignment in self.topic_changes_of(item).remove.items()
            if assignment is None and item.salesforce_id
        ]
        if not wanted:
            return
        self.ensure_topics({name for _item, name in wanted})
        entity_ids = sorted({item.salesforce_id for item, _name in wanted if item.salesforce_id})
        by_pair = {(a.entity_id, a.topic_id): a.id for a in assignments_of(self.client, entity_ids)}
        to_delete: list[tuple[Item, str, str]] = []
        for item, name in wanted:
            topic = self.topics.get(name)
            assignment_id = by_pair.get((item.salesforce_id or "", topic.id)) if topic else None
            if assignment_id is None:
                item.assigned.pop(name, None)
            else:
                to_delete.append((item, name, assignment_id))
        if to_delete:
            results = delete_records(self.client, [assignment_id for _i, _n, assignment_id in to_delete], ASSIGNMENT)
            for (item, name, _id), result in zip(to_delete, results, strict=True):
                self._unassigned(item, name, None if result.success else result.error)

    # -- deleted users -------------------------------------------------------------

    def _deleted_record(self, entry: Entry) -> tuple[str, str] | None:
        """The object type and id of a deleted user's record, if they reached Salesforce.

        The payload names the record the user was linked to when deleted. A user
        deleted while their first delivery was in flight had no link then; that
        delivery has stored one since, read with this batch.
        """
        payload = entry.payload or {}
        if payload.get("salesforce_id"):
            return str(payload.get("object_type") or self.object_type), str(payload["salesforce_id"])
        link = self.deleted_links.get(entry.record_id)
        return (link.object_type, link.salesforce_id) if link is not None else None

    def _delete(self, entries: Sequence[Entry]) -> None:
        by_object: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
        for entry in entries:
            if self.options.deletion is Deletion.NOTHING:
                self.outcomes[entry.id] = Done("The user was deleted; the Salesforce record was left as it is.")
            elif (record := self._deleted_record(entry)) is None:
                self.outcomes[entry.id] = Done("The user was deleted before reaching Salesforce.")
            else:
                object_type, salesforce_id = record
                by_object[object_type].append((entry, salesforce_id))
        if by_object and self.options.deletion is Deletion.SET_FIELD and not self.options.deletion_field:
            raise ConfigurationError("Name the field to set on deleted users' records in the plugin's settings.")
        for object_type, pairs in by_object.items():
            ids = [salesforce_id for _entry, salesforce_id in pairs]
            if self.options.deletion is Deletion.DELETE:
                results = delete_records(self.client, ids, object_type)
                verb = "Deleted"
            else:
                values = {self.options.deletion_field: self.options.deletion_value}
                results = update_records(self.client, object_type, [{"Id": id_, **values} for id_ in ids])
                verb = f"Set {self.options.deletion_field} on"
            for (entry, salesforce_id), result in zip(pairs, results, strict=True):
                if result.success or _not_there(result.error):
                    self.outcomes[entry.id] = Done(f"{verb} {object_type} {salesforce_id}.", external_id=salesforce_id)
                else:
                    self.outcomes[entry.id] = outcome_for(result.error) if result.error else RetryLater("No result.")
