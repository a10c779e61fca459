"""Applying received notifications to site users: the sync queue's handler for them.

Salesforce sends each record's fields as they are when the message goes out, but
not its topics, so the topics of a batch's records are read in one query at apply
time. Order is not guaranteed and a local edit may be newer than the notification,
so each user keeps the ``LastModifiedDate`` last applied, when that was, and the
field values Salesforce last sent: an older notification changes nothing, neither
does one older than a later local edit, and a field only counts as changed in
Salesforce when its value differs from the one last sent (a notification fired by
the site's own update of other fields carries old values with a new date). Tags are
left alone while a local change to the user still waits to reach Salesforce.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from host.api import (
    FIELD_OF,
    Channel,
    ConsentOrigin,
    Done,
    Entry,
    Failed,
    InvalidValue,
    Outcome,
    User,
    as_utc,
    change_tags,
    create_tag,
    db,
    find_tag,
    record_status,
    update_user,
)
from plugins.salesforce_common import SalesforceClient, SalesforceError, quote
from plugins.salesforce_common.queue_outcomes import outcome_for
from plugins.salesforce_common.topics import Topic, assignments_of
from plugins.salesforce_contacts.consent import (
    SALESFORCE,
    Marks,
    apply_opt_outs,
    incoming_opt_outs,
    marks_after_sending,
    opt_out_fields,
    record_consents,
)
from plugins.salesforce_contacts.handler import KIND as USER_KIND
from plugins.salesforce_contacts.inbound.echo import from_salesforce
from plugins.salesforce_contacts.inbound.endpoints import Action
from plugins.salesforce_contacts.inbound.soap import MAX_NOTIFICATIONS, Notification
from plugins.salesforce_contacts.links import load_link
from plugins.salesforce_contacts.mapping import incoming_mapping
from plugins.salesforce_contacts.settings import Options, Segmentation, salesforce_config
from plugins.salesforce_contacts.site_users import (
    create_user,
    field_value,
    find_user,
    incoming_values,
    link_user,
)
from plugins.salesforce_contacts.topic_cache import TOPICS_KEY, TopicCache
from plugins.salesforce_contacts.user_fields import profile_values

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

log = logging.getLogger(__name__)

STATE_PREFIX = "inbound.state."
STAMP_FIELDS = ("LastModifiedDate", "SystemModstamp")
#: Topic assignments of each record: topic name to assignment id.
RecordTopics = dict[str, dict[str, str | None]]


@dataclass(frozen=True)
class Received:
    entry: Entry
    action: Action
    notification: Notification

    @property
    def stamp(self) -> datetime | None:
        for name in STAMP_FIELDS:
            if value := field_value(self.notification.fields, name):
                return parse_salesforce_datetime(str(value))
        return None


def parse_salesforce_datetime(text: str) -> datetime | None:
    """``2024-01-01T10:00:00.000Z`` or ``...+0000`` as an aware datetime."""
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _pending_outbound(plugin: str, user_id: int) -> bool:
    status = record_status(plugin, USER_KIND, str(user_id))
    return status is not None and status.state in ("pending", "in_flight", "retrying")


def read_topics(client: SalesforceClient, cache: TopicCache, record_ids: Sequence[str]) -> RecordTopics:
    """The current topics of each record, names learned from the cache or one query."""
    assignments = assignments_of(client, list(record_ids))
    names = {topic.id: topic.name for name in cache.names() if (topic := cache.get(name))}
    unknown = sorted({a.topic_id for a in assignments} - names.keys())
    if unknown:
        found = [
            Topic(r["Id"], r["Name"]) for r in client.query(f"SELECT Id, Name FROM Topic WHERE Id IN {quote(unknown)}")
        ]
        cache.learn(found)
        names |= {topic.id: topic.name for topic in found}
    topics: RecordTopics = {record_id: {} for record_id in record_ids}
    for assignment in assignments:
        if assignment.topic_id in names:
            topics.setdefault(assignment.entity_id, {})[names[assignment.topic_id]] = assignment.id
    return topics


class InboundHandler:
    """Applies notifications; one Salesforce query per batch, for the records' topics."""

    batch_size = MAX_NOTIFICATIONS

    def __init__(self, plugin: "SalesforceContactsPlugin") -> None:
        self.plugin = plugin

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        received = [
            Received(entry, Action(entry.payload["action"]), Notification.from_json(entry.payload["notification"]))
            for entry in entries
            if entry.payload
        ]
        options = Options.of(self.plugin.settings)
        cache = TopicCache(self.plugin.store)
        topics: RecordTopics | None = None
        if options.segmentation is Segmentation.TOPICS and received:
            config = salesforce_config(self.plugin.settings, self.plugin.store)
            db.session.commit()
            try:
                with SalesforceClient(config) as client:
                    topics = read_topics(client, cache, sorted({r.notification.record_id for r in received}))
            except SalesforceError as error:
                return {entry.id: outcome_for(error) for entry in entries}
        # Lock the topic cache before reading users, so concurrent deliveries apply one after another.
        self.plugin.store.lock(TOPICS_KEY)
        applier = Applier(self.plugin, options, topics)
        outcomes: dict[int, Outcome] = {
            entry.id: Failed("The queued notification lost its content.") for entry in entries if not entry.payload
        }
        oldest_first = sorted(received, key=lambda r: r.stamp or datetime.min.replace(tzinfo=UTC))
        for item in oldest_first:
            outcomes[item.entry.id] = _apply_one(applier, item)
        cache.save()
        return outcomes


