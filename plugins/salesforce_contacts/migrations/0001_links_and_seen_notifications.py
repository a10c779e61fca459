"""Users' links and received notification ids in tables of their own, moved out of plugin_data.

A link was one value per user (``link.<user id>``) with a reverse entry per record
(``record.<Salesforce id>``); a record linked to two users stays with the one its
reverse entry names. A notification id was ``inbound.seen.<YYYYMMDD>.<id>``, received
at the start of that day.

Revision ID: 0001
Revises:
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from host.api import PLUGIN_DATA as plugin_data
from host.api import forget_stored, insert_for, store_values, stored_pages, table_pages

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PLUGIN = "salesforce_contacts"
LINK, RECORD, SEEN = "link.", "record.", "inbound.seen."

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
    for page in stored_pages(PLUGIN, LINK):
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
    for page in stored_pages(PLUGIN, SEEN):
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
        forget_stored(PLUGIN, LINK, RECORD, SEEN)


def downgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("Moving the links back into plugin_data reads them: downgrade without --sql.")
    for page in table_pages(links, links.c.user_id):
        values: list[tuple[str, Any]] = []
        for row in page:
            link = {name: getattr(row, name) for name in ("salesforce_id", "object_type", "instance_url")}
            values.append((f"{LINK}{row.user_id}", link | {"topics": row.topics, "consent": row.consent}))
            values.append((f"{RECORD}{row.salesforce_id}", str(row.user_id)))
        store_values(PLUGIN, values)
    for page in table_pages(seen, seen.c.notification_id):
        store_values(PLUGIN, ((f"{SEEN}{row.received_at:%Y%m%d}.{row.notification_id}", True) for row in page))
    op.drop_index(
        op.f("ix_salesforce_contacts_seen_notifications_received_at"),
        table_name="salesforce_contacts_seen_notifications",
    )
    op.drop_table("salesforce_contacts_seen_notifications")
    op.drop_table("salesforce_contacts_links")
