"""A revision that fails, as a plugin's mistake would.

Revision ID: b0001
Revises:
"""

revision = "b0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    raise RuntimeError("the revision is broken")


def downgrade() -> None:
    pass
