"""The task ledger use cases: import the division-of-tasks sheet, report progress, assess, remind, bulletin.

Programmes: a database may hold several (``jundeng city init`` twice). A task belongs to the programme it was
imported into (``under``, else the database's single top), and to the regions of its shares and of its units
(the catalogue unit's region). The ledger questions take ``under`` (a region code): only the tasks with one of
those regions in its subtree; without it, every task when the database holds one programme, and ScopeError when
it holds several (as in the other analyses: programmes are never mixed).
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from jundeng.catalogs import HERE
from jundeng.catalogs.demo_ledger import SOURCE as DEMO_SOURCE
from jundeng.catalogs.demo_ledger import synthetic_reports as demo_reports
from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Notice, ProgressReport, ReviewStatus, Share, Task, TaskStatus
from jundeng.errors import HasProblems, InputError, JundengError, NotFoundError, Problem
from jundeng.io.task_fields import parse_target
from jundeng.io.task_sheet import read_task_sheet
from jundeng.services.cache import cached
from jundeng.services.ledger_scope import import_scope, programme_tasks, to_counties, under_of
from jundeng.services.notify import Message
from jundeng.store import observations_repo, tasks_repo
from jundeng.store.db import Database
from jundeng.tasks import Bulletin, LightThresholds, assess, bulletin, decompose, due_soon, overdue
from jundeng.tasks import filter_ledger as filter_ledger

DEMO_TASKS = HERE / "zhuhai-2017-tasks.csv"
DEMO_SHARES = HERE / "zhuhai-2017-shares.csv"
LEDGER_DAY = "JUNDENG_LEDGER_DAY"  # the setting of the day the ledger is assessed on (default: today)
SYNTHETIC_MARK = "synthetic"  # in the source of every synthetic demo value and progress report
EVIDENCE_FILE_MB = "JUNDENG_EVIDENCE_FILE_MB"  # the setting of the largest evidence file (MB, default 20)
EVIDENCE_TOTAL_MB = "JUNDENG_EVIDENCE_TOTAL_MB"  # the setting of the most evidence per report (MB, default 50)
MB = 1024 * 1024


def parse_day(text: str) -> date:
    """Return the day written YYYY-MM-DD; raise JundengError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise JundengError(f"日期格式应为 YYYY-MM-DD：{text!r}", f"dates are written YYYY-MM-DD: {text!r}") from exc


def ledger_day(asked: date | None = None, *, setting: date | None = None) -> date:
    """Return the day the ledger is assessed on: the one asked for, else the setting (or $JUNDENG_LEDGER_DAY),
    else today — never a day guessed from the data."""
    if asked is not None:
        return asked
    if setting is not None:
        return setting
    configured = os.environ.get(LEDGER_DAY, "").strip()
    return parse_day(configured) if configured else date.today()


@dataclass
class TaskImport(HasProblems):
    """What a task-sheet import did."""

    tasks: int = 0
    written: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_task_sheet(
    db: Database,
    path: str | Path,
    *,
    user: str,
    year: int | None = None,
    plan: str | None = None,
    dry_run: bool = False,
    under: str | None = None,
) -> TaskImport:
    """Read a 重点任务分工方案 sheet; store its tasks (new revisions for changed ones) unless any problem.

    The tasks belong to the programme ``under`` (a region code; needed when the database holds several
    programmes, ScopeError otherwise), else to the database's single programme; that top is stored with them.
    A task addressed to every county government (各县、市、区人民政府, 各县市区政府, 各县（市、区）, 各区政府 …
    in either script) is decomposed to each county of the programme — the regions of level district in its
    subtree that are not functional zones — one share per county, the target split by nothing: each county
    carries the whole task unless a shares file says otherwise. A task code already used by another
    programme's task is refused (give the sheet its own 序号 codes).
    """
    with db.session() as session:
        programme, counties = import_scope(session, under=under)
        owners = tasks_repo.task_programmes(session)
    tasks, problems = read_task_sheet(path, year=year, plan=plan)
    tasks = [decompose(t, counties) if to_counties(t) else t for t in tasks]
    name = Path(path).name
    for task in tasks:
        owner = owners.get(task.code)
        if owner is not None and programme is not None and owner != programme:
            problems.append(
                Problem(
                    name,
                    0,
                    0,
                    f"任务代码 {task.code} 已属于另一规划（{owner}）的任务：请在“序号”列给出本规划自己的代码",
                    f"task code {task.code} belongs to a task of another programme ({owner}): "
                    "give this programme's own codes in the 序号 column",
                )
            )
    report = TaskImport(tasks=len(tasks), problems=problems)
    if report.errors or dry_run:
        return report
    content = Path(path).read_bytes()
    with db.session(write=True) as session:
        batch = observations_repo.new_batch(
            session,
            kind="tasks",
            filename=name,
            sha256=hashlib.sha256(content).hexdigest(),
            rows=len(tasks),
            user=user,
        )
        report.written, report.unchanged = tasks_repo.save_tasks(
            session, tasks=tasks, user=user, batch=batch, programme=programme
        )
    return report


