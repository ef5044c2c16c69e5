"""Ledger rules (pure): a task's progress, expected progress, status and traffic light on a given day.

Progress (:func:`progress`) as of ``today``: only the task's reports dated on or before ``today`` count, and
returned (退回) reports never do; submitted and accepted reports count alike. Reports are ordered by
``as_of``, then ``created_at``, then their order in the input; values are cumulative, so the latest wins.

- The *target* is the task's ``target_value``; for a decomposed task without one, the sum of its shares'
  targets when every share has one. A target of 0 counts as no target.
- With a target, the latest report carrying a value or a percent decides: value → percent = value / target
  · 100, capped at 100 (the value itself is not capped); percent only → value = percent · target / 100.
- Without a target, percent = the latest reported percent (0 when none) and value = the latest reported value.
- Decomposed tasks (``shares``): each district's state is computed as above from its own reports (``region``)
  against its share's target; the city value is the SUM of the districts' values (unreported districts add
  nothing, nor does a percent-only district without a share target) and the city percent is that sum over
  the target. Without a city target, or when no district gave a value, the city percent is the mean of the
  districts' percents weighted by their share targets (equal weights unless every share has a positive
  target; unreported districts count 0). Reports naming no district, or a district that is not a share,
  count only while no district has reported at all. A repeated share region keeps its first share.

Expected progress (:func:`expected_progress`), in percent: NaN for a standing task (deadline None); the
start defaults to 1 January of ``task.year``, else of the deadline's year (and is moved back to the
deadline if later). 0 on or before the start, 100 on or after the deadline, and between them piecewise
linear in days through (start, 0), each milestone due strictly between start and deadline as (due,
expected_percent, else expected_value / target · 100 capped at 100), and (deadline, 100). Milestones
without either expectation, or outside (start, deadline), are skipped; a running maximum keeps the curve
from falling.

Status (:func:`status`), first rule that applies:

1. ``suspended`` — the task is suspended;
2. ``completed`` — percent ≥ 100, or value ≥ target;
3. ``overdue``   — today > deadline (the deadline day itself is not overdue);
4. ``not_started`` — percent 0 and either no report counts or today < start;
5. ``in_progress`` — otherwise (a narrative-only report after the start, or any progress at all).

Light (:func:`light`), with ``behind`` = expected − percent rounded to 1e-9 so that float noise does not
move a task across a boundary:

- GREEN for suspended and completed tasks; RED for overdue tasks;
- standing tasks: RED when a milestone is overdue (due before today and a stated expected percent or value
  not reached; the due day itself is not late), GREEN otherwise;
- RED when behind > ``red_behind`` (exactly 20 points behind is YELLOW, not RED);
- YELLOW when behind > ``yellow_behind`` (exactly 10 points behind is GREEN), or when the deadline is at most
  ``soon_days`` away (exactly 30 days left counts; so does the deadline day, 0 days left) and percent <
  ``soon_percent`` (exactly 80 % is enough);
- GREEN otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from jundeng.domain.tasks import Light, Milestone, ProgressReport, ReviewStatus, Task, TaskStatus
from jundeng.errors import JundengError

SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


class LedgerError(JundengError):
    """An input the ledger rules cannot take, explained in Chinese and English."""


@dataclass(frozen=True)
class LightThresholds:
    """Traffic-light thresholds: points of percent behind schedule, and the 'deadline soon' window."""

    red_behind: float = 20.0
    yellow_behind: float = 10.0
    soon_days: int = 30
    soon_percent: float = 80.0

    def __post_init__(self) -> None:
        if not 0 <= self.yellow_behind <= self.red_behind:
            raise LedgerError("须 0 ≤ 黄灯滞后阈值 ≤ 红灯滞后阈值", "need 0 ≤ yellow_behind ≤ red_behind")
        if self.soon_days < 0 or not 0 <= self.soon_percent <= 100:
            raise LedgerError("须临期天数 ≥ 0、0 ≤ 临期完成度 ≤ 100", "need soon_days ≥ 0 and 0 ≤ soon_percent ≤ 100")


@dataclass(frozen=True)
class DistrictProgress:
    """One district's share of a decomposed task: its target, latest value and percent."""

    region: str
    target_value: float | None
    value: float | None
    percent: float
    as_of: date | None
    reported: bool


