"""any city: indicator aggregation rules, targets over a period, retired catalogue entries, appraisal methods

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RETIRABLE = ("indicators", "service_items", "targets")


def upgrade() -> None:
    for table in RETIRABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("retired_by", sa.String(128), nullable=True))
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aggregation", sa.String(16), nullable=True))
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="value"))
        batch_op.add_column(sa.Column("start_year", sa.Integer(), nullable=True))
    op.create_table(
        "appraisal_methods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appraisal_methods")),
    )
    with op.batch_alter_table("appraisal_methods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appraisal_methods_programme"), ["programme"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appraisal_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appraisal_methods_programme"))
    op.drop_table("appraisal_methods")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_column("start_year")
        batch_op.drop_column("kind")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_column("aggregation")
    for table in RETIRABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("retired_by")
            batch_op.drop_column("retired_at")
