"""The periodic bulletin (定期通报): per unit, how many tasks are completed, on track, behind and overdue.

Every task is assessed on ``today`` (default: the period's last day) with :func:`jundeng.tasks.ledger.assess`
and counts once for each distinct unit among its lead and responsible units. The classes, which add up to
``tasks`` for every unit:

- ``completed`` — status completed;
- ``suspended`` — status suspended;
- ``overdue``   — status overdue (past the deadline and not complete, always RED);
- ``behind``    — not overdue but lit YELLOW or RED (behind schedule, or due soon and short; a RED task here
  is more than ``red_behind`` points behind);
- ``on_track``  — GREEN, neither completed nor suspended.

``red``, ``yellow`` and ``green`` count the lights. The ``behind`` and ``overdue`` lists hold one row per unit
and task with the reason the unit gave: the narrative of that unit's latest counted (not returned) report
on the task dated within the period, both ends included; None when it sent none. ``totals`` count each task
once, whatever its number of units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jundeng.domain.tasks import Light, ProgressReport, ReviewStatus, Task, TaskStatus
from jundeng.io.records import plain, records
from jundeng.tasks.ledger import _units, assess
from jundeng.tasks.rules import LedgerError, LightThresholds

CLASSES = ["completed", "on_track", "behind", "overdue", "suspended"]
UNIT_COLUMNS = ["unit", "tasks", *CLASSES, "red", "yellow", "green"]
ROW_KEYS = [
    "unit", "role", "code", "title", "deadline", "days_left", "status", "light", "percent", "expected", "behind",
    "reason", "reason_as_of",
]  # fmt: skip


@dataclass(frozen=True, eq=False)
class Bulletin:
    """A periodic bulletin: counts per unit, the behind and overdue lists with reasons, and totals."""

    period_start: date
    period_end: date
    today: date
    by_unit: pd.DataFrame
    behind: tuple[Mapping[str, Any], ...]
    overdue: tuple[Mapping[str, Any], ...]
    totals: Mapping[str, int]

    def to_records(self) -> dict[str, Any]:
        """Return the bulletin as JSON-ready data: ISO dates, None for missing values, plain numbers."""
        return {
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "today": self.today.isoformat(),
            "totals": {k: int(v) for k, v in self.totals.items()},
            "by_unit": records(self.by_unit),
            "behind": [plain(r) for r in self.behind],
            "overdue": [plain(r) for r in self.overdue],
        }


def _class(status: str, light: str) -> str:
    if status in (TaskStatus.COMPLETED.value, TaskStatus.SUSPENDED.value, TaskStatus.OVERDUE.value):
        return status
    return "on_track" if light == Light.GREEN.value else "behind"


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    classes = frame["class"].value_counts()
    lights = frame["light"].value_counts()
    out = {"tasks": len(frame)}
    out.update({c: int(classes.get(c, 0)) for c in CLASSES})
    out.update({c: int(lights.get(c, 0)) for c in ("red", "yellow", "green")})
    return out


def _reasons(
    reports: Iterable[ProgressReport], period_start: date, period_end: date
) -> dict[tuple[str, str], tuple[date, str]]:
    """Return (unit, task) → (as_of, narrative) of the unit's latest narrated report in the period."""
    latest: dict[tuple[str, str], tuple[date, str]] = {}
    for r in reports:  # later in the input wins a tie on as_of
        if r.review == ReviewStatus.RETURNED or not r.narrative or not period_start <= r.as_of <= period_end:
            continue
        key = (r.reporter, r.task)
        if key not in latest or r.as_of >= latest[key][0]:
            latest[key] = (r.as_of, r.narrative)
    return latest


def _rows(frame: pd.DataFrame, reasons: Mapping[tuple[str, str], tuple[date, str]]) -> tuple[dict[str, Any], ...]:
    rows = []
    for rec in frame.to_dict(orient="records"):
        found = reasons.get((rec["unit"], rec["code"]))
        rec["reason"], rec["reason_as_of"] = (found[1], found[0]) if found else (None, None)
        rows.append({k: rec[k] for k in ROW_KEYS})
    return tuple(rows)


def bulletin(
    tasks: Sequence[Task],
    reports: Sequence[ProgressReport],
    period_start: date,
    period_end: date,
    today: date | None = None,
    thresholds: LightThresholds | None = None,
) -> Bulletin:
    """Return the bulletin for the period: per-unit counts, behind and overdue lists with reasons, totals."""
    if period_end < period_start:
        raise LedgerError("通报期末早于期初", "the period ends before it starts")
    today = today or period_end
    assessment = assess(tasks, reports, today, thresholds)
    assessment["class"] = [_class(s, c) for s, c in zip(assessment["status"], assessment["light"], strict=True)]
    per_unit = _units(assessment)
    by_unit = pd.DataFrame(
        [{"unit": unit, **_counts(group)} for unit, group in per_unit.groupby("unit", sort=True)],
        columns=UNIT_COLUMNS,
    )
    reasons = _reasons(reports, period_start, period_end)
    late = per_unit[per_unit["class"] == "overdue"].sort_values(["unit", "days_left", "code"], kind="stable")
    lagging = per_unit[per_unit["class"] == "behind"]  # per unit: red first, then the nearest deadline
    lagging = lagging.assign(_yellow=lagging["light"] != Light.RED.value)
    lagging = lagging.sort_values(["unit", "_yellow", "days_left", "code"], kind="stable")
    return Bulletin(
        period_start=period_start,
        period_end=period_end,
        today=today,
        by_unit=by_unit,
        behind=_rows(lagging, reasons),
        overdue=_rows(late, reasons),
        totals=_counts(assessment),
    )