@dataclass(frozen=True)
class Progress:
    """A task's state as of a day: percent complete (0–100), value achieved and the target it counts against."""

    percent: float = 0.0
    value: float | None = None
    target: float | None = None
    as_of: date | None = None
    reported: bool = False
    narrative: str | None = None
    districts: tuple[DistrictProgress, ...] = ()


def _positive(x: float | None) -> float | None:
    return x if x is not None and x > 0 else None


def _share_list(task: Task) -> list[tuple[str, float | None]]:
    """Return (region, share target) per share, the first share of a region winning over repeats."""
    seen: dict[str, float | None] = {}
    for share in task.shares:
        seen.setdefault(share.region, share.target_value)
    return list(seen.items())


def effective_target(task: Task) -> float | None:
    """Return the task's target: its target_value, else the sum of its shares' targets when all have one."""
    if _positive(task.target_value) is not None:
        return task.target_value
    targets = [t for _, t in _share_list(task)]
    if targets and all(t is not None for t in targets):
        return _positive(sum(t for t in targets if t is not None))
    return None


def _stamp(created: datetime | None) -> float:
    return created.timestamp() if created is not None else -math.inf


def counted_reports(task: Task, reports: Iterable[ProgressReport], today: date) -> list[ProgressReport]:
    """Return the task's reports that count on ``today`` (not returned, as_of ≤ today), oldest first."""
    kept = [
        (r.as_of, _stamp(r.created_at), i, r)
        for i, r in enumerate(reports)
        if r.task == task.code and r.review != ReviewStatus.RETURNED and r.as_of <= today
    ]
    kept.sort(key=lambda k: k[:3])
    return [k[3] for k in kept]


def _state(reports: Sequence[ProgressReport], target: float | None) -> tuple[float, float | None]:
    """Return (percent, value) from cumulative reports ordered oldest first, against ``target``."""
    target = _positive(target)
    if target is not None:
        for r in reversed(reports):
            if r.value is not None:
                return min(100.0, r.value * 100.0 / target), r.value
            if r.percent is not None:
                return r.percent, r.percent * target / 100.0
        return 0.0, None
    percent = next((r.percent for r in reversed(reports) if r.percent is not None), 0.0)
    value = next((r.value for r in reversed(reports) if r.value is not None), None)
    return percent, value


def _weighted_percent(districts: Sequence[DistrictProgress]) -> float:
    weights = [d.target_value or 0.0 for d in districts]
    if not all(w > 0 for w in weights):
        weights = [1.0] * len(districts)
    return sum(w * d.percent for w, d in zip(weights, districts, strict=True)) / sum(weights)


def _city(districts: Sequence[DistrictProgress], target: float | None) -> tuple[float, float | None]:
    """Return the city's (percent, value): the sum of the districts' values over the target."""
    values = [d.value for d in districts if d.value is not None]
    value = sum(values) if values else None
    if target is not None and value is not None:
        return min(100.0, value * 100.0 / target), value
    return _weighted_percent(districts), value


def progress(task: Task, reports: Iterable[ProgressReport], today: date) -> Progress:
    """Return the task's progress on ``today`` from its latest counted reports (see the module rules)."""
    counted = counted_reports(task, reports, today)
    target = effective_target(task)
    districts: list[DistrictProgress] = []
    for region, share_target in _share_list(task):
        own = [r for r in counted if r.region == region]
        d_percent, d_value = _state(own, share_target)
        d_as_of = own[-1].as_of if own else None
        districts.append(DistrictProgress(region, share_target, d_value, d_percent, d_as_of, bool(own)))
    if any(d.reported for d in districts):
        percent, value = _city(districts, target)
    else:
        percent, value = _state(counted, target)
    return Progress(
        percent=percent,
        value=value,
        target=target,
        as_of=counted[-1].as_of if counted else None,
        reported=bool(counted),
        narrative=next((r.narrative for r in reversed(counted) if r.narrative), None),
        districts=tuple(districts),
    )


