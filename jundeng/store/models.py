"""SQLAlchemy 2 table models. Alembic migrations in ``store/migrations`` own the real schema."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


class Retirable:
    """Catalogue entries are retired, never deleted: who retired it and when (None while in force)."""

    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), sort_order=2)
    retired_by: Mapped[str | None] = mapped_column(String(128), sort_order=2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class SerialKey:
    """An integer surrogate key the database numbers, placed first among the columns."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, sort_order=-1)


class Authored:
    """Who wrote the row and when, placed last among the columns."""

    created_by: Mapped[str] = mapped_column(String(128), sort_order=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, sort_order=1)


class PlanRow(Base):
    __tablename__ = "plans"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(Text)


class DomainRow(Base):
    __tablename__ = "domains"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)


class DimensionRow(Base):
    __tablename__ = "dimensions"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ServiceItemRow(Retirable, Base):
    __tablename__ = "service_items"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    domain: Mapped[str] = mapped_column(ForeignKey("domains.code"))
    name: Mapped[str] = mapped_column(Text)
    target_group: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    standard: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    amount_unit: Mapped[str | None] = mapped_column(String(32))
    amount_per: Mapped[list[str] | None] = mapped_column(JSON)
    spending: Mapped[str | None] = mapped_column(Text)
    lead_unit: Mapped[str | None] = mapped_column(Text)
    source_document: Mapped[str | None] = mapped_column(Text)
    source_clause: Mapped[str | None] = mapped_column(Text)


class IndicatorRow(Retirable, Base):
    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str] = mapped_column(ForeignKey("domains.code"))
    unit: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    numerator: Mapped[str | None] = mapped_column(Text)
    denominator: Mapped[str | None] = mapped_column(Text)
    scale: Mapped[float | None] = mapped_column(Float)
    share: Mapped[bool | None] = mapped_column(Boolean)
    valid_min: Mapped[float | None] = mapped_column(Float)
    valid_max: Mapped[float | None] = mapped_column(Float)
    definition: Mapped[str | None] = mapped_column(Text)
    disaggregations: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_document: Mapped[str | None] = mapped_column(Text)
    source_clause: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(ForeignKey("plans.code"))
    aggregation: Mapped[str | None] = mapped_column(String(16))  # sum | mean | ratio | none (None: from the unit)


class TargetRow(SerialKey, Retirable, Base):
    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("indicator", "region", "year", name="uq_targets_key"),)
    indicator: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    year: Mapped[int] = mapped_column(Integer)
    comparator: Mapped[str] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16), default="value", server_default="value")
    start_year: Mapped[int | None] = mapped_column(Integer)
    source_document: Mapped[str | None] = mapped_column(Text)
    source_clause: Mapped[str | None] = mapped_column(Text)


class UnitRow(Base):
    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)


class RegionRow(Base):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent: Mapped[str | None] = mapped_column(String(32), index=True)
    urban_rural: Mapped[str] = mapped_column(String(8))
    functional_zone: Mapped[bool] = mapped_column(Boolean, default=False)
    zone: Mapped[str | None] = mapped_column(String(32))


class PopulationRow(Base):
    __tablename__ = "population"
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    group: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    registered: Mapped[float | None] = mapped_column(Float)
    resident: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)


class ImportBatchRow(SerialKey, Authored, Base):
    __tablename__ = "import_batches"
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)


