"""Which Salesforce record each affiliate became, kept in the plugin's data.

After the first sync an affiliate is sent by its record Id, never matched again, so
an edited email cannot move it onto someone else's Lead. The object is kept with
the Id: after the destination object changes, the old Ids mean nothing there.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from host.api import Plugin
from plugins.salesforce_common.links import record_url

LINK_KEY_PREFIX = "leads.record."


@dataclass(frozen=True)
class RecordLink:
    sobject: str
    record_id: str

    def url(self, instance_url: str) -> str:
        """The record in Lightning Experience."""
        return record_url(instance_url, self.sobject, self.record_id)


def _key(affiliate_id: int | str) -> str:
    return f"{LINK_KEY_PREFIX}{affiliate_id}"


def link_of(plugin: Plugin, affiliate_id: int | str) -> RecordLink | None:
    stored = plugin.store.get(_key(affiliate_id))
    return RecordLink(stored["object"], stored["id"]) if stored else None


def links_of(plugin: Plugin, affiliate_ids: Iterable[int | str]) -> dict[str, RecordLink]:
    """Links of many affiliates in one query, by affiliate id as a string."""
    stored = plugin.store.get_many(_key(affiliate_id) for affiliate_id in affiliate_ids)
    return {
        key.removeprefix(LINK_KEY_PREFIX): RecordLink(value["object"], value["id"]) for key, value in stored.items()
    }


def _stored(link: RecordLink) -> dict[str, str]:
    return {"object": link.sobject, "id": link.record_id}


def save_link(plugin: Plugin, affiliate_id: int | str, link: RecordLink) -> None:
    plugin.store.set(_key(affiliate_id), _stored(link))


def save_links(plugin: Plugin, links: Mapping[str, RecordLink]) -> None:
    """:func:`save_link` for a whole batch, written together."""
    plugin.store.set_many({_key(affiliate_id): _stored(link) for affiliate_id, link in links.items()})


def forget_link(plugin: Plugin, affiliate_id: int | str) -> None:
    plugin.store.delete(_key(affiliate_id))