def _apply_one(applier: "Applier", item: Received) -> Outcome:
    """Apply one notification in a savepoint: one that cannot be applied fails alone,
    rather than failing, and retrying until dead, the up to 100 others of its batch."""
    record = f"{item.notification.sobject} {item.notification.record_id}"
    try:
        with db.session.begin_nested():
            return applier.apply(item)
    except InvalidValue as error:
        return Failed(f"{record} could not be applied: {error.message}")
    except Exception:
        log.exception("Salesforce notification %s (%s) could not be applied", item.notification.id, record)
        return Failed(
            f"{record} could not be applied because of an unexpected error on the site; "
            f"the site's log has the details under notification {item.notification.id}."
        )


class Applier:
    def __init__(self, plugin: "SalesforceContactsPlugin", options: Options, topics: RecordTopics | None) -> None:
        self.plugin = plugin
        self.store = plugin.store
        self.options = options
        self.topics = topics
        self.mapping = incoming_mapping(plugin.store, options.object_type)
        self.consent_fields = opt_out_fields(options, None)

    def apply(self, item: Received) -> Outcome:
        notification = item.notification
        record = f"{notification.sobject or self.options.object_type} {notification.record_id}"
        if notification.sobject and notification.sobject.casefold() != self.options.object_type.casefold():
            return Done(f"Skipped {record}: users sync to {self.options.object_type}.")
        user = find_user(self.options, notification.record_id, notification.fields)
        created = False
        if user is None:
            if item.action is not Action.ADD:
                return Done(f"Skipped {record}: no site user matches it.")
            if not field_value(notification.fields, "Email"):
                return Failed(f"{record} has no Email in the message; add the Email field to the outbound message.")
            user = create_user(
                self.store,
                notification.fields,
                self.mapping,
                record_consents(self.consent_fields, notification.fields),
                self._origin(item, record),
            )
            created = True
        link = load_link(user.id)
        if link is not None and link.salesforce_id != notification.record_id:
            return Done(f"Skipped {record}: {user.email} is linked to {link.object_type} {link.salesforce_id}.")

        done: list[str] = ["Created the user" if created else ""]
        stamp = item.stamp
        stored = self.store.get(f"{STATE_PREFIX}{user.id}") or {}
        last_applied = parse_salesforce_datetime(stored["salesforce"]) if stored.get("salesforce") else None
        if stamp is not None and last_applied is not None and stamp < last_applied:
            return Done(f"Skipped {record}: a newer change from Salesforce was already applied.")
        local_edit = as_utc(user.updated_at)
        locally_changed = not stored.get("applied_at") or local_edit > datetime.fromisoformat(stored["applied_at"])
        known = dict(stored.get("values") or {})
        watched = [*self.mapping, *self.consent_fields.values()]
        sent = {name: value for name in watched if (value := field_value(notification.fields, name)) is not None}
        changed = {name: value for name, value in sent.items() if known.get(name) != value}
        if item.action is not Action.UPDATE_TAGS and not created:
            if stamp is not None and locally_changed and local_edit > stamp:
                done.append("fields kept: the site's change is newer")
            else:
                done.append(self._fields(user, changed))
        marks = self._consents(user, item, record, known, created)
        if marks and not created:
            done.append(
                "; ".join(
                    f"{Channel(channel).label.lower()} consent {'given' if getattr(user, FIELD_OF[Channel(channel)]) else 'withdrawn'}"
                    for channel in sorted(marks)
                )
            )
        record_topics = None if self.topics is None else self.topics.get(notification.record_id, {})
        if _pending_outbound(self.plugin.name, user.id) and not created:
            done.append("tags kept: the site's change is on its way to Salesforce")
        else:
            done.append(self._tags(user, notification.fields, record_topics))
        link_user(self.store, user, notification.record_id, self.options.object_type, record_topics, marks)
        db.session.flush()
        newest = max(filter(None, (stamp, last_applied)), default=None)
        self.store.set(
            f"{STATE_PREFIX}{user.id}",
            {
                "salesforce": newest.isoformat() if newest else None,
                "applied_at": as_utc(user.updated_at).isoformat(),
                "values": known | sent,
            },
        )
        summary = "; ".join(part for part in done if part) or "Nothing changed"
        return Done(f"{summary} ({record} → user {user.id}).", external_id=notification.record_id)

    def _origin(self, item: Received, record: str) -> ConsentOrigin:
        """Choices made in Salesforce, at the time Salesforce changed the record."""
        if item.stamp is None:
            return ConsentOrigin(SALESFORCE, note=f"{record} changed in Salesforce (time not in the message)")
        return ConsentOrigin(SALESFORCE, at=item.stamp, note=f"{record} changed in Salesforce")

    def _consents(self, user: User, item: Received, record: str, known: Mapping[str, Any], created: bool) -> Marks:
        """Take the opt-outs that changed in Salesforce; the marks of the channels now agreed."""
        if created:
            return marks_after_sending(user, self.consent_fields, self.consent_fields.values())
        changes = incoming_opt_outs(self.consent_fields, item.notification.fields, known)
        applied = apply_opt_outs(user, changes, self._origin(item, record))
        channels = {channel: name for channel, name in self.consent_fields.items() if FIELD_OF[channel] in applied}
        return marks_after_sending(user, channels, channels.values())

    def _fields(self, user: User, fields: Mapping[str, Any]) -> str:
        values = profile_values(incoming_values(fields, self.mapping))
        if not values:
            return ""
        with from_salesforce():
            changes = update_user(user, values)
        return f"updated {', '.join(sorted(changes))}" if changes else ""

    def _salesforce_tags(
        self, fields: Mapping[str, Any], record_topics: dict[str, str | None] | None
    ) -> set[str] | None:
        if self.options.segmentation is Segmentation.TOPICS:
            return None if record_topics is None else set(record_topics)
        if self.options.segmentation in (Segmentation.MULTIPICKLIST, Segmentation.PICKLIST):
            value = field_value(fields, self.options.segmentation_field) if self.options.segmentation_field else None
            return None if value is None else {part.strip() for part in str(value).split(";") if part.strip()}
        return None

    def _tags(self, user: User, fields: Mapping[str, Any], record_topics: dict[str, str | None] | None) -> str:
        wanted = self._salesforce_tags(fields, record_topics)
        if wanted is None:
            return ""
        have = {tag.name.casefold(): tag for tag in user.tags}
        folded = {name.casefold(): name for name in wanted}
        add = [find_tag(folded[name]) or create_tag(folded[name]) for name in folded.keys() - have.keys()]
        # A single picklist holds one of the user's tags, so it says nothing of the others.
        remove = (
            []
            if self.options.segmentation is Segmentation.PICKLIST
            else [have[name] for name in have.keys() - folded.keys()]
        )
        if not add and not remove:
            return ""
        with from_salesforce():
            change_tags([user], add=add, remove=remove)
        parts = [f"+{tag.name}" for tag in add] + [f"-{tag.name}" for tag in remove]
        return f"tags {' '.join(sorted(parts))}"
