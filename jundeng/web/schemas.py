"""Request and response models of the REST API (/api/v1): what each route accepts and answers."""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from jundeng.domain.catalog import Indicator, Target
from jundeng.errors import Problem
from jundeng.io.limits import cap_problems, current, total_problems

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results."""

    items: list[T]
    page: int
    size: int
    total: int


class Login(BaseModel):
    """Credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class SignedIn(BaseModel):
    """Who just signed in."""

    username: str
    role: str
    display_name: str


class Me(BaseModel):
    """Who is signed in (the public principal when nobody is)."""

    username: str
    role: str
    region: str | None
    unit: str | None
    domains: list[str]


class Ok(BaseModel):
    """An action that has nothing else to say."""

    ok: bool


class IndicatorDetail(Indicator):
    """An indicator with its targets."""

    targets: list[Target]


class ImportResult(BaseModel):
    """The outcome of an all-or-nothing file import: rows written and unchanged, and the located errors and
    warnings: the first 1000 of each listed, then one line saying how many more (as every reader caps them,
    :mod:`jundeng.io.limits`); the totals count every problem found, listed or not."""

    accepted: bool
    written: int
    unchanged: int
    errors: list[str]
    warnings: list[str]
    errors_total: int
    warnings_total: int
    rows_valid: int = 0  # data rows that passed every check
    messages: dict[str, list[str]] = Field(default_factory=dict)  # the errors as sentences, per language
    notes: dict[str, list[str]] = Field(default_factory=dict)  # the warnings as sentences, per language

    @classmethod
    def of(
        cls,
        *,
        accepted: bool,
        written: int,
        unchanged: int,
        errors: list[Problem],
        warnings: list[Problem],
        rows_valid: int = 0,
    ) -> ImportResult:
        """Return the result of an import with its problems capped."""
        listed = current().max_problems + 1  # a reader's own list passes whole: its cap and its closing line
        shown_errors, shown_warnings = cap_problems(errors, listed), cap_problems(warnings, listed)
        return cls(
            accepted=accepted,
            written=written,
            unchanged=unchanged,
            errors=[str(p) for p in shown_errors],
            warnings=[str(p) for p in shown_warnings],
            errors_total=total_problems(errors),
            warnings_total=total_problems(warnings),
            rows_valid=rows_valid,
            messages={lang: [sentence(p, lang) for p in shown_errors] for lang in ("zh", "en")},
            notes={lang: [sentence(p, lang) for p in shown_warnings] for lang in ("zh", "en")},
        )


def sentence(problem: Problem, lang: str) -> str:
    """Return a problem as a sentence in ``lang``: "第 3 行第 2 列：…" / "Row 3, column 2: …"."""
    text = problem.en if lang == "en" else problem.zh
    if problem.row <= 0:
        return text
    if lang == "en":
        where = f"Row {problem.row}" + (f", column {problem.column}" if problem.column > 0 else "")
        return f"{where}: {text}"
    where = f"第 {problem.row} 行" + (f"第 {problem.column} 列" if problem.column > 0 else "")
    return f"{where}：{text}"


class ErrorDetail(BaseModel):
    """A refusal: its HTTP status, the message in Chinese and in English, and details (located problems …)."""

    status: int
    zh: str
    en: str
    detail: Any = None


class ErrorBody(BaseModel):
    """The body of every error answer of the API (:func:`jundeng.web.errors.body`)."""

    error: ErrorDetail


class Decision(BaseModel):
    """A review decision with an optional comment (required to reject)."""

    comment: str | None = Field(default=None, max_length=2000)


class Decided(BaseModel):
    """A reviewed value and its new status."""

    id: int
    status: str


class GapTable(BaseModel):
    """The gap table of one indicator in one period: inequality rows, the unit values and notes."""

    indicator: str
    period: str
    level: str
    units: int
    rows: list[dict[str, Any]]
    values: list[dict[str, Any]]
    notes: list[str]


class NewReport(BaseModel):
    """A progress report."""

    value: float | None = Field(default=None, ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    note: str | None = Field(default=None, max_length=5000)
    region: str | None = None
    as_of: date | None = None


class Created(BaseModel):
    """The id of what was created."""

    id: int


class ReportReview(BaseModel):
    """A reviewed progress report: accepted or returned."""

    id: int
    review: str


class NewNotice(BaseModel):
    """A supervision notice to a unit."""

    unit: str = Field(min_length=1, max_length=200)
    request: str = Field(min_length=1, max_length=5000)
    due: date | None = None


class Account(BaseModel):
    """An account as administrators see it (never the password hash)."""

    username: str
    display_name: str
    role: str
    region: str | None
    unit: str | None
    domains: list[str]
    active: bool


class NewUser(BaseModel):
    """An account to create."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.\-]{2,64}$")
    password: str = Field(min_length=8, max_length=256)
    role: str = Field(pattern="^(admin|office|department|district|viewer|public)$")
    display_name: str | None = None
    region: str | None = None
    unit: str | None = None
    domains: list[str] = Field(default_factory=list)


class Username(BaseModel):
    """The name of a created account."""

    username: str


class Publication(BaseModel):
    """Whether an indicator is published on the public pages."""

    indicator: str
    published: bool
