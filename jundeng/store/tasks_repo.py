"""Task ledger persistence: task revisions, progress reports with evidence, supervision notices.

Tasks are stored whole (the :class:`~jundeng.domain.tasks.Task` as JSON) with a revision number: an
edit or a re-import that changes a task adds revision n+1, and the same task again adds nothing.
Progress reports and notices are append-only; their review and responses are written to the audit log, and a
notice's closing (办结) and the reminders sent (the outbox) are audit entries only.

The programme a task was imported into (the top of its subtree, e.g. 420800) is kept beside the task in the same
JSON, under ``programme`` (no column yet); :func:`task_programmes` reads it back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jundeng.domain.tasks import Notice, ProgressReport, ReviewStatus, Task
from jundeng.errors import ConflictError
from jundeng.store.db import serialize
from jundeng.store.models import AttachmentRow, AuditRow, NoticeRow, ProgressReportRow, TaskRow, UnitRow, utcnow

PROGRAMME = "programme"  # the key of the task's programme in TaskRow.data
CLOSE = "close"  # the audit action closing a notice (办结): the notice row itself is never changed by it


def _latest_rows(session: Session) -> list[TaskRow]:
    latest = select(TaskRow.code, func.max(TaskRow.revision).label("rev")).group_by(TaskRow.code).subquery()
    return list(
        session.execute(
            select(TaskRow)
            .join(latest, (TaskRow.code == latest.c.code) & (TaskRow.revision == latest.c.rev))
            .order_by(TaskRow.code)
        ).scalars()
    )


def _task(data: dict[str, object]) -> Task:
    """Return the Task stored in ``data`` (what is kept beside it, such as its programme, left out)."""
    return Task.model_validate({k: v for k, v in data.items() if k in Task.model_fields})


def current_tasks(session: Session) -> list[Task]:
    """Return the latest revision of every task, ordered by code."""
    return [_task(r.data) for r in _latest_rows(session)]


def task_programmes(session: Session) -> dict[str, str | None]:
    """Return, per task code, the programme (top region code) its latest revision was imported into, or None."""
    return {r.code: r.data.get(PROGRAMME) for r in _latest_rows(session)}


def unit_regions(session: Session) -> dict[str, str]:
    """Return the region of each catalogue unit that has one, by unit name and by unit code."""
    found: dict[str, str] = {}
    for code, name, region in session.execute(select(UnitRow.code, UnitRow.name, UnitRow.region)).all():
        if region:
            found[name] = found[code] = region
    return found


def task_history(session: Session, *, code: str) -> list[tuple[int, str, Task]]:
    """Return every revision of a task as (revision, author, task)."""
    rows = session.execute(select(TaskRow).where(TaskRow.code == code).order_by(TaskRow.revision)).scalars()
    return [(r.revision, r.created_by, _task(r.data)) for r in rows]


def save_tasks(
    session: Session, *, tasks: Iterable[Task], user: str, batch: int | None = None, programme: str | None = None
) -> tuple[int, int]:
    """Store new tasks and changed ones as new revisions, with the ``programme`` they belong to when given (else
    the one stored before; a task stored without it, or with another, is changed); return (written, unchanged)."""
    serialize(session, "tasks")  # concurrent imports take turns, each numbering revisions after the last
    rows = {r.code: r for r in _latest_rows(session)}
    written = unchanged = 0
    for task in tasks:
        row = rows.get(task.code)
        same = row is not None and _task(row.data) == task
        if same and (programme is None or row is not None and row.data.get(PROGRAMME) == programme):
            unchanged += 1
            continue
        data = task.model_dump(mode="json")
        kept = programme if programme is not None else row.data.get(PROGRAMME) if row is not None else None
        if kept is not None:
            data[PROGRAMME] = kept
        session.add(
            TaskRow(
                code=task.code,
                revision=(row.revision if row is not None else 0) + 1,
                data=data,
                batch=batch,
                created_by=user,
            )
        )
        written += 1
    return written, unchanged


def add_report(
    session: Session,
    *,
    report: ProgressReport,
    user: str,
    evidence: Sequence[tuple[str, bytes]] = (),
    source: str | None = None,
) -> int:
    """Store a progress report and its evidence files; return the report id."""
    row = ProgressReportRow(
        task=report.task,
        reporter=report.reporter,
        region=report.region,
        as_of=report.as_of,
        value=report.value,
        percent=report.percent,
        narrative=report.narrative,
        review=report.review.value,
        review_comment=report.review_comment,
        source=source,
        created_by=user,
    )
    session.add(row)
    session.flush()
    for filename, content in evidence:
        session.add(
            AttachmentRow(
                report=row.id,
                filename=filename,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
                created_by=user,
            )
        )
    return row.id


def reports(session: Session, *, task: str | None = None, until: date | None = None) -> list[ProgressReport]:
    """Return progress reports (optionally of one task, up to a date), oldest first."""
    query = select(ProgressReportRow).order_by(ProgressReportRow.as_of, ProgressReportRow.id)
    if task is not None:
        query = query.where(ProgressReportRow.task == task)
    if until is not None:
        query = query.where(ProgressReportRow.as_of <= until)
    rows = list(session.execute(query).scalars())
    files: dict[int, list[str]] = {}
    attached = select(AttachmentRow.report, AttachmentRow.filename).order_by(AttachmentRow.id)
    for report_id, filename in session.execute(attached).all():  # one query, not one per report
        files.setdefault(report_id, []).append(filename)
    result = []
    for r in rows:
        result.append(
            ProgressReport(
                task=r.task,
                reporter=r.reporter,
                region=r.region,
                as_of=r.as_of,
                value=r.value,
                percent=r.percent,
                narrative=r.narrative,
                evidence=files.get(r.id, []),
                review=ReviewStatus(r.review),
                review_comment=r.review_comment,
                created_by=r.created_by,
                created_at=r.created_at,
                id=r.id,
            )
        )
    return result


def report_place(session: Session, *, report_id: int) -> tuple[str, str | None] | None:
    """Return (task, region) of a progress report, or None when there is no such report."""
    row = session.get(ProgressReportRow, report_id)
    return None if row is None else (row.task, row.region)


def evidence_file(session: Session, *, report_id: int, index: int) -> tuple[str, bytes] | None:
    """Return (file name, content) of a report's evidence file number ``index`` (from 0, in the order attached)."""
    query = select(AttachmentRow).where(AttachmentRow.report == report_id).order_by(AttachmentRow.id)
    rows = list(session.execute(query.offset(index).limit(1)).scalars()) if index >= 0 else []
    return (rows[0].filename, rows[0].content) if rows else None


