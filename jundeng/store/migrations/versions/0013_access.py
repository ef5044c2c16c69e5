"""access: facilities (category, capacity, coordinates) and demand points (people at a place, by group), each
only inserted, a correction being a higher revision

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _located() -> list[sa.Column[object]]:
    return [
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("epsg", sa.Integer(), nullable=False),
    ]


def _revised() -> list[sa.Column[object]]:
    return [
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "access_facilities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Float(), nullable=False),
        *_located(),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("opening_year", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        *_revised(),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_access_facilities_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_facilities")),
        sa.UniqueConstraint("code", "revision", name="uq_access_facilities_key"),
    )
    op.create_index(op.f("ix_access_facilities_category"), "access_facilities", ["category"], unique=False)
    op.create_table(
        "access_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("population", sa.Float(), nullable=False),
        *_located(),
        sa.Column("urban_rural", sa.String(length=8), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=True),
        *_revised(),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_access_points_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_points")),
        sa.UniqueConstraint("code", "revision", name="uq_access_points_key"),
    )
    op.create_index(op.f("ix_access_points_region"), "access_points", ["region"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_access_points_region"), table_name="access_points")
    op.drop_table("access_points")
    op.drop_index(op.f("ix_access_facilities_category"), table_name="access_facilities")
    op.drop_table("access_facilities")
