"""The org's topics by name, so assigning a known topic needs no lookup.

Filled by "Refresh available topics & fields" and by every topic a sync learns of;
a stale entry costs nothing worse than Salesforce answering that the topic is
already there.
"""

from collections.abc import Iterable

from host.plugins.settings import PluginStore
from plugins.salesforce_common.topics import Topic

TOPICS_KEY = "contacts.topics"


class TopicCache:
    def __init__(self, store: PluginStore) -> None:
        self.store = store
        stored = store.get(TOPICS_KEY) or {}
        self._topics = {folded: Topic(entry["id"], entry["name"]) for folded, entry in stored.items()}
        self.changed = False

    def get(self, name: str) -> Topic | None:
        return self._topics.get(name.casefold())

    def names(self) -> list[str]:
        return sorted((topic.name for topic in self._topics.values()), key=str.casefold)

    def learn(self, topics: Iterable[Topic]) -> None:
        for topic in topics:
            if self._topics.get(topic.name.casefold()) != topic:
                self._topics[topic.name.casefold()] = topic
                self.changed = True

    def replace(self, topics: Iterable[Topic]) -> None:
        self._topics = {topic.name.casefold(): topic for topic in topics}
        self.changed = True

    def save(self) -> None:
        """Write the cache in the current session, if it changed."""
        if self.changed:
            self.store.set(
                TOPICS_KEY, {folded: {"id": topic.id, "name": topic.name} for folded, topic in self._topics.items()}
            )
            self.changed = False