def review_report(session: Session, *, report_id: int, status: ReviewStatus, user: str, comment: str | None) -> bool:
    """Accept or return a submitted report (audited); return False when there is no such report.

    Raise ConflictError when it is not awaiting review, also when another reviewer decided it at the same moment:
    the change is conditional on the report still being submitted, so only one of two decisions applies.
    """
    row = session.get(ProgressReportRow, report_id)
    if row is None:
        return False
    before = {"review": row.review, "review_comment": row.review_comment}
    moved = session.execute(
        update(ProgressReportRow)
        .where(ProgressReportRow.id == report_id, ProgressReportRow.review == ReviewStatus.SUBMITTED.value)
        .values(review=status.value, review_comment=comment)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            f"报告 {report_id} 已审核（可能刚由他人审核）",
            f"report {report_id} has already been decided, perhaps by someone else just now",
        )
    session.add(
        AuditRow(
            user=user,
            action="review",
            entity="progress_reports",
            key=str(report_id),
            before=before,
            after={"review": status.value, "review_comment": comment},
        )
    )
    return True


def add_notice(session: Session, *, notice: Notice) -> int:
    """Store a supervision notice; return its id."""
    row = NoticeRow(
        task=notice.task, unit=notice.unit, request=notice.request, issued_by=notice.issued_by, due=notice.due
    )
    session.add(row)
    session.flush()
    return row.id


