"""Consents: when and through what each was last chosen, and the history of every change.

Users from before keep their consent with no recorded choice (NULL time and source):
nothing is known of when they chose it, and the site does not make it up.

Revision ID: 0002_consents
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_consents"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("email_consent_source", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("sms_consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sms_consent_source", sa.String(length=40), nullable=True))
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Enum("EMAIL", "SMS", name="channel", native_enum=False, length=10), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consent_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    op.create_index(op.f("ix_consent_changes_user_id"), "consent_changes", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_changes_user_id"), table_name="consent_changes")
    op.drop_table("consent_changes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("sms_consent_source")
        batch.drop_column("sms_consent_at")
        batch.drop_column("email_consent_source")
        batch.drop_column("email_consent_at")
