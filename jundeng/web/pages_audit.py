"""The audit log page for the office and the administrator: who changed what and when, filtered by entity,
user and dates, 50 entries a page, each state before and after shown as ``key: value`` without secrets."""

from __future__ import annotations

from datetime import date
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jundeng.services import audit as audit_service
from jundeng.web.auth import OFFICE, allow
from jundeng.web.deps import DB, User
from jundeng.web.pages_base import N_, Column, Table, render
from jundeng.web.paging import PAGE_SIZE, page_number, pager

router = APIRouter(include_in_schema=False)

DOWNLOAD_LIMIT = 10_000  # entries a download of the filtered log holds at most
ACTIONS = {
    "insert": N_("新增"),
    "update": N_("修改"),
    "delete": N_("删除"),
    "retire": N_("停用"),
    "restore": N_("恢复"),
    "publish": N_("公开"),
    "withdraw": N_("撤回公开"),
    "choose": N_("选用"),
    "review": N_("审核"),
    "status": N_("状态变更"),
    "enable": N_("启用用户"),
    "disable": N_("停用用户"),
    "reset-password": N_("重置密码"),
    "remind": N_("催办"),
    "respond": N_("答复"),
}
COLUMNS = [
    Column("at", N_("时间（UTC）")),
    Column("user", N_("操作人")),
    Column("action", N_("操作")),
    Column("entity", N_("对象")),
    Column("key", N_("编号")),
    Column("before", N_("修改前")),
    Column("after", N_("修改后")),
]


def _day(text: str, problems: list[str]) -> date | None:
    """Return ``text`` as a date (None when empty); note a malformed one in ``problems`` and ignore it."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(text)
        return None


@router.get("/audit", dependencies=[allow(*OFFICE)])
def audit_page(request: Request, user: User, db: DB) -> Response:
    """The audit log, newest first: filter by entity, user and date range (``?entity=&user=&from=&to=``)."""
    asked = {k: request.query_params.get(k, "").strip() for k in ("entity", "user", "from", "to")}
    bad: list[str] = []
    since, until = _day(asked["from"], bad), _day(asked["to"], bad)
    download = bool(request.query_params.get("format"))
    size = DOWNLOAD_LIMIT if download else PAGE_SIZE
    read = partial(
        audit_service.page, db, entity=asked["entity"] or None, user=asked["user"] or None, since=since, until=until
    )
    found = read(number=1 if download else page_number(request), size=size)
    paging = pager(request, found.total)
    if not download and paging.number != page_number(request):  # past the last page: show the last one
        found = read(number=paging.number, size=size)
    rows = [
        {
            "at": f"{e.at:%Y-%m-%d %H:%M}",
            "user": e.user,
            "action": ACTIONS.get(e.action, e.action),
            "entity": e.entity,
            "key": e.key,
            "before": audit_service.readable(e.before),
            "after": audit_service.readable(e.after),
        }
        for e in found.entries
    ]
    table = Table("audit", N_("审计日志"), COLUMNS, rows, empty=N_("没有符合条件的审计记录"))
    return render(
        request,
        user,
        "audit.html",
        title=N_("审计日志"),
        tables=[table],
        pager=paging,
        filters=asked,
        entities=audit_service.entities(db),
        bad_dates=bad,
    )