class ObservationRow(Authored, Base):
    """One revision of one value. Rows are only ever inserted; a correction is a higher revision."""

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("indicator", "region", "period", "disaggregation", "revision", name="uq_observations_key"),
        Index("ix_observations_batch", "batch"),
        Index("ix_observations_status", "status"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    indicator: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    region: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    disaggregation: Mapped[str] = mapped_column(String(255), default="")
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    # The import batch that wrote the row. Not a foreign key on purpose: batches are created in the same
    # transaction and never deleted, and the per-row check cost a quarter of PostgreSQL's bulk-load time.
    batch: Mapped[int | None] = mapped_column(Integer)


class AuditRow(SerialKey, Base):
    """Who changed what and when, with the state before and after (catalogue edits, status changes)."""

    __tablename__ = "audit_log"
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AppraisalRunRow(SerialKey, Authored, Base):
    """One appraisal: the method (YAML and version), the data watermark, who ran it, and its results."""

    __tablename__ = "appraisal_runs"
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    method_name: Mapped[str] = mapped_column(Text)
    method_version: Mapped[str] = mapped_column(String(16), index=True)
    method_yaml: Mapped[str] = mapped_column(Text)
    data_watermark: Mapped[int] = mapped_column(BigInteger)
    statuses: Mapped[list[str]] = mapped_column(JSON)
    results: Mapped[dict[str, Any]] = mapped_column(JSON)
    under: Mapped[str | None] = mapped_column(String(32))  # the subtree ranked (None: the only programme)


class TaskRow(SerialKey, Authored, Base):
    """One revision of a ledger task (the whole Task as JSON); an edit is a new revision."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("code", "revision", name="uq_tasks_key"),)
    code: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))


class ProgressReportRow(SerialKey, Authored, Base):
    """A progress report on a task (append-only; the review is audited)."""

    __tablename__ = "progress_reports"
    task: Mapped[str] = mapped_column(String(64), index=True)
    reporter: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    narrative: Mapped[str | None] = mapped_column(Text)
    review: Mapped[str] = mapped_column(String(16))
    review_comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class AttachmentRow(SerialKey, Authored, Base):
    """An evidence file attached to a progress report."""

    __tablename__ = "attachments"
    report: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    filename: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class NoticeRow(SerialKey, Base):
    """A supervision notice (督办) to a unit about a task, and its response."""

    __tablename__ = "notices"
    task: Mapped[str] = mapped_column(String(64), index=True)
    unit: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(128))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    """An account: argon2 password hash, role and scope (a region subtree for districts, domains and a unit
    for departments)."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(Text)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped at sign-out: every session cookie issued before carries the old number and stops working
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublicationRow(Base):
    """An indicator the office has published on the open (public) pages."""

    __tablename__ = "publications"
    indicator: Mapped[str] = mapped_column(ForeignKey("indicators.code"), primary_key=True)
    published_by: Mapped[str] = mapped_column(String(128))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CandidateRow(SerialKey, Authored, Base):
    """A candidate proposed by the policy-document extractor, staged for review with its source span."""

    __tablename__ = "extract_candidates"
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="staged")
    result: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CandidateDocumentRow(SerialKey, Authored, Base):
    """The text of a policy document whose candidates are staged (the review desk shows them side by side)."""

    __tablename__ = "extract_documents"
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)


class MethodRow(SerialKey, Authored, Base):
    """An appraisal method uploaded for a programme (its top region); the chosen one is used by default."""

    __tablename__ = "appraisal_methods"
    programme: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(16))
    yaml: Mapped[str] = mapped_column(Text)
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)


# The fiscal, accessibility, survey and consultation tables live in their own modules (kept under 400 lines);
# importing them here registers them on Base.metadata for Alembic and the schema checks.
from jundeng.store.models_consultation import FeedbackDecisionRow, FeedbackRow  # noqa: E402
from jundeng.store.models_geo_fiscal import (  # noqa: E402
    AccessFacilityRow,
    AccessPointRow,
    FiscalCostRow,
    FiscalEligibleRow,
    FiscalFactRow,
)
from jundeng.store.models_survey import (  # noqa: E402
    SurveyEstimateRow,
    SurveyQuestionnaireRow,
    SurveyResponseRow,
)

__all__ = [
    "AccessFacilityRow",
    "AccessPointRow",
    "FeedbackDecisionRow",
    "FeedbackRow",
    "FiscalCostRow",
    "FiscalEligibleRow",
    "FiscalFactRow",
    "SurveyEstimateRow",
    "SurveyQuestionnaireRow",
    "SurveyResponseRow",
]
