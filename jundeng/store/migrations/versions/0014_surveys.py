"""surveys: questionnaires, respondents' microdata per wave revision, and the estimates written as observations
with their standard error, interval, n and design effect

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _authored() -> list[sa.Column[object]]:
    return [
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "survey_questionnaires",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        *_authored(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questionnaires")),
        sa.UniqueConstraint("code", "revision", name="uq_survey_questionnaires_key"),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("wave", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=64), nullable=False),
        sa.Column("questionnaire_revision", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("stratum", sa.String(length=64), nullable=True),
        sa.Column("psu", sa.String(length=64), nullable=True),
        sa.Column("stratum_size", sa.Float(), nullable=True),
        sa.Column("groups", sa.JSON(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        *_authored(),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_survey_responses_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("wave", "revision", "respondent", name="uq_survey_responses_key"),
    )
    op.create_index("ix_survey_responses_wave", "survey_responses", ["wave", "revision"], unique=False)
    op.create_table(
        "survey_estimates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("disaggregation", sa.String(length=255), nullable=False),
        sa.Column("wave", sa.String(length=64), nullable=False),
        sa.Column("wave_revision", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("estimate", sa.Float(), nullable=True),
        sa.Column("se", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("deff", sa.Float(), nullable=True),
        sa.Column("n_eff", sa.Float(), nullable=True),
        sa.Column("small", sa.Boolean(), nullable=False),
        *_authored(),
        sa.ForeignKeyConstraint(
            ["indicator"], ["indicators.code"], name=op.f("fk_survey_estimates_indicator_indicators")
        ),
        sa.ForeignKeyConstraint(["region"], ["regions.code"], name=op.f("fk_survey_estimates_region_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_estimates")),
    )
    op.create_index("ix_survey_estimates_key", "survey_estimates", ["indicator", "region", "period"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_survey_estimates_key", table_name="survey_estimates")
    op.drop_table("survey_estimates")
    op.drop_index("ix_survey_responses_wave", table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_table("survey_questionnaires")