def read_shares(path: str | Path, tasks: Sequence[Task]) -> list[Task]:
    """Return ``tasks`` with the district shares in ``path`` (序号,区划代码,目标值; '#' lines are comments)."""
    by_number: dict[str, list[Share]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            parsed = parse_target(row["目标值"])
            value = parsed[0] if parsed else None
            by_number.setdefault(row["序号"].strip(), []).append(
                Share(region=row["区划代码"].strip(), target_value=value)
            )
    result = []
    for task in tasks:
        number = task.code.rsplit("-", 1)[-1].lstrip("0")
        shares = by_number.get(number)
        result.append(task.model_copy(update={"shares": shares}) if shares else task)
    return result


def load_demo_ledger(db: Database, *, user: str) -> tuple[int, int]:
    """Load the Zhuhai 2017 work plan's tasks, their synthetic district split and progress; return counts."""
    tasks, problems = read_task_sheet(DEMO_TASKS, year=2017, plan="zhuhai-2012-2017")
    if problems:
        raise InputError(problems)
    tasks = read_shares(DEMO_SHARES, tasks)
    with db.session(write=True) as session:
        written, _ = tasks_repo.save_tasks(session, tasks=tasks, user=user)
        if written == 0:
            return len(tasks), 0
        reports = demo_reports(tasks)
        for r in reports:
            tasks_repo.add_report(session, report=r, user=user, source=DEMO_SOURCE)
    return len(tasks), len(reports)


def assessment(
    db: Database, *, today: date, thresholds: LightThresholds | None = None, under: str | None = None
) -> pd.DataFrame:
    """Return the ledger of the programme ``under`` assessed on ``today`` (one row per task with status and light;
    see :func:`programme_tasks` for ``under``)."""

    def compute() -> pd.DataFrame:
        with db.session() as session:
            tasks = programme_tasks(session, under=under)
            reports = tasks_repo.reports(session, until=today)
        return assess(tasks, reports, today, thresholds)

    with db.session() as session:
        version = tasks_repo.ledger_version(session)
    return cached((db.url, version, "ledger", today, thresholds, under), compute).copy(deep=False)


def ledger(
    db: Database,
    *,
    today: date,
    principal: Principal | None = None,
    light: str | None = None,
    status: str | None = None,
    unit: str | None = None,
    district: str | None = None,
    under: str | None = None,
) -> pd.DataFrame:
    """Return the ledger of the programme ``under`` (see :func:`~jundeng.services.ledger_scope.under_of` for a
    district principal) assessed on ``today``, limited to the principal's tasks and the filters given."""
    with db.session() as session:
        under = under_of(session, under, principal)
    table = assessment(db, today=today, under=under)
    return filter_ledger(table, light=light, status=status, unit=unit, district=district, principal=principal)


def current_task(db: Database, code: str) -> Task:
    """Return the latest revision of a task; raise NotFoundError for an unknown code."""
    with db.session() as session:
        found = [t for t in tasks_repo.current_tasks(session) if t.code == code]
    if not found:
        raise NotFoundError(f"未知的任务代码 {code}", f"unknown task code: {code}")
    return found[0]


def task_reports(db: Database, code: str) -> list[ProgressReport]:
    """Return the progress reports of a task, oldest first."""
    with db.session() as session:
        return tasks_repo.reports(session, task=code)


def synthetic_reports(db: Database, *, task: str | None = None) -> bool:
    """Return True when progress reports (of ``task``) come from the synthetic demo ledger."""
    with db.session() as session:
        return tasks_repo.has_reports_from(session, marker=SYNTHETIC_MARK, task=task)


def export_rows(db: Database, *, today: date, under: str | None = None) -> list[dict[str, object]]:
    """Return the ledger rows of the programme ``under`` for the division-of-tasks export, each with its latest
    narrative (最新进展)."""
    from jundeng.io.records import records

    table = assessment(db, today=today, under=under).drop(columns=["districts"], errors="ignore")
    return [{**r, "latest": r.get("narrative")} for r in records(table)]


def district_reports(db: Database, code: str) -> list[ProgressReport]:
    """Return the progress reports of a task that came from its districts."""
    with db.session() as session:
        return [r for r in tasks_repo.reports(session, task=code) if r.region]


def add_progress(db: Database, report: ProgressReport, *, user: str, evidence: Sequence[Path] = ()) -> int:
    """Store a progress report with its evidence files; raise NotFoundError for an unknown task.

    Evidence is checked before anything is read: each must be a file (a directory is refused) within the size
    limits (see :func:`evidence_limits`).
    """
    files = read_evidence(evidence)
    with db.session(write=True) as session:
        if report.task not in {t.code for t in tasks_repo.current_tasks(session)}:
            raise NotFoundError(f"未知的任务代码 {report.task}", f"unknown task code: {report.task}")
        return tasks_repo.add_report(session, report=report, user=user, evidence=files)


def evidence_limits() -> tuple[int, int]:
    """Return the evidence size limits in bytes, per file and per report (settings in MB; default 20 and 50)."""
    limits = []
    for name, default in ((EVIDENCE_FILE_MB, 20.0), (EVIDENCE_TOTAL_MB, 50.0)):
        text = os.environ.get(name, "").strip()
        try:
            megabytes = float(text) if text else default
        except ValueError:
            megabytes = -1.0
        if not megabytes > 0:
            raise JundengError(
                f"设置 {name} 应为正数（MB）：{text!r}", f"{name} must be a positive number of MB: {text!r}"
            )
        limits.append(int(megabytes * MB))
    return limits[0], limits[1]


def read_evidence(paths: Sequence[Path]) -> list[tuple[str, bytes]]:
    """Return (name, content) of each evidence file, refusing directories and files over the size limits."""
    per_file, per_report = evidence_limits()
    total = 0
    for path in paths:
        if path.is_dir():
            raise JundengError(
                "佐证材料应为文件而不是目录，请逐个列出文件",
                "evidence must be files, not a directory: list each file",
                location=str(path),
            )
        if not path.is_file():
            raise JundengError("佐证文件不存在或不可读", "no such evidence file", location=str(path))
        size = path.stat().st_size
        if size > per_file:
            raise JundengError(
                f"佐证文件过大：{size / MB:.1f} MB，单个文件上限 {per_file / MB:g} MB（{EVIDENCE_FILE_MB}）",
                f"evidence file too large: {size / MB:.1f} MB, over {per_file / MB:g} MB per file ({EVIDENCE_FILE_MB})",
                location=str(path),
            )
        total += size
        if total > per_report:
            raise JundengError(
                f"佐证材料合计超过每份报告上限 {per_report / MB:g} MB（{EVIDENCE_TOTAL_MB}）",
                f"the evidence files exceed {per_report / MB:g} MB per report together ({EVIDENCE_TOTAL_MB})",
                location=str(path),
            )
    files = []
    for path in paths:
        with path.open("rb") as handle:  # at most the limit, should a file grow after it was measured
            content = handle.read(per_file + 1)
        if len(content) > per_file:
            raise JundengError("佐证文件在读取时变大", "the evidence file grew while being read", location=str(path))
        files.append((path.name, content))
    return files


def period_bulletin(
    db: Database, *, start: date, end: date, today: date | None = None, under: str | None = None
) -> Bulletin:
    """Return the bulletin (定期通报) of the period ``start``–``end`` on the tasks of the programme ``under``."""
    with db.session() as session:
        tasks = programme_tasks(session, under=under)
        reports = tasks_repo.reports(session)
    return bulletin(tasks, reports, start, end, today)


def period_bounds(text: str) -> tuple[date, date]:
    """Return the first and last day of a period written 2017, 2017H2, 2017Q3 or 2017-09."""
    from jundeng.domain.periods import parse_period

    period = parse_period(text)
    months = {
        "year": (1, 12),
        "half": ((period.index - 1) * 6 + 1, period.index * 6),
        "quarter": ((period.index - 1) * 3 + 1, period.index * 3),
        "month": (period.index, period.index),
    }
    first, last = months[period.kind]
    end = date(period.year + (last == 12), last % 12 + 1, 1)
    return date(period.year, first, 1), date.fromordinal(end.toordinal() - 1)


def reminders(db: Database, *, today: date, days: int = 30, under: str | None = None) -> list[Message]:
    """Return one message per unit listing its tasks (of the programme ``under``) due within ``days`` and its
    overdue tasks."""
    table = assessment(db, today=today, under=under)
    soon, late = due_soon(table, today, days), overdue(table)
    messages = []
    for unit in sorted(set(soon["unit"]) | set(late["unit"])):
        lines = [f"截至 {today:%Y年%m月%d日} / as of {today:%Y-%m-%d}"]
        overdue_label = f"{TaskStatus.OVERDUE.label_zh} {TaskStatus.OVERDUE.label_en}"
        for label, frame in ((overdue_label, late), (f"{days} 天内到期 Due within {days} days", soon)):
            rows = frame[frame["unit"] == unit]
            if len(rows):
                lines.append(f"\n{label}:")
                lines += [
                    f"- {r.code} {r.title[:40]}（时限 {r.deadline}，进度 {r.percent:.0f}%）" for r in rows.itertuples()
                ]
        count = int((late["unit"] == unit).sum())
        subject = f"督办提醒：逾期 {count} 项 / Reminder: {count} overdue"
        messages.append(Message(unit=unit, subject=subject, body="\n".join(lines)))
    return messages


def review_report(db: Database, report_id: int, *, accept: bool, user: str, comment: str | None) -> ReviewStatus:
    """Accept or return a submitted progress report (a returned one no longer counts).

    Raise NotFoundError for an unknown report and ConflictError when it is no longer awaiting review; of two
    decisions at the same moment exactly one applies.
    """
    status = ReviewStatus.ACCEPTED if accept else ReviewStatus.RETURNED
    if not accept and not comment:
        raise JundengError("退回须说明原因", "a comment is required to return a report")
    with db.session(write=True) as session:
        if not tasks_repo.review_report(session, report_id=report_id, status=status, user=user, comment=comment):
            raise NotFoundError(f"没有编号为 {report_id} 的进度报告", f"no progress report {report_id}")
    return status


def issue_notice(db: Database, notice: Notice) -> int:
    """Record a supervision notice (督办) to a unit about a task; raise NotFoundError for an unknown task."""
    with db.session(write=True) as session:
        if notice.task not in {t.code for t in tasks_repo.current_tasks(session)}:
            raise NotFoundError(f"未知的任务代码 {notice.task}", f"unknown task code: {notice.task}")
        return tasks_repo.add_notice(session, notice=notice)


def respond(db: Database, notice_id: int, *, response: str, user: str) -> None:
    """Record a unit's response to a notice (answered once; ConflictError after); NotFoundError when unknown."""
    with db.session(write=True) as session:
        if not tasks_repo.respond_notice(session, notice_id=notice_id, response=response, user=user):
            raise NotFoundError(f"没有编号为 {notice_id} 的督办", f"no notice {notice_id}")


def notice_list(db: Database, *, task: str | None = None) -> list[Notice]:
    """Return the supervision notices (of one task)."""
    with db.session() as session:
        return tasks_repo.notices(session, task=task)
