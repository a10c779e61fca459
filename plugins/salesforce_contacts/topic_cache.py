"""The org's topics by name, so assigning a known topic needs no lookup.

Filled by "Refresh available topics & fields" and by every topic a sync learns of;
a stale entry costs nothing worse than Salesforce answering that the topic is
already there.
"""

from collections.abc import Iterable
from typing import Any

from host.api import PluginStore
from plugins.salesforce_common.topics import Topic

TOPICS_KEY = "contacts.topics"


def _topics(stored: dict[str, Any] | None) -> dict[str, Topic]:
    return {folded: Topic(entry["id"], entry["name"]) for folded, entry in (stored or {}).items()}


class TopicCache:
    def __init__(self, store: PluginStore) -> None:
        self.store = store
        self._topics = _topics(store.get(TOPICS_KEY))
        #: Topics learned since the cache was read, by folded name: all a sync adds.
        self._learned: dict[str, Topic] = {}
        self._replaced = False

    def get(self, name: str) -> Topic | None:
        return self._topics.get(name.casefold())

    def names(self) -> list[str]:
        return sorted((topic.name for topic in self._topics.values()), key=str.casefold)

    def learn(self, topics: Iterable[Topic]) -> None:
        for topic in topics:
            folded = topic.name.casefold()
            if self._topics.get(folded) != topic:
                self._topics[folded] = self._learned[folded] = topic

    def replace(self, topics: Iterable[Topic]) -> None:
        self._topics = {topic.name.casefold(): topic for topic in topics}
        self._learned = {}
        self._replaced = True

    def save(self) -> None:
        """Write the cache in the current session, if it changed.

        A replacement is the org's whole list and is written as it is. Learned topics
        are added to the cache as stored now, read under lock: a refresh or another
        batch may have written it since this one was read, and writing back the old
        copy would lose their topics and bring back the ones a refresh dropped.
        """
        if self._replaced:
            topics = self._topics
        elif self._learned:
            topics = self._stored_now() | self._learned
        else:
            return
        self.store.set(TOPICS_KEY, {folded: {"id": topic.id, "name": topic.name} for folded, topic in topics.items()})
        self._topics = dict(topics)
        self._learned, self._replaced = {}, False

    def _stored_now(self) -> dict[str, Topic]:
        return _topics(self.store.get_locked(TOPICS_KEY))
