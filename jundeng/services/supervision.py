"""Supervision (督查督办) for the web: progress reports with evidence filed and read in scope, notices answered by
the units they are addressed to and closed by the office, reminders sent and kept in the outbox, and each unit's
inbox (tasks due soon, overdue, notices awaiting its answer, returned reports).

Who may do what: the office (and administrators) issues, closes, reviews and reads everything; a department or a
district files progress on the tasks of its scope (see :meth:`Principal.sees_task`) and answers the notices
addressed to its unit (a district also those addressed to its region's name); evidence is read by the office, the
task's units and the districts of its shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Notice, ProgressReport, ReviewStatus, TaskStatus
from jundeng.errors import ForbiddenError, JundengError, NotFoundError
from jundeng.services import ledger
from jundeng.services.ledger import EVIDENCE_FILE_MB, EVIDENCE_TOTAL_MB, MB, evidence_limits
from jundeng.services.notify import Notifier, address
from jundeng.store import regions_repo, tasks_repo
from jundeng.store.db import Database

NOTICE_STATES = ("open", "overdue", "closed")
SOON_DAYS = 30


def check_evidence(files: Sequence[tuple[str, bytes]]) -> None:
    """Refuse evidence files over the size limits (:func:`~jundeng.services.ledger.evidence_limits`) or empty names."""
    per_file, per_report = evidence_limits()
    total = 0
    for name, content in files:
        if not name:
            raise JundengError("佐证材料须为文件", "evidence must be files")
        size = len(content)
        if size > per_file:
            raise JundengError(
                f"佐证文件过大：{size / MB:.1f} MB，单个文件上限 {per_file / MB:g} MB（{EVIDENCE_FILE_MB}）",
                f"evidence file too large: {size / MB:.1f} MB, over {per_file / MB:g} MB per file ({EVIDENCE_FILE_MB})",
                location=name,
            )
        total += size
        if total > per_report:
            raise JundengError(
                f"佐证材料合计超过每份报告上限 {per_report / MB:g} MB（{EVIDENCE_TOTAL_MB}）",
                f"the evidence files exceed {per_report / MB:g} MB per report together ({EVIDENCE_TOTAL_MB})",
                location=name,
            )


def in_scope(db: Database, user: Principal, code: str, *, today: date, under: str | None) -> bool:
    """Return whether the task ``code`` is in the user's ledger (of the programme ``under``)."""
    return code in set(ledger.ledger(db, today=today, principal=user, under=under)["code"])


def file_progress(
    db: Database,
    user: Principal,
    report: ProgressReport,
    *,
    files: Sequence[tuple[str, bytes]] = (),
    under: str | None = None,
) -> int:
    """Store a progress report with its evidence files for a task in the user's scope; return its id.

    NotFoundError for a task out of scope, ForbiddenError for a region out of scope, JundengError for evidence
    over the limits (nothing is stored then)."""
    if not in_scope(db, user, report.task, today=date.today(), under=under):
        raise NotFoundError(f"未知的任务代码 {report.task}", f"unknown task code: {report.task}")
    if report.region and not user.sees_region(report.region):
        raise ForbiddenError("无权为该区划报送", "the region is out of your scope")
    check_evidence(files)
    with db.session(write=True) as session:
        return tasks_repo.add_report(session, report=report, user=user.username, evidence=files)


def reads_evidence(db: Database, user: Principal, task: str, region: str | None) -> bool:
    """Return whether the user may read the evidence of a report on ``task`` (of ``region``)."""
    if user.is_office:
        return True
    found = ledger.current_task(db, task)
    units = [*found.lead_units, *found.responsible_units]
    if user.unit and user.unit in units:
        return True
    regions = [s.region for s in found.shares] + ([region] if region else [])
    return user.role == "district" and any(user.sees_region(r) for r in regions)


def evidence(db: Database, user: Principal, report_id: int, index: int) -> tuple[str, bytes]:
    """Return (name, content) of a report's evidence file; NotFoundError when absent or out of the user's scope."""
    with db.session() as session:
        place = tasks_repo.report_place(session, report_id=report_id)
    if place is None:
        raise NotFoundError(f"没有编号为 {report_id} 的进度报告", f"no progress report {report_id}")
    if not reads_evidence(db, user, *place):  # out of scope reads as absent, as another district's values do
        raise NotFoundError(f"没有编号为 {report_id} 的进度报告", f"no progress report {report_id}")
    with db.session() as session:
        found = tasks_repo.evidence_file(session, report_id=report_id, index=index)
    if found is None:
        raise NotFoundError("没有该佐证文件", f"no such evidence file of report {report_id}")
    return found


def unit_names(db: Database, user: Principal) -> set[str]:
    """Return the names a notice addressed to the user's unit may carry: the unit, and a district's region name."""
    names = {user.unit} if user.unit else set()
    if user.role == "district" and user.region:
        with db.session() as session:
            found = regions_repo.regions(session, level="district")
        names |= {r.name for r in found if r.code == user.region}
    return names


def is_overdue(notice: Notice, today: date) -> bool:
    """Return whether a notice is past its due date without a response and not closed."""
    return notice.due is not None and notice.due < today and notice.response is None and notice.closed_at is None


