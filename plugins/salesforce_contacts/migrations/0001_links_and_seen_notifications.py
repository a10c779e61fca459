"""Users' links and received notification ids in tables of their own, moved out of plugin_data.

A link was one value per user (``link.<user id>``) with a reverse entry per record
(``record.<Salesforce id>``); a record linked to two users stays with the one its
reverse entry names. A notification id was ``inbound.seen.<YYYYMMDD>.<id>``, received
at the start of that day.

Revision ID: 0001
Revises:
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from host.api import insert_for

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PLUGIN = "salesforce_contacts"
LINK, RECORD, SEEN = "link.", "record.", "inbound.seen."
PAGE = 1_000

plugin_data = sa.table(
    "plugin_data", sa.column("plugin", sa.String), sa.column("key", sa.String), sa.column("value", sa.JSON)
)
links = sa.table(
    "salesforce_contacts_links",
    sa.column("user_id", sa.Integer),
    sa.column("salesforce_id", sa.String),
    sa.column("object_type", sa.String),
    sa.column("instance_url", sa.String),
    sa.column("topics", sa.JSON),
    sa.column("consent", sa.JSON),
)
seen = sa.table(
    "salesforce_contacts_seen_notifications",
    sa.column("notification_id", sa.String),
    sa.column("received_at", sa.DateTime(timezone=True)),
)


def _pages(prefix: str) -> Iterator[Sequence[Any]]:
    """The plugin's stored values under ``prefix``, a page at a time, in key order."""
    after = ""
    while True:
        page = (
            op.get_bind()
            .execute(
                sa.select(plugin_data.c.key, plugin_data.c.value)
                .where(plugin_data.c.plugin == PLUGIN, plugin_data.c.key.startswith(prefix), plugin_data.c.key > after)
                .order_by(plugin_data.c.key)
                .limit(PAGE)
            )
            .all()
        )
        if not page:
            return
        yield page
        after = page[-1].key


def _link_row(user_id: str, value: Any) -> dict[str, Any] | None:
    if not (user_id.isascii() and user_id.isdigit() and isinstance(value, dict) and value.get("salesforce_id")):
        return None
    topics, consent = value.get("topics"), value.get("consent")
    return {
        "user_id": int(user_id),
        "salesforce_id": str(value["salesforce_id"]),
        "object_type": str(value.get("object_type") or ""),
        "instance_url": str(value.get("instance_url") or ""),
        "topics": {str(k): None if v is None else str(v) for k, v in topics.items()}
        if isinstance(topics, dict)
        else {},
        "consent": {str(k): str(v) for k, v in consent.items()} if isinstance(consent, dict) else {},
    }


def _move_links() -> None:
    for page in _pages(LINK):
        rows = [row for key, value in page if (row := _link_row(key.removeprefix(LINK), value)) is not None]
        reverse = op.get_bind().execute(
            sa.select(plugin_data.c.key, plugin_data.c.value).where(
                plugin_data.c.plugin == PLUGIN,
                plugin_data.c.key.in_([f"{RECORD}{row['salesforce_id']}" for row in rows]),
            )
        )
        owners = {key: value for key, value in reverse}
        kept = [
            row
            for row in rows
            if str(owners.get(f"{RECORD}{row['salesforce_id']}", row["user_id"])) == str(row["user_id"])
        ]
        if kept:
            op.execute(insert_for(links).values(kept).on_conflict_do_nothing())


def _move_seen() -> None:
    for page in _pages(SEEN):
        latest: dict[str, datetime] = {}
        for key, _value in page:
            day, _, notification_id = key.removeprefix(SEEN).partition(".")
            try:
                received_at = datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC)
            except ValueError:
                continue
            if notification_id:
                latest[notification_id] = max(received_at, latest.get(notification_id, received_at))
        if latest:
            rows = [{"notification_id": key, "received_at": at} for key, at in latest.items()]
            insert = insert_for(seen).values(rows)
            op.execute(
                insert.on_conflict_do_update(
                    index_elements=["notification_id"],
                    set_={"received_at": insert.excluded.received_at},
                    where=seen.c.received_at < insert.excluded.received_at,
                )
            )


def _forget(*prefixes: str) -> None:
    op.execute(
        plugin_data.delete().where(
            plugin_data.c.plugin == PLUGIN, sa.or_(*(plugin_data.c.key.startswith(prefix) for prefix in prefixes))
        )
    )


def upgrade() -> None:
    op.create_table(
        "salesforce_contacts_links",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salesforce_id", sa.String(length=18), nullable=False),
        sa.Column("object_type", sa.String(length=80), nullable=False),
        sa.Column("instance_url", sa.String(length=500), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_salesforce_contacts_links")),
        sa.UniqueConstraint("salesforce_id", name=op.f("uq_salesforce_contacts_links_salesforce_id")),
    )
    op.create_table(
        "salesforce_contacts_seen_notifications",
        sa.Column("notification_id", sa.String(length=120), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_salesforce_contacts_seen_notifications")),
    )
    op.create_index(
        op.f("ix_salesforce_contacts_seen_notifications_received_at"),
        "salesforce_contacts_seen_notifications",
        ["received_at"],
        unique=False,
    )
    # Printing SQL (``--sql``) reads nothing, so nothing is moved, and nothing forgotten.
    if not context.is_offline_mode():
        _move_links()
        _move_seen()
        _forget(LINK, RECORD, SEEN)


def _table_pages(table: sa.TableClause, key: sa.ColumnClause[Any]) -> Iterator[Sequence[Any]]:
    after: Any = None
    while True:
        query = sa.select(table).order_by(key).limit(PAGE)
        page = op.get_bind().execute(query if after is None else query.where(key > after)).all()
        if not page:
            return
        yield page
        after = getattr(page[-1], key.name)


def downgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("Moving the links back into plugin_data reads them: downgrade without --sql.")
    for page in _table_pages(links, links.c.user_id):
        values = []
        for row in page:
            link = {name: getattr(row, name) for name in ("salesforce_id", "object_type", "instance_url")}
            values.append(
                {
                    "plugin": PLUGIN,
                    "key": f"{LINK}{row.user_id}",
                    "value": link | {"topics": row.topics, "consent": row.consent},
                }
            )
            values.append({"plugin": PLUGIN, "key": f"{RECORD}{row.salesforce_id}", "value": str(row.user_id)})
        op.execute(plugin_data.insert().values(values))
    for page in _table_pages(seen, seen.c.notification_id):
        op.execute(
            plugin_data.insert().values(
                [
                    {"plugin": PLUGIN, "key": f"{SEEN}{row.received_at:%Y%m%d}.{row.notification_id}", "value": True}
                    for row in page
                ]
            )
        )
    op.drop_index(
        op.f("ix_salesforce_contacts_seen_notifications_received_at"),
        table_name="salesforce_contacts_seen_notifications",
    )
    op.drop_table("salesforce_contacts_seen_notifications")
    op.drop_table("salesforce_contacts_links")
