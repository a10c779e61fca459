"""Names for the records on the Sync pages, asked of each handler for a whole page at once.

A handler that implements :class:`~host.sync.handlers.NamesRecords` names its records;
the others, and any that fail, are shown as "<kind> <id>".
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import NamedTuple, Protocol

from flask import url_for
from sqlalchemy import select

from host.extensions import db
from host.models import Affiliate, User
from host.sync.handlers import NamesRecords, RecordLabel
from host.sync.runtime import sync_runtime

log = logging.getLogger(__name__)


class QueueRow(Protocol):
    """What both queue tables' rows have: whose record, of which kind, and its id."""

    @property
    def plugin(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def record_id(self) -> str: ...


class RecordKey(NamedTuple):
    """One record of one plugin's queue; also a :class:`QueueRow` for a single record's page."""

    plugin: str
    kind: str
    record_id: str


def _ids(record_ids: Sequence[str]) -> list[int]:
    return [int(record_id) for record_id in record_ids if record_id.isdigit()]


def user_labels(record_ids: Sequence[str]) -> dict[str, RecordLabel]:
    """Users' names linked to their admin pages, by id; a deleted user is left out."""
    users = db.session.execute(select(User.id, User.first_name, User.last_name).where(User.id.in_(_ids(record_ids))))
    return {
        str(user_id): RecordLabel(f"{first} {last}", url_for("admin_users.edit", user_id=user_id))
        for user_id, first, last in users
    }


def affiliate_labels(record_ids: Sequence[str]) -> dict[str, RecordLabel]:
    """Affiliates' names linked to their admin pages, by id; a deleted affiliate is left out."""
    affiliates = db.session.execute(
        select(Affiliate.id, Affiliate.first_name, Affiliate.last_name).where(Affiliate.id.in_(_ids(record_ids)))
    )
    return {
        str(affiliate_id): RecordLabel(f"{first} {last}", url_for("admin_affiliates.show", affiliate_id=affiliate_id))
        for affiliate_id, first, last in affiliates
    }


def _named_by_handler(plugin: str, kind: str, record_ids: Sequence[str]) -> Mapping[str, RecordLabel]:
    handler = sync_runtime().handlers().get((plugin, kind))
    if not isinstance(handler, NamesRecords):
        return {}
    try:
        return dict(handler.record_labels(record_ids))
    except Exception:
        log.exception("plugin %s could not name its %s records", plugin, kind)
        return {}


def record_labels(rows: Iterable[QueueRow]) -> dict[RecordKey, RecordLabel]:
    """A label for every row of a Sync page, one handler call per plugin and kind."""
    keys = sorted({RecordKey(row.plugin, row.kind, row.record_id) for row in rows})
    labels: dict[RecordKey, RecordLabel] = {}
    for (plugin, kind), group in groupby(keys, key=lambda key: key[:2]):
        record_ids = [record_id for _plugin, _kind, record_id in group]
        named = _named_by_handler(plugin, kind, record_ids)
        for record_id in record_ids:
            labels[RecordKey(plugin, kind, record_id)] = named.get(record_id) or RecordLabel(f"{kind} {record_id}")
    return labels
