"""Notes about users.

Revision ID: n0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "n0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notes_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes_entries")),
    )
    op.create_index(op.f("ix_notes_entries_user_id"), "notes_entries", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notes_entries_user_id"), table_name="notes_entries")
    op.drop_table("notes_entries")
