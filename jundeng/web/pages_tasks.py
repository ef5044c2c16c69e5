"""Pages of the task ledger and its supervision (督查督办): the ledger with its filters and pages, one task with
its progress reports (evidence, accept / return) and notices, and the forms that file progress, review it and
issue notices. Every form is a plain HTML form post (CSRF token in the hidden ``csrftoken`` field) answered by a
redirect to the page, which says what was done in the page's language (see :func:`flash`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Light, Notice, ProgressReport, TaskStatus
from jundeng.errors import ForbiddenError, JundengError, NotFoundError
from jundeng.services import ledger as ledger_
from jundeng.services import regions as regions_
from jundeng.services import supervision
from jundeng.store.db import Database
from jundeng.web.auth import OFFICE, SIGNED_IN, WRITERS, allow
from jundeng.web.deps import DB, Programme, RowId, User
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import language
from jundeng.web.pages_base import (
    N_,
    REGION,
    TASK_COLUMNS,
    Column,
    Table,
    allowed,
    choose_programme,
    frame_rows,
    ledger_day,
    render,
)
from jundeng.web.paging import paginate

router = APIRouter(include_in_schema=False)
TASK_STATUSES = tuple(s.value for s in TaskStatus)
LIGHTS = (Light.RED.value, Light.YELLOW.value, Light.GREEN.value)
FLASH = "flash"


def flash(request: Request, zh: str, en: str, *, error: bool = False) -> None:
    """Keep a bilingual message for the next page the user sees (after a form's redirect)."""
    request.session[FLASH] = {"zh": zh, "en": en, "error": error}


def take_flash(request: Request) -> dict[str, Any] | None:
    """Return (and forget) the message kept for this page, in the page's language: {text, error}."""
    kept = request.session.pop(FLASH, None) if "session" in request.scope else None
    if not kept:
        return None
    return {"text": kept["en"] if language(request) == "en" else kept["zh"], "error": bool(kept.get("error"))}


def back(request: Request, target: str, done: tuple[str, str] | JundengError) -> Response:
    """Redirect to ``target`` saying ``done`` (zh, en), or the refusal of a JundengError as an error."""
    if isinstance(done, JundengError):
        flash(request, done.zh, done.en, error=True)
    else:
        flash(request, *done)
    return RedirectResponse(target, status_code=303)


def task_url(code: str) -> str:
    """Return the path of a task's page."""
    return f"/ledger/{quote(code, safe='')}"


@router.get("/ledger", dependencies=[allow(*SIGNED_IN)])
def ledger_page(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    unit: str | None = None,
    district: str | None = None,
    status: str | None = None,
    light: str | None = None,
    today: str | None = None,
    as_of: str | None = None,
) -> Response:
    """The task ledger of the user's programme in scope, filtered by unit, district, status and light, as of a
    date, 50 tasks a page (downloads hold them all); the office's reminder button."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    day = ledger_day(request, as_of or today)
    scoped = ledger_.ledger(db, today=day, principal=user, under=programme.code)
    everything = frame_rows(scoped)
    units = sorted({u for r in everything for u in [*r["lead_units"], *r["responsible_units"]]})
    districts = sorted({d for r in everything for d in r["districts"] or []})
    names = regions_.names(db)
    filters = {"unit": unit or "", "district": district or "", "status": status or "", "light": light or ""}
    rows = frame_rows(ledger_.filter_ledger(scoped, unit=unit, district=district, status=status, light=light))
    counts = {lt: sum(1 for r in rows if r["light"] == lt) for lt in LIGHTS}
    shown, pager = paginate(request, rows)
    table = Table("ledger", N_("任务台账"), TASK_COLUMNS, shown, empty=N_("没有符合条件的任务"))
    return render(
        request,
        user,
        "ledger.html",
        title=N_("任务台账"),
        tables=[table],
        synthetic=ledger_.synthetic_reports(db),
        today=day,
        units=units,
        districts=[(d, names.get(d, d)) for d in districts],
        filters=filters,
        statuses=TASK_STATUSES,
        lights=LIGHTS,
        counts=counts,
        pager=pager,
        office=allowed(user, OFFICE),
        csrf=csrf_token(request),
        flash=take_flash(request),
    )


def _report_rows(db: Database, user: Principal, code: str, names: dict[str, str], csrf: str) -> list[dict[str, Any]]:
    rows = []
    office = allowed(user, OFFICE)
    for r in reversed(ledger_.task_reports(db, code)):
        if user.role == "district" and r.region and not user.sees_region(r.region):
            continue
        row = r.model_dump() | {"region_name": names.get(r.region or "", r.region or ""), "review": r.review.value}
        if office and r.review.value == "submitted":
            url = f"/ledger/reports/{r.id}"
            row["accept"] = {"form": True, "url": f"{url}/accept", "csrf": csrf, "label": N_("接受")}
            row["return"] = {"form": True, "url": f"{url}/return", "csrf": csrf, "label": N_("退回")}
            row["return"]["reason"] = N_("退回原因")
        rows.append(row)
    return rows


REPORT_COLUMNS = [
    Column("id", N_("编号"), "int"),
    Column("as_of", N_("截至日期")),
    Column("reporter", N_("报告单位")),
    Column("region_name", N_("区划")),
    Column("value", N_("完成值"), "num"),
    Column("percent", N_("进度（%）"), "num"),
    Column("narrative", N_("说明")),
    Column("evidence", N_("佐证材料"), "list"),
    Column("review", N_("审核"), "enum"),
    Column("review_comment", N_("审核意见")),
    Column("created_by", N_("填报人")),
]


def _notice_rows(db: Database, user: Principal, code: str, day: date, csrf: str) -> list[dict[str, Any]]:
    mine = supervision.unit_names(db, user)
    return [
        notice_row(n, day, csrf, office=allowed(user, OFFICE), mine=mine)
        for n in supervision.notices(db, user, today=day, task=code)
    ]


def notice_row(n: Notice, day: date, csrf: str, *, office: bool, mine: set[str]) -> dict[str, Any]:
    """Return a notice as a table row, with the respond form for its unit and the close form for the office."""
    row = n.model_dump() | {"overdue": supervision.is_overdue(n, day), "closed": n.closed_at is not None}
    row["state"] = "closed" if row["closed"] else "overdue" if row["overdue"] else "open"
    row["row_class"] = "overdue" if row["overdue"] else None
    row["issued_at"] = f"{n.issued_at:%Y-%m-%d}" if n.issued_at else None
    if n.unit in mine and n.response is None and not row["closed"]:
        row["respond"] = {"form": True, "url": f"/notices/{n.id}/respond", "csrf": csrf, "label": N_("回复")}
        row["respond"]["text"] = N_("回复内容")
    if office and not row["closed"]:
        row["close"] = {"form": True, "url": f"/notices/{n.id}/close", "csrf": csrf, "label": N_("办结")}
    return row


@router.get("/ledger/{code}", dependencies=[allow(*SIGNED_IN)])
def task_page(
    request: Request,
    code: str,
    user: User,
    db: DB,
    programme: Programme,
    today: str | None = None,
    as_of: str | None = None,
) -> Response:
    """One task of the user's programme: its assessment, district shares, progress reports with evidence (the
    office accepts or returns them), notices, and the forms to report progress and issue a notice."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    day = ledger_day(request, as_of or today)
    found = ledger_.ledger(db, today=day, principal=user, under=programme.code)
    found = found[found["code"] == code]
    if found.empty:
        raise NotFoundError(f"未知的任务代码 {code}", f"unknown task code: {code}")
    row = frame_rows(found)[0]
    task = ledger_.current_task(db, code)
    names = regions_.names(db)
    csrf = csrf_token(request)
    reports = _report_rows(db, user, code, names, csrf)
    latest: dict[str, dict[str, Any]] = {}
    for r in reversed(reports):  # oldest first, so the newest wins
        if r["region"] and r["review"] != "returned":
            latest[r["region"]] = r
    shares = [
        {
            "region": s.region,
            "name": names.get(s.region, s.region),
            "target_value": s.target_value,
            "value": latest.get(s.region, {}).get("value"),
            "percent": latest.get(s.region, {}).get("percent"),
        }
        for s in task.shares
        if user.sees_region(s.region)
    ]
    share_table = Table(
        "shares",
        N_("任务分解"),
        [
            REGION,
            Column("name", N_("区划")),
            Column("target_value", N_("分解目标"), "num"),
            Column("value", N_("最新报告值"), "num"),
            Column("percent", N_("最新进度（%）"), "num"),
        ],
        shares,
        empty=N_("未分解到各区"),
    )
    office = allowed(user, OFFICE)
    actions = [Column("accept", N_("接受"), "action"), Column("return", N_("退回"), "action")] if office else []
    report_table = Table("reports", N_("进度报告"), REPORT_COLUMNS + actions, reports, empty=N_("尚无进度报告"))
    notices = Table("notices", N_("督办"), NOTICE_COLUMNS, _notice_rows(db, user, code, day, csrf), N_("尚无督办"))
    units = [*task.lead_units, *task.responsible_units, *(s["name"] for s in shares)]
    return render(
        request,
        user,
        "task.html",
        title=N_("任务"),
        tables=[share_table, report_table, notices],
        synthetic=ledger_.synthetic_reports(db, task=code),
        task=task,
        row=row,
        today=day,
        regions=[(s["region"], s["name"]) for s in shares],
        can_report=allowed(user, WRITERS),
        office=office,
        units=list(dict.fromkeys(units)),
        csrf=csrf,
        flash=take_flash(request),
    )


