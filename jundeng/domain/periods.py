"""Reporting periods: a year (2017), half-year (2017H1), quarter (2017Q1) or month (2017-03)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jundeng.errors import JundengError

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})H([12])$"), "half"),
    (re.compile(r"^(\d{4})Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
]


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period; ``text`` is its canonical spelling."""

    year: int
    kind: str
    index: int
    text: str


def parse_period(text: str) -> Period:
    """Return the Period written as 2017, 2017H1, 2017Q1 or 2017-03; raise JundengError otherwise."""
    raw = str(text).strip().upper()
    if raw.endswith(".0") and raw[:-2].isdigit():  # a year that a spreadsheet stored as a float
        raw = raw[:-2]
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if kind != "year" else 0
            if not 1949 <= year <= 2100:
                break
            return Period(year, kind, index, raw)
    raise JundengError(
        f"期间格式错误 {text!r}，应为 2017、2017H1、2017Q1 或 2017-03",
        f"bad period {text!r}: write 2017, 2017H1, 2017Q1 or 2017-03",
    )


def previous_period(period: Period) -> Period:
    """Return the period just before ``period`` of the same kind (2017Q1 → 2016Q4)."""
    if period.kind == "year":
        return parse_period(str(period.year - 1))
    per_year = {"half": 2, "quarter": 4, "month": 12}[period.kind]
    year, index = (period.year, period.index - 1) if period.index > 1 else (period.year - 1, per_year)
    text = {"half": f"{year}H{index}", "quarter": f"{year}Q{index}", "month": f"{year}-{index:02d}"}
    return parse_period(text[period.kind])
