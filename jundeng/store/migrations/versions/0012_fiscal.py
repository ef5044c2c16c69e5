"""fiscal: per region and year the facts of fiscal equalization (population, capacity, spending, revenue,
transfers received, cost index) and the people eligible per costed item, and the unit cost of each item

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _authored() -> list[sa.Column[object]]:
    return [
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "fiscal_facts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("population", sa.Float(), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=False),
        sa.Column("spending", sa.Float(), nullable=True),
        sa.Column("revenue", sa.Float(), nullable=True),
        sa.Column("transfers_received", sa.Float(), nullable=True),
        sa.Column("cost_index", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        *_authored(),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_fiscal_facts_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_facts")),
        sa.UniqueConstraint("region", "year", "revision", name="uq_fiscal_facts_key"),
    )
    op.create_table(
        "fiscal_eligible",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("eligible", sa.Float(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        *_authored(),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_fiscal_eligible_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_eligible")),
        sa.UniqueConstraint("region", "year", "item", "revision", name="uq_fiscal_eligible_key"),
    )
    op.create_table(
        "fiscal_costs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("unit_cost", sa.Float(), nullable=False),
        sa.Column("city_share", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        *_authored(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiscal_costs")),
        sa.UniqueConstraint("item", "revision", name="uq_fiscal_costs_key"),
    )


def downgrade() -> None:
    op.drop_table("fiscal_costs")
    op.drop_table("fiscal_eligible")
    op.drop_table("fiscal_facts")
