"""The task ledger (工作台账): tasks decomposed to units and districts, progress reports and supervision."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jundeng.domain.labels import Labelled
from jundeng.errors import JundengError


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class TaskStatus(Labelled):
    """Where a task stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"
    SUSPENDED = "suspended"


class Light(Labelled):
    """Supervision traffic light (红黄绿灯)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class ReviewStatus(Labelled):
    """Review of a progress report by the office."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Milestone(_Model):
    """A dated checkpoint: the expected cumulative value and/or percent complete by ``due``."""

    due: date
    expected_value: float | None = None
    expected_percent: float | None = Field(default=None, ge=0, le=100)
    note: str | None = None


class Share(_Model):
    """A district's (or unit's) part of a decomposed task: its share of the target value."""

    region: str
    target_value: float | None = Field(default=None, ge=0)


class Task(_Model):
    """A yearly task with its lead and responsible units, decomposition, target, dates and tags.

    ``deadline`` None means a standing task (长期 / 持续推进); ``deadline_text`` keeps what the source said.
    """

    code: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1)
    description: str | None = None
    domain: str | None = None
    plan: str | None = None
    year: int | None = None
    lead_units: list[str] = Field(default_factory=list)
    responsible_units: list[str] = Field(default_factory=list)
    shares: list[Share] = Field(default_factory=list)
    target_value: float | None = Field(default=None, ge=0)
    target_unit: str | None = None
    start: date | None = None
    deadline: date | None = None
    deadline_text: str | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    suspended: bool = False
    source_document: str | None = None
    source_clause: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> Task:
        if self.start and self.deadline and self.deadline < self.start:
            raise JundengError("完成时限早于开始日期", "deadline before start")
        return self


class ProgressReport(_Model):
    """A progress report on a task by a unit or district, with evidence and its review."""

    task: str
    reporter: str
    region: str | None = None
    as_of: date
    value: float | None = Field(default=None, ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    narrative: str | None = None
    evidence: list[str] = Field(default_factory=list)
    review: ReviewStatus = ReviewStatus.SUBMITTED
    review_comment: str | None = None
    created_by: str | None = None
    created_at: datetime | None = None
    id: int | None = None  # the stored report's number (None before it is stored)

    @model_validator(mode="after")
    def _something(self) -> ProgressReport:
        if self.value is None and self.percent is None and not self.narrative:
            raise JundengError("进度报告须有数值、百分比或说明", "a report needs a value, a percent or a narrative")
        return self


class Notice(_Model):
    """A supervision notice (督办): a request to a unit about a task, with its due date and response."""

    task: str
    unit: str
    request: str
    issued_by: str
    issued_at: datetime | None = None
    due: date | None = None
    response: str | None = None
    responded_at: datetime | None = None
    id: int | None = None  # the stored notice's number (None before it is stored)
    responded_by: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
