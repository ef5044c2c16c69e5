"""observations.batch is no longer a foreign key (bulk-load speed; batches are never deleted)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_observations_batch_import_batches", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_observations_batch_import_batches", "import_batches", ["batch"], ["id"])
