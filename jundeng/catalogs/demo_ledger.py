"""Seeded synthetic progress reports for the demo ledger (the Zhuhai 2017 work plan's tasks).

Each task is given a pace, drawn with fixed shares so that the ledger shows a realistic mix of lights
on the demo date: well ahead, on schedule, a little behind, far behind, already done, or never
reported. Reports are monthly, cumulative, from the task's start to the demo date; decomposed tasks are
reported by each district for its own share. Every report carries ``SOURCE`` (synthetic).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from jundeng.domain.tasks import ProgressReport, ReviewStatus, Task

SOURCE = "合成演示数据 synthetic demo data (jundeng demo ledger v1)"
DEMO_TODAY = date(2017, 9, 30)
SEED = 2017
# pace: share of the expected progress reached by the demo date, and how often it is drawn
PACES = {"ahead": (1.15, 0.25), "on_schedule": (1.0, 0.25), "behind": (0.82, 0.2), "far_behind": (0.5, 0.12),
         "done": (10.0, 0.08), "silent": (0.0, 0.10)}  # fmt: skip
NARRATIVES = {
    "ahead": "进展顺利，超过序时进度 / ahead of schedule",
    "on_schedule": "按计划推进 / on schedule",
    "behind": "受审批流程影响，进度略有滞后 / slightly behind: approvals took longer",
    "far_behind": "受征地拆迁影响，进度明显滞后 / well behind: land acquisition delays",
    "done": "已完成年度任务 / this year's task is done",
}


def _months(start: date, until: date) -> list[date]:
    """Return the last day of every month from ``start`` to ``until`` (inclusive)."""
    ends = []
    year, month = start.year, start.month
    while (year, month) <= (until.year, until.month):
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        end = date.fromordinal(nxt.toordinal() - 1)
        ends.append(min(end, until))
        year, month = nxt.year, nxt.month
    return ends


def _expected(task: Task, day: date) -> float:
    start = task.start or date(task.year or day.year, 1, 1)
    deadline = task.deadline or date(day.year, 12, 31)
    span = max((deadline - start).days, 1)
    return float(np.clip((day - start).days / span, 0.0, 1.0))


def synthetic_reports(tasks: Sequence[Task], today: date = DEMO_TODAY, seed: int = SEED) -> list[ProgressReport]:
    """Return monthly cumulative progress reports for ``tasks`` up to ``today``, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    names = list(PACES)
    shares = np.array([PACES[n][1] for n in names])
    reports: list[ProgressReport] = []
    for task in tasks:
        pace = names[int(rng.choice(len(names), p=shares / shares.sum()))]
        if pace == "silent":
            continue
        factor = PACES[pace][0]
        start = task.start or date(task.year or today.year, 1, 1)
        reporters: list[tuple[str | None, float | None]] = [(s.region, s.target_value) for s in task.shares]
        reporters = reporters or [(None, task.target_value)]
        for region, target in reporters:
            for day in _months(start, today)[-3:]:  # the last three monthly reports
                done = min(1.0, _expected(task, day) * factor * rng.uniform(0.95, 1.05))
                value = None if target is None else float(np.floor(done * target))
                reports.append(
                    ProgressReport(
                        task=task.code,
                        reporter=region or (task.lead_units[0] if task.lead_units else "牵头单位"),
                        region=region,
                        as_of=day,
                        value=value,
                        percent=round(100 * done, 1),
                        narrative=NARRATIVES[pace],
                        review=ReviewStatus.ACCEPTED,
                    )
                )
    return reports
