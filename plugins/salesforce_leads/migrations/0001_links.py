"""Affiliates' links in a table of their own, moved out of plugin_data (``leads.record.<affiliate id>``).

Revision ID: 0001
Revises:
"""

from typing import Any

import sqlalchemy as sa
from alembic import context, op

from host.api import forget_stored, insert_for, store_values, stored_pages, table_pages

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PLUGIN = "salesforce_leads"
LINK = "leads.record."

links = sa.table(
    "salesforce_leads_links",
    sa.column("affiliate_id", sa.Integer),
    sa.column("sobject", sa.String),
    sa.column("record_id", sa.String),
)


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
    for page in stored_pages(PLUGIN, LINK):
        rows = [row for key, value in page if (row := _row(key.removeprefix(LINK), value)) is not None]
        if rows:
            op.execute(insert_for(links).values(rows))
    forget_stored(PLUGIN, LINK)


def downgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("Moving the links back into plugin_data reads them: downgrade without --sql.")
    for page in table_pages(links, links.c.affiliate_id):
        store_values(
            PLUGIN, ((f"{LINK}{row.affiliate_id}", {"object": row.sobject, "id": row.record_id}) for row in page)
        )
    op.drop_table("salesforce_leads_links")