def task_start(task: Task) -> date | None:
    """Return the task's start: its start, else 1 January of its year, else of its deadline's year."""
    if task.start is not None:
        return task.start
    year = task.year if task.year is not None else (task.deadline.year if task.deadline else None)
    return date(year, 1, 1) if year is not None else None


def milestone_percent(milestone: Milestone, target: float | None) -> float | None:
    """Return the milestone's expected percent, else its expected value / target · 100 capped at 100."""
    if milestone.expected_percent is not None:
        return milestone.expected_percent
    if milestone.expected_value is not None and target is not None:
        return min(100.0, milestone.expected_value * 100.0 / target)
    return None


def expected_progress(task: Task, today: date) -> float:
    """Return the percent expected by ``today``: piecewise linear through start, milestones and deadline."""
    deadline = task.deadline
    if deadline is None:
        return math.nan
    start = min(task_start(task) or deadline, deadline)
    if today >= deadline:
        return 100.0
    if today <= start:
        return 0.0
    target = effective_target(task)
    knots = [(start.toordinal(), 0.0)]
    for m in sorted(task.milestones, key=lambda m: m.due):
        pct = milestone_percent(m, target)
        if pct is not None and start < m.due < deadline:
            knots.append((m.due.toordinal(), max(pct, knots[-1][1])))
    knots.append((deadline.toordinal(), 100.0))
    day = today.toordinal()
    for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
        if x0 <= day < x1:
            return y0 + (y1 - y0) * (day - x0) / (x1 - x0)
    return 100.0  # not reached: start < today < deadline lies in some segment


def is_complete(progress: Progress) -> bool:
    """Return whether the progress is complete: percent ≥ 100, or value ≥ target."""
    if progress.percent >= 100:
        return True
    return progress.target is not None and progress.value is not None and progress.value >= progress.target


def status(task: Task, progress: Progress, today: date) -> TaskStatus:
    """Return the task's status: suspended, completed, overdue, not started or in progress, in that order."""
    if task.suspended:
        return TaskStatus.SUSPENDED
    if is_complete(progress):
        return TaskStatus.COMPLETED
    if task.deadline is not None and today > task.deadline:
        return TaskStatus.OVERDUE
    start = task_start(task)
    if progress.percent <= 0 and (not progress.reported or (start is not None and today < start)):
        return TaskStatus.NOT_STARTED
    return TaskStatus.IN_PROGRESS


def missed_milestones(task: Task, progress: Progress, today: date) -> list[date]:
    """Return the due dates of milestones due before ``today`` whose expected percent or value is not reached."""
    missed = []
    for m in task.milestones:
        if m.due >= today:
            continue
        short_pct = m.expected_percent is not None and progress.percent < m.expected_percent
        short_val = m.expected_value is not None and (progress.value is None or progress.value < m.expected_value)
        if short_pct or short_val:
            missed.append(m.due)
    return sorted(missed)


def days_left(task: Task, today: date) -> int | None:
    """Return the days from ``today`` to the deadline (0 on the day, negative after), None when standing."""
    return (task.deadline - today).days if task.deadline is not None else None


def light(task: Task, progress: Progress, today: date, thresholds: LightThresholds | None = None) -> Light:
    """Return the traffic light: RED overdue or far behind, YELLOW behind or due soon and short (module rules)."""
    t = thresholds or LightThresholds()
    st = status(task, progress, today)
    if st in (TaskStatus.SUSPENDED, TaskStatus.COMPLETED):
        return Light.GREEN
    if st == TaskStatus.OVERDUE:
        return Light.RED
    left = days_left(task, today)
    if left is None:
        return Light.RED if missed_milestones(task, progress, today) else Light.GREEN
    behind = round(expected_progress(task, today) - progress.percent, 9)
    if behind > t.red_behind:
        return Light.RED
    if behind > t.yellow_behind or (left <= t.soon_days and progress.percent < t.soon_percent):
        return Light.YELLOW
    return Light.GREEN
