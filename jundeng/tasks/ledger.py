"""The ledger as tables (pure): one row per task or per district share, roll-ups and reminder lists.

:func:`assess` applies :mod:`jundeng.tasks.rules` to every task on ``today`` (``behind`` = expected − percent,
NaN for standing tasks; ``days_left`` negative once overdue, missing for standing tasks; ``target_value``
is the target the task counts against, see :func:`~jundeng.tasks.rules.effective_target`; ``narrative`` is
the latest counted report's narrative).
:func:`assess_shares` treats each district share as a task of its own, with the share's target and the
task's dates; a milestone's expected value becomes a percent of the city target, so that each district is
expected to keep the city's pace.

Roll-ups (:func:`rollup`) count tasks per key. ``unit``: a task counts once for each distinct unit among
its lead and responsible units. ``district``: on an :func:`assess_shares` table each share counts with its
own status and light; on an :func:`assess` table each task counts, with the city's status and light, for
each district it is decomposed to. ``domain`` and ``tag``: per domain, or once per distinct tag. Tasks
without a key (no unit, no share, no domain, no tag) are left out. completion_rate = completed / tasks.

Reminders, one row per unit and task (``role`` lead wins over responsible when a unit is both; ``percent`` and
``light`` as assessed):
:func:`due_soon` lists tasks neither completed nor suspended whose deadline is 0 to ``days`` days after
``today`` (both ends counted); :func:`overdue` lists the tasks whose status is overdue, most overdue first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

import pandas as pd

from jundeng.domain.tasks import Milestone, ProgressReport, Share, Task, TaskStatus
from jundeng.tasks.rules import (
    LedgerError,
    LightThresholds,
    Progress,
    days_left,
    effective_target,
    expected_progress,
    light,
    milestone_percent,
    progress,
    status,
)

COLUMNS = [
    "code", "title", "lead_units", "responsible_units", "deadline", "status", "light", "percent", "expected",
    "behind", "value", "target_value", "target_unit", "tags", "domain", "days_left", "districts", "as_of",
    "narrative",
]  # fmt: skip
SHARE_COLUMNS = [*COLUMNS[:2], "district", *[c for c in COLUMNS[2:] if c != "districts"]]
COUNTS = ["tasks", "completed", "in_progress", "not_started", "overdue", "suspended", "red", "yellow", "green"]
REMINDER_COLUMNS = ["unit", "role", "code", "title", "deadline", "days_left", "percent", "light"]
RollupBy = Literal["unit", "district", "domain", "tag"]


def _by_code(tasks: Sequence[Task], reports: Iterable[ProgressReport]) -> dict[str, list[ProgressReport]]:
    codes = [t.code for t in tasks]
    repeated = sorted({c for c in codes if codes.count(c) > 1}) if len(set(codes)) < len(codes) else []
    if repeated:
        raise LedgerError(f"任务编号重复：{', '.join(repeated)}", f"repeated task codes: {', '.join(repeated)}")
    grouped: dict[str, list[ProgressReport]] = defaultdict(list)
    for r in reports:
        grouped[r.task].append(r)
    return grouped


def _row(task: Task, prog: Progress, today: date, thresholds: LightThresholds | None) -> dict[str, Any]:
    expected = expected_progress(task, today)
    left = days_left(task, today)
    return {
        "code": task.code,
        "title": task.title,
        "lead_units": list(task.lead_units),
        "responsible_units": list(task.responsible_units),
        "deadline": task.deadline,
        "status": status(task, prog, today).value,
        "light": light(task, prog, today, thresholds).value,
        "percent": prog.percent,
        "expected": expected,
        "behind": round(expected - prog.percent, 9),  # rounded as the light rule rounds it
        "value": prog.value,
        "target_value": prog.target,
        "target_unit": task.target_unit,
        "tags": list(task.tags),
        "domain": task.domain,
        "days_left": left,
        "districts": [s.region for s in task.shares],
        "as_of": prog.as_of,
        "narrative": prog.narrative,
    }


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("percent", "expected", "behind", "value", "target_value"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["days_left"] = frame["days_left"].astype("Int64")
    return frame


def assess(
    tasks: Sequence[Task],
    reports: Iterable[ProgressReport],
    today: date,
    thresholds: LightThresholds | None = None,
) -> pd.DataFrame:
    """Return one row per task with its status, light, percent, expected percent, behind and days left."""
    grouped = _by_code(tasks, reports)
    rows = [_row(t, progress(t, grouped.get(t.code, []), today), today, thresholds) for t in tasks]
    return _frame(rows, COLUMNS)


def district_task(task: Task, share: Share) -> Task:
    """Return the district's part of a task: the share's target, the task's dates, milestones in percent."""
    target = effective_target(task)
    milestones = []
    for m in task.milestones:
        pct = milestone_percent(m, target)
        if pct is not None:
            milestones.append(Milestone(due=m.due, expected_percent=pct, note=m.note))
    update = {"target_value": share.target_value, "shares": [], "milestones": milestones}
    return task.model_copy(update=update)


