"""An index on the sync queue's claim tokens.

A streamed claim finds its entries by token alone, for every chunk it reads and every
renewal of its lease; without the index each of those scans the whole queue.

Revision ID: 0003_sync_claim_token_index
Revises: 0002_consents
"""

from alembic import op

revision = "0003_sync_claim_token_index"
down_revision = "0002_consents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_entries") as batch:
        batch.create_index(batch.f("ix_sync_entries_claim_token"), ["claim_token"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_entries") as batch:
        batch.drop_index(batch.f("ix_sync_entries_claim_token"))
