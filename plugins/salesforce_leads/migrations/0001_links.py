"""Affiliates' links in a table of their own, moved out of plugin_data (``leads.record.<affiliate id>``).

Revision ID: 0001
Revises:
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from host.api import insert_for

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PLUGIN = "salesforce_leads"
LINK = "leads.record."
PAGE = 2_000

plugin_data = sa.table(
    "plugin_data", sa.column("plugin", sa.String), sa.column("key", sa.String), sa.column("value", sa.JSON)
)
links = sa.table(
    "salesforce_leads_links",
    sa.column("affiliate_id", sa.Integer),
    sa.column("sobject", sa.String),
    sa.column("record_id", sa.String),
)


def _stored_links() -> Iterator[Sequence[Any]]:
    """The stored links, a page at a time, in key order."""
    after = ""
    while True:
        page = (
            op.get_bind()
            .execute(
                sa.select(plugin_data.c.key, plugin_data.c.value)
                .where(plugin_data.c.plugin == PLUGIN, plugin_data.c.key.startswith(LINK), plugin_data.c.key > after)
                .order_by(plugin_data.c.key)
                .limit(PAGE)
            )
            .all()
        )
        if not page:
            return
        yield page
        after = page[-1].key


def _row(affiliate_id: str, value: Any) -> dict[str, Any] | None:
    if not (affiliate_id.isascii() and affiliate_id.isdigit() and isinstance(value, dict) and value.get("id")):
        return None
    return {"affiliate_id": int(affiliate_id), "sobject": str(value.get("object") or ""), "record_id": str(value["id"])}


def upgrade() -> None:
    op.create_table(
        "salesforce_leads_links",
        sa.Column("affiliate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sobject", sa.String(length=80), nullable=False),
        sa.Column("record_id", sa.String(length=18), nullable=False),
        sa.PrimaryKeyConstraint("affiliate_id", name=op.f("pk_salesforce_leads_links")),
    )
    if context.is_offline_mode():
        return  # printing SQL (``--sql``) reads nothing, so nothing is moved, and nothing forgotten
    for page in _stored_links():
        rows = [row for key, value in page if (row := _row(key.removeprefix(LINK), value)) is not None]
        if rows:
            op.execute(insert_for(links).values(rows))
    op.execute(plugin_data.delete().where(plugin_data.c.plugin == PLUGIN, plugin_data.c.key.startswith(LINK)))


def downgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("Moving the links back into plugin_data reads them: downgrade without --sql.")
    after = -1
    while (
        page := op.get_bind()
        .execute(sa.select(links).where(links.c.affiliate_id > after).order_by(links.c.affiliate_id).limit(PAGE))
        .all()
    ):
        op.execute(
            plugin_data.insert().values(
                [
                    {
                        "plugin": PLUGIN,
                        "key": f"{LINK}{row.affiliate_id}",
                        "value": {"object": row.sobject, "id": row.record_id},
                    }
                    for row in page
                ]
            )
        )
        after = page[-1].affiliate_id
    op.drop_table("salesforce_leads_links")
