"""observations.status indexed: the review queue and the pending notices look up the few values awaiting a
decision among a million approved ones

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_observations_status", "observations", ["status"])


def downgrade() -> None:
    op.drop_index("ix_observations_status", table_name="observations")
