"""Tables of sample surveys: questionnaires, the respondents' microdata of each wave, and the design-based
estimates written as observations (their standard error, interval, n and design effect kept beside them).
Rows are only ever inserted; a re-imported wave is a higher revision of the whole wave."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jundeng.store.models import Authored, Base, SerialKey


class SurveyQuestionnaireRow(SerialKey, Authored, Base):
    """One revision of a questionnaire (its YAML as imported)."""

    __tablename__ = "survey_questionnaires"
    __table_args__ = (UniqueConstraint("code", "revision", name="uq_survey_questionnaires_key"),)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    yaml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)


class SurveyResponseRow(SerialKey, Authored, Base):
    """One respondent of one revision of a survey wave: region, design (weight, stratum, PSU, stratum size),
    groups and answers (item code → answer)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("wave", "revision", "respondent", name="uq_survey_responses_key"),
        Index("ix_survey_responses_wave", "wave", "revision"),
    )
    wave: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    questionnaire: Mapped[str] = mapped_column(String(64))
    questionnaire_revision: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    respondent: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    weight: Mapped[float] = mapped_column(Float)
    stratum: Mapped[str | None] = mapped_column(String(64))
    psu: Mapped[str | None] = mapped_column(String(64))
    stratum_size: Mapped[float | None] = mapped_column(Float)
    groups: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)


class SurveyEstimateRow(SerialKey, Authored, Base):
    """The design-based estimate behind one observation (same key and revision): the item and wave it comes from,
    its standard error, interval, respondents, design effect and effective sample size, in the indicator's unit."""

    __tablename__ = "survey_estimates"
    __table_args__ = (Index("ix_survey_estimates_key", "indicator", "region", "period"),)
    indicator: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str] = mapped_column(String(8))
    disaggregation: Mapped[str] = mapped_column(String(255), default="")
    wave: Mapped[str] = mapped_column(String(64))
    wave_revision: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(64))
    estimate: Mapped[float | None] = mapped_column(Float)
    se: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)
    deff: Mapped[float | None] = mapped_column(Float)
    n_eff: Mapped[float | None] = mapped_column(Float)
    small: Mapped[bool] = mapped_column(Boolean)