NOTICE_COLUMNS = [
    Column("id", N_("编号"), "int"),
    Column("task", N_("任务编号"), link="/ledger/{task}"),
    Column("unit", N_("督办对象")),
    Column("request", N_("督办要求")),
    Column("issued_at", N_("下达日期")),
    Column("due", N_("办理时限")),
    Column("state", N_("状态"), "enum"),
    Column("response", N_("回复")),
    Column("respond", N_("回复"), "action"),
    Column("close", N_("办结"), "action"),
]


def _number(text: str | None, name: tuple[str, str]) -> float | None:
    """Return a posted number (None when empty); JundengError naming the field otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise JundengError(f"{name[0]}须为数值：{text}", f"{name[1]} must be a number: {text}") from None


def _read_files(files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """Return (name, content) of the uploaded evidence files, reading no more than the per-file limit (+1 byte)."""
    per_file, _total = ledger_.evidence_limits()
    found = []
    for upload in files:
        if not upload.filename:
            continue  # the form's empty file field
        found.append((upload.filename.replace("\\", "/").rsplit("/", 1)[-1], upload.file.read(per_file + 1)))
    return found


@router.post("/ledger/{code}/progress", dependencies=[allow(*WRITERS)])
def file_report(
    request: Request,
    code: str,
    user: User,
    db: DB,
    programme: Programme,
    as_of: Annotated[str | None, Form()] = None,
    value: Annotated[str | None, Form()] = None,
    percent: Annotated[str | None, Form()] = None,
    region: Annotated[str | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
    evidence: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """File a progress report on a task in scope, with its evidence files (files only, within the size limits)."""
    try:
        report = ProgressReport(
            task=code,
            reporter=user.unit or user.username,
            region=region or None,
            as_of=ledger_.parse_day(as_of) if as_of else date.today(),
            value=_number(value, ("完成值", "the value")),
            percent=_number(percent, ("完成进度", "the percent")),
            narrative=note or None,
        )
        supervision.file_progress(db, user, report, files=_read_files(evidence or []), under=programme.code)
    except (NotFoundError, ForbiddenError):
        raise
    except JundengError as exc:
        return back(request, task_url(code) + "#report-form", exc)
    except ValueError as exc:
        return back(request, task_url(code) + "#report-form", JundengError("进度报告无效", str(exc)))
    return back(
        request, task_url(code) + "#table-reports", ("进度报告已提交，等待审核", "Progress report filed for review")
    )


def _reviewed(request: Request, db: Database, report_id: int, done: tuple[str, str] | JundengError) -> Response:
    place = supervision.report_place(db, report_id)
    return back(request, task_url(place[0]) + "#table-reports" if place else "/ledger", done)


@router.post("/ledger/reports/{report_id}/accept", dependencies=[allow(*OFFICE)])
def accept_report(request: Request, report_id: RowId, user: User, db: DB) -> Response:
    """Accept a submitted progress report (audited)."""
    try:
        ledger_.review_report(db, report_id, accept=True, user=user.username, comment=None)
    except NotFoundError:
        raise
    except JundengError as exc:
        return _reviewed(request, db, report_id, exc)
    return _reviewed(request, db, report_id, (f"已接受进度报告 {report_id}", f"Progress report {report_id} accepted"))


@router.post("/ledger/reports/{report_id}/return", dependencies=[allow(*OFFICE)])
def return_report(
    request: Request, report_id: RowId, user: User, db: DB, reason: Annotated[str | None, Form()] = None
) -> Response:
    """Return a submitted progress report with a reason the reporter sees (audited)."""
    try:
        ledger_.review_report(db, report_id, accept=False, user=user.username, comment=(reason or "").strip())
    except NotFoundError:
        raise
    except JundengError as exc:
        return _reviewed(request, db, report_id, exc)
    return _reviewed(request, db, report_id, (f"已退回进度报告 {report_id}", f"Progress report {report_id} returned"))


@router.get("/ledger/reports/{report_id}/evidence/{index}", dependencies=[allow(*WRITERS)])
def evidence_file(report_id: RowId, index: int, user: User, db: DB) -> Response:
    """Download an evidence file of a report (office, the task's units and the districts of its shares)."""
    name, content = supervision.evidence(db, user, report_id, index)
    disposition = f"attachment; filename=\"evidence\"; filename*=UTF-8''{quote(name, safe='')}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return Response(content, media_type="application/octet-stream", headers=headers)
