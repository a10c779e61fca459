"""Which Salesforce record each affiliate became, one row each in the plugin's table.

After the first sync an affiliate is sent by its record Id, never matched again, so
an edited email cannot move it onto someone else's Lead. The object is kept with
the Id: after the destination object changes, the old Ids mean nothing there.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from more_itertools import chunked
from sqlalchemy import delete, select

from host.api import VALUES_PER_STATEMENT, db, insert_for
from plugins.salesforce_common.links import record_url
from plugins.salesforce_leads.tables import LeadLink

#: Rows per INSERT: three values each, well under PostgreSQL's 65,535 parameters.
_ROWS_PER_INSERT = 2_000


@dataclass(frozen=True)
class RecordLink:
    sobject: str
    record_id: str

    def url(self, instance_url: str) -> str:
        """The record in Lightning Experience."""
        return record_url(instance_url, self.sobject, self.record_id)


def _affiliate_ids(affiliate_ids: Iterable[int | str]) -> list[int]:
    """The ids that can be an affiliate's (queue entries carry them as text)."""
    return [int(text) for text in map(str, affiliate_ids) if text.isascii() and text.isdigit()]


def link_of(affiliate_id: int | str) -> RecordLink | None:
    return links_of([affiliate_id]).get(str(affiliate_id))


def links_of(affiliate_ids: Iterable[int | str]) -> dict[str, RecordLink]:
    """Links of many affiliates, one query per few thousand, by affiliate id as a string."""
    links: dict[str, RecordLink] = {}
    for chunk in chunked(_affiliate_ids(affiliate_ids), VALUES_PER_STATEMENT):
        rows = db.session.execute(
            select(LeadLink.affiliate_id, LeadLink.sobject, LeadLink.record_id).where(LeadLink.affiliate_id.in_(chunk))
        )
        links.update({str(affiliate_id): RecordLink(sobject, record_id) for affiliate_id, sobject, record_id in rows})
    return links


def save_links(links: Mapping[str, RecordLink]) -> None:
    """Store a batch's links together, a few statements for thousands."""
    rows = [
        {"affiliate_id": int(affiliate_id), "sobject": link.sobject, "record_id": link.record_id}
        for affiliate_id, link in links.items()
    ]
    for chunk in chunked(rows, _ROWS_PER_INSERT):
        insert = insert_for(LeadLink).values(chunk)
        db.session.execute(
            insert.on_conflict_do_update(
                index_elements=[LeadLink.affiliate_id],
                set_={"sobject": insert.excluded.sobject, "record_id": insert.excluded.record_id},
            )
        )


def forget_links(affiliate_ids: Iterable[int | str]) -> None:
    for chunk in chunked(_affiliate_ids(affiliate_ids), VALUES_PER_STATEMENT):
        db.session.execute(delete(LeadLink).where(LeadLink.affiliate_id.in_(chunk)))
