"""Pages of supervision (督查督办) beyond one task: notices (issue, respond, close; the list with overdue ones
highlighted), reminders sent from the ledger with the outbox, the bulletin of a period, and each unit's inbox.
Forms post without JavaScript and answer with a redirect that says what was done (:func:`.pages_tasks.flash`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from jundeng.domain.tasks import Notice
from jundeng.errors import ForbiddenError, JundengError, NotFoundError
from jundeng.io.records import plain, records
from jundeng.services import ledger as ledger_
from jundeng.services import notify, supervision
from jundeng.services import regions as regions_
from jundeng.services import review as review_
from jundeng.web import pages_review
from jundeng.web.auth import OFFICE, SIGNED_IN, WRITERS, allow
from jundeng.web.deps import DB, Programme, RowId, User
from jundeng.web.forms import csrf_token
from jundeng.web.pages_base import N_, TASK_COLUMNS, Column, Table, allowed, choose_programme, ledger_day, render
from jundeng.web.pages_tasks import NOTICE_COLUMNS, back, notice_row, take_flash, task_url

router = APIRouter(include_in_schema=False)
BULLETIN_ROLES = ("admin", "office", "viewer")
RETURNED_VALUES = [
    c for c in pages_review.QUEUE_COLUMNS if c.key in ("id", "indicator", "region_name", "period", "value", "reason")
]


@router.post("/ledger/{code}/notices", dependencies=[allow(*OFFICE)])
def issue_notice(
    request: Request,
    code: str,
    user: User,
    db: DB,
    unit: Annotated[str | None, Form()] = None,
    request_text: Annotated[str | None, Form(alias="request")] = None,
    due: Annotated[str | None, Form()] = None,
) -> Response:
    """Issue a notice (督办) about a task to a unit, with a request and a due date."""
    target = task_url(code) + "#table-notices"
    try:
        if not (unit or "").strip() or not (request_text or "").strip():
            raise JundengError("请填写督办对象和督办要求", "give the unit and the request")
        notice = Notice(
            task=code,
            unit=(unit or "").strip(),
            request=(request_text or "").strip(),
            issued_by=user.username,
            due=ledger_.parse_day(due) if due else None,
        )
        notice_id = ledger_.issue_notice(db, notice)
    except NotFoundError:
        raise
    except JundengError as exc:
        return back(request, target, exc)
    return back(
        request, target, (f"督办 {notice_id} 已下达：{notice.unit}", f"Notice {notice_id} issued to {notice.unit}")
    )


def _came_from(request: Request, task: str | None) -> str:
    """Return where a notice form goes back to: the notices list when posted from it, else the task's page."""
    if request.query_params.get("back") == "notices" or task is None:
        return "/notices"
    return task_url(task) + "#table-notices"


@router.post("/notices/{notice_id}/respond", dependencies=[allow(*WRITERS)])
def respond(
    request: Request, notice_id: RowId, user: User, db: DB, response: Annotated[str | None, Form()] = None
) -> Response:
    """Answer a notice addressed to the user's unit (once)."""
    try:
        task = supervision.respond(db, user, notice_id, response=response or "")
    except (NotFoundError, ForbiddenError):
        raise
    except JundengError as exc:
        return back(request, _came_from(request, None), exc)
    return back(request, _came_from(request, task), (f"已回复督办 {notice_id}", f"Notice {notice_id} answered"))


@router.post("/notices/{notice_id}/close", dependencies=[allow(*OFFICE)])
def close(request: Request, notice_id: RowId, user: User, db: DB) -> Response:
    """Close a notice (办结; audited)."""
    try:
        task = supervision.close(db, notice_id, user=user.username)
    except NotFoundError:
        raise
    except JundengError as exc:
        return back(request, _came_from(request, None), exc)
    return back(request, _came_from(request, task), (f"督办 {notice_id} 已办结", f"Notice {notice_id} closed"))


