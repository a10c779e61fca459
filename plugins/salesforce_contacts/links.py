"""Which Salesforce record each user is linked to, and which topics the site assigned.

One row per user (:class:`~plugins.salesforce_contacts.tables.ContactLink`), so the
next sync updates the record by Id (an email change cannot break the match) and
changes only the topics that changed. Assignment ids are kept so removing a topic is
one delete, not a lookup and a delete; an id is None when Salesforce already had the
assignment and did not say which it was. The record's Id is unique, and finds the
user a notification from Salesforce is about. Per consent channel, the link also
keeps the time of the site's choice the record is known to hold (see
:mod:`plugins.salesforce_contacts.consent`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from more_itertools import chunked
from sqlalchemy import Row, delete, select

from host.api import VALUES_PER_STATEMENT, db, insert_for
from plugins.salesforce_common.links import record_url
from plugins.salesforce_contacts.tables import ContactLink


@dataclass
class Link:
    salesforce_id: str
    object_type: str
    instance_url: str = ""
    #: Topic name (as the site spells it) to its TopicAssignment id, if known.
    topics: dict[str, str | None] = field(default_factory=dict)
    #: Consent channel to the ISO time of the choice the record holds.
    consent: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Row[Any]) -> "Link":
        return cls(row.salesforce_id, row.object_type, row.instance_url, dict(row.topics), dict(row.consent))

    @property
    def record_url(self) -> str:
        """The record in Lightning Experience."""
        return record_url(self.instance_url, self.object_type, self.salesforce_id)


#: Rows per INSERT: six values each, well under PostgreSQL's 65,535 parameters.
_ROWS_PER_INSERT = 1_000
#: What saving a link writes over the user's stored one.
_LINK_COLUMNS = ("salesforce_id", "object_type", "instance_url", "topics", "consent")


_COLUMNS = (ContactLink.user_id, *(getattr(ContactLink, name) for name in _LINK_COLUMNS))


def _row(user_id: int, link: Link) -> dict[str, object]:
    return {"user_id": user_id, **{name: getattr(link, name) for name in _LINK_COLUMNS}}


def _user_ids(user_ids: Iterable[int | str]) -> list[int]:
    """The ids that can be a user's (queue entries carry them as text)."""
    return [int(user_id) for user_id in map(str, user_ids) if user_id.isascii() and user_id.isdigit()]


def load_links(user_ids: Iterable[int | str]) -> dict[str, Link]:
    """The links of many users, one query per few thousand, by user id (as a string)."""
    links: dict[str, Link] = {}
    for chunk in chunked(_user_ids(user_ids), VALUES_PER_STATEMENT):
        # Columns, not entities: rows are written with INSERT ... ON CONFLICT, which the
        # session's identity map would not see.
        rows = db.session.execute(select(*_COLUMNS).where(ContactLink.user_id.in_(chunk)))
        links.update({str(row.user_id): Link.of(row) for row in rows})
    return links


def load_link(user_id: int | str) -> Link | None:
    return load_links([user_id]).get(str(user_id))


def save_link(user_id: int | str, link: Link) -> None:
    save_links({user_id: link})


def save_links(links: Mapping[int | str, Link]) -> None:
    """Store many users' links together, a batch's worth in a few statements.

    A record is linked to one user: the user linked last takes it over from any other,
    who is matched anew on their next sync.
    """
    by_record = {link.salesforce_id: (int(user_id), link) for user_id, link in links.items()}
    db.session.flush()
    for chunk in chunked(by_record.items(), _ROWS_PER_INSERT):
        holders = db.session.execute(
            select(ContactLink.user_id, ContactLink.salesforce_id).where(
                ContactLink.salesforce_id.in_([salesforce_id for salesforce_id, _ in chunk])
            )
        )
        taken_over = [user_id for user_id, salesforce_id in holders if by_record[salesforce_id][0] != user_id]
        if taken_over:
            db.session.execute(delete(ContactLink).where(ContactLink.user_id.in_(taken_over)))
        # One statement run for many rows: compiled once and cached, where a
        # statement holding a thousand rows' values is compiled anew every time.
        db.session.execute(_upsert_statement(), [_row(user_id, link) for _, (user_id, link) in chunk])


def _upsert_statement() -> Any:
    insert = insert_for(ContactLink)
    return insert.on_conflict_do_update(
        index_elements=[ContactLink.user_id], set_={name: insert.excluded[name] for name in _LINK_COLUMNS}
    )


def forget_link(user_id: int | str) -> None:
    forget_links([user_id])


def forget_links(user_ids: Iterable[int | str]) -> None:
    """Drop the links of many users, one statement per few thousand."""
    for chunk in chunked(_user_ids(user_ids), VALUES_PER_STATEMENT):
        db.session.execute(delete(ContactLink).where(ContactLink.user_id.in_(chunk)))


def linked_user_id(salesforce_id: str) -> int | None:
    """The user linked to the record ``salesforce_id``, if any."""
    return linked_user_ids([salesforce_id]).get(salesforce_id)


def linked_user_ids(salesforce_ids: Iterable[str]) -> dict[str, int]:
    """The users linked to these records, by record Id: one query per few thousand."""
    found: dict[str, int] = {}
    for chunk in chunked(salesforce_ids, VALUES_PER_STATEMENT):
        rows = db.session.execute(
            select(ContactLink.salesforce_id, ContactLink.user_id).where(ContactLink.salesforce_id.in_(chunk))
        )
        found.update({salesforce_id: user_id for salesforce_id, user_id in rows})
    return found