def respond_notice(session: Session, *, notice_id: int, response: str, user: str) -> bool:
    """Record a unit's response to a notice (audited); return False when there is no such notice.

    A notice is answered once: raise ConflictError when it already has a response, also one given at the same
    moment by someone else (the change is conditional on there being no response yet).
    """
    row = session.get(NoticeRow, notice_id)
    if row is None:
        return False
    moved = session.execute(
        update(NoticeRow)
        .where(NoticeRow.id == notice_id, NoticeRow.response.is_(None))
        .values(response=response, responded_by=user, responded_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            f"督办 {notice_id} 已有回复（可能刚由他人回复）",
            f"notice {notice_id} has already been answered, perhaps by someone else just now",
        )
    session.add(
        AuditRow(
            user=user,
            action="respond",
            entity="notices",
            key=str(notice_id),
            before={"response": None},
            after={"response": response},
        )
    )
    return True


def close_notice(session: Session, *, notice_id: int, user: str) -> bool:
    """Close a notice (the closing is an audit entry: who and when); return False when there is no such notice.

    Raise ConflictError when it is closed already (closings take turns, so of two at once one applies).
    """
    if session.get(NoticeRow, notice_id) is None:
        return False
    serialize(session, "notices")
    if str(notice_id) in _closings(session, [notice_id]):
        raise ConflictError(f"督办 {notice_id} 已办结", f"notice {notice_id} is closed already")
    session.add(
        AuditRow(
            user=user,
            action=CLOSE,
            entity="notices",
            key=str(notice_id),
            before={"closed": False},
            after={"closed": True},
        )
    )
    return True


def _closings(session: Session, ids: Sequence[int] | None) -> dict[str, AuditRow]:
    """Return the closing audit entry of each closed notice (of ``ids``; every one when None), by notice id."""
    query = select(AuditRow).where(AuditRow.entity == "notices", AuditRow.action == CLOSE)
    if ids is not None:
        query = query.where(AuditRow.key.in_([str(i) for i in ids]))
    return {r.key: r for r in session.execute(query.order_by(AuditRow.id)).scalars()}


def notices(session: Session, *, task: str | None = None) -> list[Notice]:
    """Return supervision notices (optionally of one task), oldest first, with who answered and who closed them."""
    query = select(NoticeRow).order_by(NoticeRow.id)
    if task is not None:
        query = query.where(NoticeRow.task == task)
    rows = list(session.execute(query).scalars())
    closed = _closings(session, [r.id for r in rows] if task is not None else None)
    result = []
    for r in rows:
        closing = closed.get(str(r.id))
        result.append(
            Notice(
                task=r.task,
                unit=r.unit,
                request=r.request,
                issued_by=r.issued_by,
                issued_at=r.issued_at,
                due=r.due,
                response=r.response,
                responded_at=r.responded_at,
                id=r.id,
                responded_by=r.responded_by,
                closed_by=closing.user if closing else None,
                closed_at=closing.at if closing else None,
            )
        )
    return result


def record_reminders(session: Session, *, sent: Sequence[tuple[str, str, Sequence[str], bool]], user: str) -> None:
    """Write each reminder sent, (unit, subject, recipients, delivered), to the audit log: the outbox."""
    for unit, subject, recipients, delivered in sent:
        after = {"unit": unit, "subject": subject, "recipients": list(recipients), "delivered": delivered}
        session.add(AuditRow(user=user, action="remind", entity="reminders", key=unit, before=None, after=after))


def outbox(session: Session, *, limit: int = 200) -> list[tuple[str, str, dict[str, object]]]:
    """Return the latest reminders sent, newest first: (when, by whom, what: unit, subject, recipients, delivered)."""
    query = select(AuditRow).where(AuditRow.entity == "reminders").order_by(AuditRow.id.desc()).limit(limit)
    return [(f"{r.at:%Y-%m-%d %H:%M}", r.user, dict(r.after or {})) for r in session.execute(query).scalars()]


def has_reports_from(session: Session, *, marker: str, task: str | None = None) -> bool:
    """Return True when some progress report (of ``task``) has a source containing ``marker``."""
    query = select(ProgressReportRow.id).where(ProgressReportRow.source.contains(marker))
    if task is not None:
        query = query.where(ProgressReportRow.task == task)
    return session.execute(query.limit(1)).first() is not None


def ledger_version(session: Session) -> tuple[int, int, int]:
    """Return (newest task revision, newest progress report, newest audit entry): it changes with every write
    to the ledger (reviews, responses and closings are audited), so an assessment can be cached under it."""
    found = session.execute(
        select(
            select(func.max(TaskRow.id)).scalar_subquery(),
            select(func.max(ProgressReportRow.id)).scalar_subquery(),
            select(func.max(AuditRow.id)).scalar_subquery(),
        )
    ).one()
    return int(found[0] or 0), int(found[1] or 0), int(found[2] or 0)