def decompose(task: Task, regions: Sequence[str]) -> Task:
    """Return ``task`` decomposed to ``regions``, one share each (a task addressed to 各县市区政府 goes to every
    county). The task's target stays the city's total and no share gets a number of its own: the city's value
    is the sum of the counties' reported values, its percent their mean when they report percents only
    (:mod:`jundeng.tasks.rules`); a shares file (序号,区划代码,目标值) gives each county its part. A task that
    already has shares, or no region, is returned as it is."""
    if task.shares or not regions:
        return task
    shares = [Share(region=r, target_value=None) for r in dict.fromkeys(regions)]
    return task.model_copy(update={"shares": shares})


def assess_shares(
    tasks: Sequence[Task],
    reports: Iterable[ProgressReport],
    today: date,
    thresholds: LightThresholds | None = None,
) -> pd.DataFrame:
    """Return one row per task × district share with the district's own value, percent, status and light."""
    grouped = _by_code(tasks, reports)
    rows = []
    for task in tasks:
        prog = progress(task, grouped.get(task.code, []), today)
        shares = {s.region: s for s in reversed(task.shares)}  # the first share of a region wins
        for d in prog.districts:
            sub = district_task(task, shares[d.region])
            own = Progress(percent=d.percent, value=d.value, target=d.target_value, as_of=d.as_of, reported=d.reported)
            row = _row(sub, own, today, thresholds)
            row["district"] = d.region
            rows.append(row)
    return _frame(rows, SHARE_COLUMNS)


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        names = ", ".join(lacking)
        raise LedgerError(f"台账评估表缺少列：{names}", f"the ledger assessment lacks the columns: {names}")


def _names(cell: Any) -> list[str]:
    """Return the distinct names in a cell holding a list of names (or one name, or nothing)."""
    if isinstance(cell, str):
        return [cell]
    if cell is None or not hasattr(cell, "__iter__"):
        return []
    return list(dict.fromkeys(str(n) for n in cell))


def _units(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with one row per distinct unit of each task, and the unit's role."""
    _need(frame, ["lead_units", "responsible_units"])
    units, roles, index = [], [], []
    for i, lead, resp in zip(frame.index, frame["lead_units"], frame["responsible_units"], strict=True):
        seen: dict[str, str] = {}
        for role, names in (("lead", lead), ("responsible", resp)):
            for name in _names(names):
                seen.setdefault(name, role)
        for name, role in seen.items():
            units.append(name)
            roles.append(role)
            index.append(i)
    out = frame.loc[index].reset_index(drop=True)
    out.insert(0, "role", roles)
    out.insert(0, "unit", units)
    return out


def _explode(frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
    _need(frame, [column])
    lists = frame[column].map(_names)
    out = frame.assign(**{key: lists}).explode(key)
    return out[out[key].notna()].reset_index(drop=True)


def rollup(assessment: pd.DataFrame, by: RollupBy) -> pd.DataFrame:
    """Return per unit, district, domain or tag the counts of tasks by status and light, and completion_rate."""
    if by == "unit":
        keyed = _units(assessment)
    elif by == "district":
        keyed = assessment if "district" in assessment.columns else _explode(assessment, "districts", "district")
    elif by == "domain":
        _need(assessment, ["domain"])
        keyed = assessment
    elif by == "tag":
        keyed = _explode(assessment, "tags", "tag")
    else:
        raise LedgerError(f"无法按 {by!r} 汇总", f"cannot roll up by {by!r}: use unit, district, domain or tag")
    _need(keyed, ["status", "light"])
    keyed = keyed[keyed[by].notna()]
    counts = pd.DataFrame({by: keyed[by].astype(str), "tasks": 1}, index=keyed.index)
    for name in COUNTS[1:6]:
        counts[name] = (keyed["status"] == name).astype("int64")
    for name in COUNTS[6:]:
        counts[name] = (keyed["light"] == name).astype("int64")
    out = counts.groupby(by, sort=True).sum().reset_index()
    out = out.reindex(columns=[by, *COUNTS]).fillna(0)
    out[COUNTS] = out[COUNTS].astype("int64")
    out["completion_rate"] = out["completed"] / out["tasks"]
    return out


def due_soon(assessment: pd.DataFrame, today: date, days: int = 30) -> pd.DataFrame:
    """Return per unit the open tasks whose deadline is 0 to ``days`` days after ``today`` (both included)."""
    _need(assessment, ["code", "title", "deadline", "status", "percent", "light"])
    frame = assessment.copy()
    frame["days_left"] = [(d - today).days if isinstance(d, date) else None for d in frame["deadline"]]
    frame["days_left"] = frame["days_left"].astype("Int64")
    open_ = ~frame["status"].isin([TaskStatus.COMPLETED.value, TaskStatus.SUSPENDED.value])
    soon = frame[open_ & frame["days_left"].between(0, days).fillna(False).astype(bool)]
    out = _units(soon)[REMINDER_COLUMNS]
    return out.sort_values(["unit", "days_left", "code"], kind="stable").reset_index(drop=True)


def overdue(assessment: pd.DataFrame) -> pd.DataFrame:
    """Return per unit the tasks whose status is overdue, most overdue first."""
    _need(assessment, ["code", "title", "deadline", "status", "percent", "light", "days_left"])
    late = assessment[assessment["status"] == TaskStatus.OVERDUE.value]
    out = _units(late)[REMINDER_COLUMNS]
    return out.sort_values(["unit", "days_left", "code"], kind="stable").reset_index(drop=True)
