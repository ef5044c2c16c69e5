"""consultation: comments from the public on indicators and draft targets, and the office's moderation decisions

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _authored() -> list[sa.Column[object]]:
    return [
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("contact", sa.String(length=128), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        *_authored(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_subject"), "feedback", ["subject"], unique=False)
    op.create_table(
        "feedback_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feedback", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        *_authored(),
        sa.ForeignKeyConstraint(["feedback"], ["feedback.id"], name=op.f("fk_feedback_decisions_feedback_feedback")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_decisions")),
    )
    op.create_index(op.f("ix_feedback_decisions_feedback"), "feedback_decisions", ["feedback"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_feedback_decisions_feedback"), table_name="feedback_decisions")
    op.drop_table("feedback_decisions")
    op.drop_index(op.f("ix_feedback_subject"), table_name="feedback")
    op.drop_table("feedback")