@router.get("/notices", dependencies=[allow(*SIGNED_IN)])
def notices_page(request: Request, user: User, db: DB, programme: Programme, state: str | None = None) -> Response:
    """The notices the user sees on the tasks of the programme, filtered by state (open, overdue, closed), the
    overdue ones highlighted."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    day = ledger_day(request, None)
    chosen = state if state in supervision.NOTICE_STATES else None
    csrf = csrf_token(request)
    mine = supervision.unit_names(db, user)
    rows = []
    for n in supervision.notices(db, user, today=day, state=chosen, under=programme.code):
        row = notice_row(n, day, csrf, office=allowed(user, OFFICE), mine=mine)
        for key in ("respond", "close"):
            if key in row:
                row[key]["url"] += "?back=notices"
        rows.append(row)
    table = Table("notices", N_("督办"), NOTICE_COLUMNS, rows, empty=N_("没有符合条件的督办"))
    return render(
        request,
        user,
        "notices.html",
        title=N_("督办"),
        tables=[table],
        state=chosen or "",
        states=supervision.NOTICE_STATES,
        today=day,
        flash=take_flash(request),
    )


@router.post("/ledger/remind", dependencies=[allow(*OFFICE)])
def remind(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """Send each unit its reminder (overdue tasks and those due within 30 days) through the configured notifier."""
    try:
        notifier, contacts = notify.configured()
        sent = supervision.send_reminders(
            db, notifier, today=ledger_day(request, None), user=user.username, under=programme.code, contacts=contacts
        )
    except (JundengError, OSError) as exc:
        error = exc if isinstance(exc, JundengError) else JundengError(f"提醒发送失败：{exc}", f"sending failed: {exc}")
        return back(request, "/reminders", error)
    failed = sum(1 for s in sent if not s["delivered"])
    zh = f"已向 {len(sent) - failed} 个单位发送提醒，{failed} 个未送达"
    return back(request, "/reminders", (zh, f"Reminders sent to {len(sent) - failed} units, {failed} not delivered"))


@router.get("/reminders", dependencies=[allow(*OFFICE)])
def outbox_page(request: Request, user: User, db: DB) -> Response:
    """The outbox: each reminder sent, when, by whom, to which unit and addresses, and whether it was delivered."""
    rows = supervision.outbox(db)
    columns = [
        Column("at", N_("发送时间")),
        Column("by", N_("发送人")),
        Column("unit", N_("单位")),
        Column("subject", N_("主题")),
        Column("recipients", N_("收件地址"), "list"),
        Column("delivered", N_("已送达")),
    ]
    table = Table("outbox", N_("发件箱"), columns, rows, empty=N_("尚未发送提醒"))
    return render(request, user, "outbox.html", title=N_("督办提醒"), tables=[table], flash=take_flash(request))


BULLETIN_COLUMNS = [
    Column("unit", N_("单位")),
    Column("tasks", N_("任务数"), "int"),
    Column("completed", N_("已完成"), "int"),
    Column("on_track", N_("按序时推进"), "int"),
    Column("behind", N_("滞后"), "int"),
    Column("overdue", N_("逾期"), "int"),
    Column("red", N_("红灯"), "int"),
    Column("yellow", N_("黄灯"), "int"),
    Column("green", N_("绿灯"), "int"),
]
LATE_COLUMNS = [
    Column("code", N_("任务编号"), link="/ledger/{code}"),
    Column("unit", N_("单位")),
    Column("title", N_("任务内容")),
    Column("percent", N_("完成进度（%）"), "num"),
    Column("reason", N_("原因")),
]


@router.get("/bulletin", dependencies=[allow(*BULLETIN_ROLES)])
def bulletin_page(request: Request, user: User, db: DB, programme: Programme, period: str | None = None) -> Response:
    """The bulletin (定期通报) of a period (2017, 2017H2, 2017Q3, 2017-09) per unit, with the tasks behind and overdue;
    downloadable as CSV or XLSX."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    day = ledger_day(request, None)
    chosen = (period or "").strip() or f"{day.year}"
    try:
        start, end = ledger_.period_bounds(chosen)
    except ValueError:
        en = f"write the period as 2017, 2017H2, 2017Q3 or 2017-09: {chosen}"
        raise JundengError(f"期间格式有误：{chosen}", en) from None
    result = ledger_.period_bulletin(db, start=start, end=end, today=day, under=programme.code)
    tables = [
        Table("by_unit", N_("各单位任务进展"), BULLETIN_COLUMNS, records(result.by_unit)),
        Table("behind", N_("滞后任务"), LATE_COLUMNS, [_late(r) for r in result.behind], empty=N_("没有滞后任务")),
        Table("overdue", N_("逾期任务"), LATE_COLUMNS, [_late(r) for r in result.overdue], empty=N_("没有逾期任务")),
    ]
    return render(
        request,
        user,
        "bulletin.html",
        title=N_("定期通报"),
        tables=tables,
        period=chosen,
        start=start,
        end=end,
        synthetic=ledger_.synthetic_reports(db),
    )


def _late(row: Any) -> dict[str, Any]:
    """Return a behind or overdue task of the bulletin as a table row (plain values)."""
    return {k: plain(v) for k, v in dict(row).items()}


@router.get("/inbox", dependencies=[allow(*WRITERS)])
def inbox_page(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """My tasks: the user's tasks due within 30 days and overdue, notices awaiting its answer, returned reports."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    day = ledger_day(request, None)
    found = supervision.inbox(db, user, today=day, under=programme.code)
    csrf = csrf_token(request)
    mine = supervision.unit_names(db, user)
    waiting = [notice_row(n, day, csrf, office=False, mine=mine) for n in found.notices]
    for row in waiting:
        if "respond" in row:
            row["respond"]["url"] += "?back=notices"
    returned = [r.model_dump() | {"review": r.review.value} for r in found.returned]
    report_columns = [
        Column("task", N_("任务编号"), link="/ledger/{task}"),
        Column("as_of", N_("截至日期")),
        Column("narrative", N_("说明")),
        Column("review_comment", N_("退回原因")),
        Column("created_by", N_("填报人")),
    ]
    values: list[dict[str, Any]] = []
    if not allowed(user, OFFICE):  # the unit's values returned by the reviewer, with the reason, to correct
        rejected = review_.Filters(status="rejected")
        queue = review_.queue(db, user, filters=rejected, under=programme.code, size=review_.PAGE_SIZE)
        values = pages_review.queue_rows(queue.rows, regions_.names(db))
    tables = [
        Table("returned_values", N_("被退回的数据"), RETURNED_VALUES, values, empty=N_("没有被退回的数据")),
        Table("overdue", N_("逾期任务"), TASK_COLUMNS, found.overdue, empty=N_("没有逾期任务")),
        Table("due_soon", N_("30 天内到期的任务"), TASK_COLUMNS, found.due_soon, empty=N_("30 天内没有到期的任务")),
        Table("waiting", N_("待回复的督办"), NOTICE_COLUMNS, waiting, empty=N_("没有待回复的督办")),
        Table("returned", N_("被退回的进度报告"), report_columns, returned, empty=N_("没有被退回的进度报告")),
    ]
    return render(
        request, user, "inbox.html", title=N_("我的任务"), tables=tables, today=day, flash=take_flash(request)
    )
