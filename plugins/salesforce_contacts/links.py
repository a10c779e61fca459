"""Which Salesforce record each user is linked to, and which topics the site assigned.

Kept in the plugin's store, one value per user (``link.<user id>``), so the next
sync updates the record by Id (an email change cannot break the match) and changes
only the topics that changed. Assignment ids are kept so removing a topic is one
delete, not a lookup and a delete; an id is None when Salesforce already had the
assignment and did not say which it was. A reverse entry (``record.<Salesforce id>``)
finds the user a notification from Salesforce is about. Per consent channel, the
link also keeps the time of the site's choice the record is known to hold (see
:mod:`plugins.salesforce_contacts.consent`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from host.api import PluginStore
from plugins.salesforce_common.links import record_url

PREFIX = "link."
RECORD_PREFIX = "record."


def _topics(stored: object) -> dict[str, str | None]:
    """The stored topic assignments, as written by :meth:`Link.to_json`."""
    if not isinstance(stored, dict):
        return {}
    return {str(name): None if assignment is None else str(assignment) for name, assignment in stored.items()}


def _consent(stored: object) -> dict[str, str]:
    return {str(channel): str(at) for channel, at in stored.items()} if isinstance(stored, dict) else {}


@dataclass
class Link:
    salesforce_id: str
    object_type: str
    instance_url: str = ""
    #: Topic name (as the site spells it) to its TopicAssignment id, if known.
    topics: dict[str, str | None] = field(default_factory=dict)
    #: Consent channel to the ISO time of the choice the record holds.
    consent: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "salesforce_id": self.salesforce_id,
            "object_type": self.object_type,
            "instance_url": self.instance_url,
            "topics": self.topics,
            "consent": self.consent,
        }

    @classmethod
    def from_json(cls, stored: dict[str, object]) -> "Link":
        return cls(
            salesforce_id=str(stored["salesforce_id"]),
            object_type=str(stored["object_type"]),
            instance_url=str(stored.get("instance_url") or ""),
            topics=_topics(stored.get("topics")),
            consent=_consent(stored.get("consent")),
        )

    @property
    def record_url(self) -> str:
        """The record in Lightning Experience."""
        return record_url(self.instance_url, self.object_type, self.salesforce_id)


def key(user_id: int | str) -> str:
    return f"{PREFIX}{user_id}"


def load_links(store: PluginStore, user_ids: Iterable[int | str]) -> dict[str, Link]:
    """The links of many users in one query, by user id (as a string)."""
    stored = store.get_many(key(user_id) for user_id in user_ids)
    return {row_key.removeprefix(PREFIX): Link.from_json(value) for row_key, value in stored.items() if value}


def load_link(store: PluginStore, user_id: int | str) -> Link | None:
    stored = store.get(key(user_id))
    return Link.from_json(stored) if stored else None


def save_link(store: PluginStore, user_id: int | str, link: Link) -> None:
    save_links(store, {user_id: link})


def save_links(store: PluginStore, links: Mapping[int | str, Link]) -> None:
    """Store many users' links (and their reverse entries) together: a batch's worth."""
    values: dict[str, object] = {}
    for user_id, link in links.items():
        values[key(user_id)] = link.to_json()
        values[f"{RECORD_PREFIX}{link.salesforce_id}"] = str(user_id)
    store.set_many(values)


def forget_link(store: PluginStore, user_id: int | str) -> None:
    link = load_link(store, user_id)
    if link is not None:
        store.delete(f"{RECORD_PREFIX}{link.salesforce_id}")
    store.delete(key(user_id))


def linked_user_id(store: PluginStore, salesforce_id: str) -> int | None:
    """The user linked to the record ``salesforce_id``, if their link still says so."""
    user_id = store.get(f"{RECORD_PREFIX}{salesforce_id}")
    if user_id is None:
        return None
    link = load_link(store, user_id)
    return int(user_id) if link is not None and link.salesforce_id == salesforce_id else None