def notices(
    db: Database,
    user: Principal,
    *,
    today: date,
    state: str | None = None,
    task: str | None = None,
    under: str | None = None,
) -> list[Notice]:
    """Return the notices the user sees (the office and viewers: all; others: those addressed to them) on the
    tasks of the programme ``under`` (when given), filtered by ``state``: open (not closed), overdue (past due,
    unanswered, open) or closed; newest first."""
    with db.session() as session:
        found = tasks_repo.notices(session, task=task)
    if under is not None:
        codes = set(ledger.assessment(db, today=today, under=under)["code"])
        found = [n for n in found if n.task in codes]
    if not (user.is_office or user.role == "viewer"):
        mine = unit_names(db, user)
        found = [n for n in found if n.unit in mine]
    if state == "open":
        found = [n for n in found if n.closed_at is None]
    elif state == "overdue":
        found = [n for n in found if is_overdue(n, today)]
    elif state == "closed":
        found = [n for n in found if n.closed_at is not None]
    return list(reversed(found))


def _notice(db: Database, notice_id: int) -> Notice:
    with db.session() as session:
        found = [n for n in tasks_repo.notices(session) if n.id == notice_id]
    if not found:
        raise NotFoundError(f"没有编号为 {notice_id} 的督办", f"no notice {notice_id}")
    return found[0]


def respond(db: Database, user: Principal, notice_id: int, *, response: str) -> str:
    """Record the answer of the unit a notice is addressed to; return its task. ForbiddenError for anyone else,
    JundengError for an empty answer or a closed notice, ConflictError when answered already."""
    notice = _notice(db, notice_id)
    if notice.unit not in unit_names(db, user):
        raise ForbiddenError("该督办不是发给本单位的", "this notice is not addressed to your unit")
    if not response.strip():
        raise JundengError("请填写回复内容", "write the response")
    if notice.closed_at is not None:
        raise JundengError("督办已办结，不能再回复", "the notice is closed: it takes no response")
    ledger.respond(db, notice_id, response=response.strip(), user=user.username)
    return notice.task


def close(db: Database, notice_id: int, *, user: str) -> str:
    """Close a notice (audited); return its task. ConflictError when it is closed already."""
    notice = _notice(db, notice_id)
    with db.session(write=True) as session:
        tasks_repo.close_notice(session, notice_id=notice_id, user=user)
    return notice.task


def send_reminders(
    db: Database,
    notifier: Notifier,
    *,
    today: date,
    user: str,
    under: str | None = None,
    contacts: dict[str, tuple[str, ...]] | None = None,
) -> list[dict[str, Any]]:
    """Send each unit its reminder (:func:`~jundeng.services.ledger.reminders`) through ``notifier`` and keep
    what was sent to whom in the outbox; return the outbox entries of this sending."""
    messages = ledger.reminders(db, today=today, under=under)
    if contacts:
        messages = address(messages, contacts)
    failed = set(notifier.send(messages))
    sent = [(m.unit, m.subject, m.recipients, m.unit not in failed) for m in messages]
    with db.session(write=True) as session:
        tasks_repo.record_reminders(session, sent=sent, user=user)
    return [{"unit": u, "subject": s, "recipients": list(r), "delivered": d} for u, s, r, d in sent]


def outbox(db: Database) -> list[dict[str, Any]]:
    """Return the reminders sent, newest first (at, by, unit, subject, recipients, delivered)."""
    with db.session() as session:
        return [{"at": at, "by": by, **what} for at, by, what in tasks_repo.outbox(session)]


@dataclass
class Inbox:
    """What awaits a unit: tasks due soon and overdue, notices to answer, reports returned to it."""

    due_soon: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    returned: list[ProgressReport] = field(default_factory=list)


def inbox(db: Database, user: Principal, *, today: date, under: str | None = None, days: int = SOON_DAYS) -> Inbox:
    """Return the user's inbox: its tasks due within ``days`` (open ones), its overdue tasks, the open notices
    addressed to it without a response, and the returned reports on its tasks that it (or its region) filed."""
    from jundeng.io.records import records

    rows = records(ledger.ledger(db, today=today, principal=user, under=under))
    closed = (TaskStatus.COMPLETED.value, TaskStatus.SUSPENDED.value, TaskStatus.OVERDUE.value)
    soon = [r for r in rows if r["status"] not in closed and r["days_left"] is not None and 0 <= r["days_left"] <= days]
    late = [r for r in rows if r["status"] == TaskStatus.OVERDUE.value]
    waiting = [n for n in notices(db, user, today=today, state="open", under=under) if n.response is None]
    codes = {str(r["code"]) for r in rows}
    with db.session() as session:
        reports = [r for r in tasks_repo.reports(session) if r.task in codes and r.review == ReviewStatus.RETURNED]
    if not user.is_office:
        reports = [r for r in reports if _filed_by(user, r)]
    return Inbox(due_soon=soon, overdue=late, notices=waiting, returned=list(reversed(reports)))


def report_place(db: Database, report_id: int) -> tuple[str, str | None] | None:
    """Return (task, region) of a progress report, or None when there is no such report."""
    with db.session() as session:
        return tasks_repo.report_place(session, report_id=report_id)


def _filed_by(user: Principal, report: ProgressReport) -> bool:
    """Return whether a report was filed by the user, its unit or (a district) its region."""
    if report.created_by == user.username or (user.unit and report.reporter == user.unit):
        return True
    return user.role == "district" and report.region is not None and user.sees_region(report.region)
