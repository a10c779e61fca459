"""Topics and TopicAssignments: Salesforce's tags on records.

A Topic is matched by ``Name`` (an idLookup field), so a Composite request can
upsert a topic by name and assign it through a reference in the same call: a topic
the org lacks is created on the way, at no extra call. TopicAssignment has no update
or upsert; assigning a topic twice answers ``DUPLICATE_VALUE``, which callers treat
as "already assigned".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from more_itertools import chunked

from plugins.salesforce_common.client import SalesforceClient
from plugins.salesforce_common.composite import CompositeRequest, Reference
from plugins.salesforce_common.errors import DuplicateValue, InvalidObject, SalesforceError
from plugins.salesforce_common.soql import quote

TOPIC = "Topic"
ASSIGNMENT = "TopicAssignment"
#: Names per ``IN (...)`` list, keeping the query's URL short.
_NAMES_PER_QUERY = 100


@dataclass(frozen=True)
class Topic:
    id: str
    name: str


@dataclass(frozen=True)
class Assignment:
    id: str
    entity_id: str
    topic_id: str


def already_assigned(error: SalesforceError | None) -> bool:
    """Whether an assignment failed only because the record already has the topic."""
    return isinstance(error, DuplicateValue)


def list_topics(client: SalesforceClient) -> list[Topic]:
    """Every topic of the org; none where the org has Topics turned off."""
    try:
        records = client.query("SELECT Id, Name FROM Topic ORDER BY Name")
    except InvalidObject:
        return []
    return [Topic(record["Id"], record["Name"]) for record in records]


def find_topics(client: SalesforceClient, names: Iterable[str]) -> list[Topic]:
    """The topics called any of ``names`` (Salesforce compares names case-insensitively)."""
    wanted = sorted(set(names))
    found: list[Topic] = []
    for chunk in chunked(wanted, _NAMES_PER_QUERY):
        records = client.query(f"SELECT Id, Name FROM Topic WHERE Name IN {quote(chunk)}")
        found.extend(Topic(record["Id"], record["Name"]) for record in records)
    return found


def assignments_of(client: SalesforceClient, entity_ids: Sequence[str]) -> list[Assignment]:
    """The topic assignments of the given records."""
    if not entity_ids:
        return []
    records = client.query(
        f"SELECT Id, EntityId, TopicId FROM TopicAssignment WHERE EntityId IN {quote(list(entity_ids))}"
    )
    return [Assignment(record["Id"], record["EntityId"], record["TopicId"]) for record in records]


def upsert_topic(composite: CompositeRequest, name: str, *, reference_id: str) -> Reference:
    """Add "the topic called ``name``, created if missing" to a Composite request."""
    return composite.upsert(TOPIC, "Name", name, {}, reference_id=reference_id)


def assign_topic(composite: CompositeRequest, topic_id: str, entity_id: str, *, reference_id: str) -> Reference:
    """Add an assignment; either id may be a reference (``Reference.id``)."""
    return composite.create(ASSIGNMENT, {"TopicId": topic_id, "EntityId": entity_id}, reference_id=reference_id)


def unassign_topic(composite: CompositeRequest, assignment_id: str, *, reference_id: str) -> Reference:
    return composite.add(
        "DELETE", f"sobjects/{ASSIGNMENT}/{assignment_id}", reference_id=reference_id, sobject=ASSIGNMENT
    )
