"""Orders' links, price book entries and buyers' Accounts in tables of their own, moved
out of plugin_data.

Each was one value: ``order.<order id>`` (the Order's id, instance URL and status),
``orders.unsure.<order id>``, ``orders.entry.<price book id>.<sku>`` (product and entry)
and ``orders.account.<Contact id>``.

Revision ID: 0002
Revises: 0001
"""

from typing import Any

import sqlalchemy as sa
from alembic import context, op

from host.api import forget_stored, insert_for, store_values, stored_pages, table_pages

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PLUGIN = "salesforce_contacts"
ORDER, UNSURE, ENTRY, ACCOUNT = "order.", "orders.unsure.", "orders.entry.", "orders.account."

orders = sa.table(
    "salesforce_contacts_orders",
    sa.column("order_id", sa.Integer),
    sa.column("salesforce_id", sa.String),
    sa.column("instance_url", sa.String),
    sa.column("status", sa.String),
    sa.column("complete", sa.Boolean),
    sa.column("lines_in", sa.Integer),
    sa.column("unsure", sa.Boolean),
)
entries = sa.table(
    "salesforce_contacts_price_book_entries",
    sa.column("price_book_id", sa.String),
    sa.column("sku", sa.String),
    sa.column("product_id", sa.String),
    sa.column("entry_id", sa.String),
)
accounts = sa.table(
    "salesforce_contacts_buyer_accounts", sa.column("contact_id", sa.String), sa.column("account_id", sa.String)
)


def _order_row(order_id: str, **values: Any) -> dict[str, Any]:
    row = {"salesforce_id": None, "instance_url": "", "status": "", "complete": False, "lines_in": 0, "unsure": False}
    return {"order_id": int(order_id)} | row | values


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _move() -> None:
    for page in stored_pages(PLUGIN, ORDER):
        rows = [
            _order_row(
                key.removeprefix(ORDER),
                salesforce_id=str(value["id"]),
                instance_url=str(value.get("instance_url") or ""),
                status=str(value.get("status") or ""),
                complete=True,
            )
            for key, value in page
            if _is_id(key.removeprefix(ORDER)) and isinstance(value, dict) and value.get("id")
        ]
        if rows:
            op.execute(insert_for(orders).values(rows).on_conflict_do_nothing())
    for page in stored_pages(PLUGIN, UNSURE):
        rows = [
            _order_row(key.removeprefix(UNSURE), unsure=True)
            for key, value in page
            if value and _is_id(key.removeprefix(UNSURE))
        ]
        if rows:
            insert = insert_for(orders).values(rows)
            op.execute(insert.on_conflict_do_update(index_elements=["order_id"], set_={"unsure": True}))
    for page in stored_pages(PLUGIN, ENTRY):
        rows = []
        for key, value in page:
            book, _, sku = key.removeprefix(ENTRY).partition(".")
            if book and sku and isinstance(value, dict) and value.get("product") and value.get("entry"):
                rows.append(
                    {"price_book_id": book, "sku": sku, "product_id": value["product"], "entry_id": value["entry"]}
                )
        if rows:
            op.execute(insert_for(entries).values(rows).on_conflict_do_nothing())
    for page in stored_pages(PLUGIN, ACCOUNT):
        rows = [
            {"contact_id": key.removeprefix(ACCOUNT), "account_id": value.get("account")}
            for key, value in page
            if isinstance(value, dict)
        ]
        if rows:
            op.execute(insert_for(accounts).values(rows).on_conflict_do_nothing())


def upgrade() -> None:
    op.create_table(
        "salesforce_contacts_orders",
        sa.Column("order_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("salesforce_id", sa.String(length=18), nullable=True),
        sa.Column("instance_url", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("lines_in", sa.Integer(), nullable=False),
        sa.Column("unsure", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_salesforce_contacts_orders")),
    )
    op.create_table(
        "salesforce_contacts_price_book_entries",
        sa.Column("price_book_id", sa.String(length=18), nullable=False),
        sa.Column("sku", sa.String(length=80), nullable=False),
        sa.Column("product_id", sa.String(length=18), nullable=False),
        sa.Column("entry_id", sa.String(length=18), nullable=False),
        sa.PrimaryKeyConstraint("price_book_id", "sku", name=op.f("pk_salesforce_contacts_price_book_entries")),
    )
    op.create_table(
        "salesforce_contacts_buyer_accounts",
        sa.Column("contact_id", sa.String(length=18), nullable=False),
        sa.Column("account_id", sa.String(length=18), nullable=True),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_salesforce_contacts_buyer_accounts")),
    )
    # Printing SQL (``--sql``) reads nothing, so nothing is moved, and nothing forgotten.
    if not context.is_offline_mode():
        _move()
        forget_stored(PLUGIN, ORDER, UNSURE, ENTRY, ACCOUNT)


def downgrade() -> None:
    if context.is_offline_mode():
        raise RuntimeError("Moving the orders' rows back into plugin_data reads them: downgrade without --sql.")
    for page in table_pages(orders, orders.c.order_id):
        store_values(
            PLUGIN,
            [
                (
                    f"{ORDER}{row.order_id}",
                    {"id": row.salesforce_id, "instance_url": row.instance_url, "status": row.status},
                )
                for row in page
                if row.complete and row.salesforce_id
            ]
            + [(f"{UNSURE}{row.order_id}", True) for row in page if row.unsure],
        )
    for page in table_pages(entries, entries.c.price_book_id, entries.c.sku):
        store_values(
            PLUGIN,
            (
                (f"{ENTRY}{row.price_book_id}.{row.sku}", {"product": row.product_id, "entry": row.entry_id})
                for row in page
            ),
        )
    for page in table_pages(accounts, accounts.c.contact_id):
        store_values(PLUGIN, ((f"{ACCOUNT}{row.contact_id}", {"account": row.account_id}) for row in page))
    op.drop_table("salesforce_contacts_buyer_accounts")
    op.drop_table("salesforce_contacts_price_book_entries")
    op.drop_table("salesforce_contacts_orders")
