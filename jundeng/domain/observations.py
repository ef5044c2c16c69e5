"""Observations: one reported value of an indicator for a region, period and disaggregation."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime | None) -> datetime | None:
    """Return a stored time with its zone: the store writes UTC, and SQLite keeps no zone."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


Stamp = Annotated[datetime | None, AfterValidator(_utc)]  # when a revision was stored (UTC)


class ObservationStatus(StrEnum):
    """Workflow status of a reported value: draft → submitted → approved or rejected."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Observation(BaseModel):
    """One revision of one reported value; corrections are new revisions, never overwrites."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: str
    region: str
    period: str
    disaggregation: dict[str, str] = Field(default_factory=dict)
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    status: ObservationStatus = ObservationStatus.SUBMITTED
    source: str | None = None
    revision: int = 1
    created_by: str | None = None
    created_at: Stamp = None


class Revision(BaseModel):
    """One stored revision as the database holds it (its id, the disaggregation as its text key, the batch)."""

    model_config = ConfigDict(frozen=True)

    id: int
    indicator: str
    region: str
    period: str
    year: int
    disaggregation: str = ""
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str | None = None
    status: ObservationStatus
    source: str | None = None
    revision: int
    batch: int | None = None
    created_by: str | None = None
    created_at: Stamp = None


def disaggregation_key(values: dict[str, str]) -> str:
    """Return the canonical text key of a disaggregation, e.g. ``sex=female;urban_rural=rural`` ('' = total)."""
    return ";".join(f"{k}={v}" for k, v in sorted(values.items()) if v not in (None, ""))


def parse_disaggregation_key(key: str) -> dict[str, str]:
    """Return the mapping that :func:`disaggregation_key` encoded."""
    if not key:
        return {}
    return dict(part.split("=", 1) for part in key.split(";"))
