"""Pages of the daily work: the task ledger with its filters, one task with its progress and report form,
and data collection (upload, the review queue, the revision history of a value)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Light, TaskStatus
from jundeng.errors import NotFoundError
from jundeng.services import ledger as ledger_
from jundeng.services import regions as regions_
from jundeng.services import scope
from jundeng.store.db import Database
from jundeng.web.auth import OFFICE, SIGNED_IN, WRITERS, allow
from jundeng.web.deps import DB, MAX_VALUE_ID, Programme, User
from jundeng.web.pages_base import (
    INDICATOR,
    N_,
    REGION,
    SYNTHETIC_MARK,
    TASK_COLUMNS,
    Column,
    Table,
    allowed,
    choose_programme,
    frame_rows,
    ledger_day,
    render,
)

router = APIRouter(include_in_schema=False)
TASK_STATUSES = tuple(s.value for s in TaskStatus)
LIGHTS = (Light.RED.value, Light.YELLOW.value, Light.GREEN.value)


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
    date."""
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
    table = Table("ledger", N_("任务台账"), TASK_COLUMNS, rows, empty=N_("没有符合条件的任务"))
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
    )


def _report_rows(db: Database, user: Principal, code: str, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in reversed(ledger_.task_reports(db, code)):
        if user.role == "district" and r.region and not user.sees_region(r.region):
            continue
        rows.append(
            r.model_dump() | {"region_name": names.get(r.region or "", r.region or ""), "review": r.review.value}
        )
    return rows


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
    """One task of the user's programme: its assessment, district shares, progress history and (for reporters)
    the report form."""
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
    reports = _report_rows(db, user, code, names)
    latest: dict[str, dict[str, Any]] = {}
    for r in reversed(reports):  # oldest first, so the newest wins
        if r["region"]:
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
    report_table = Table(
        "reports",
        N_("进度报告"),
        [
            Column("as_of", N_("截至日期")),
            Column("reporter", N_("报告单位")),
            Column("region_name", N_("区划")),
            Column("value", N_("完成值"), "num"),
            Column("percent", N_("进度（%）"), "num"),
            Column("narrative", N_("说明")),
            Column("review", N_("审核"), "enum"),
            Column("created_by", N_("填报人")),
        ],
        reports,
        empty=N_("尚无进度报告"),
    )
    regions = [(s["region"], s["name"]) for s in shares]
    return render(
        request,
        user,
        "task.html",
        title=N_("任务"),
        tables=[share_table, report_table],
        synthetic=ledger_.synthetic_reports(db, task=code),
        task=task,
        row=row,
        today=day,
        regions=regions,
        can_report=allowed(user, WRITERS),
        now=date.today(),
    )


QUEUE_COLUMNS = [
    Column("id", N_("编号"), link="/data?history={id}"),
    INDICATOR,
    Column("region", N_("区划代码")),
    Column("region_name", N_("区划")),
    Column("period", N_("期间")),
    Column("breakdown", N_("分组")),
    Column("value", N_("数值"), "num"),
    Column("status", N_("状态"), "enum"),
    Column("revision", N_("修订版次"), "int"),
    Column("created_by", N_("填报人")),
    Column("created_at", N_("填报时间")),
]
DIMENSIONS = ("urban_rural", "hukou", "sex", "age_group")


def _queue(db: Database, user: Principal, names: dict[str, str], under: str | None) -> Table:
    if allowed(user, OFFICE):
        frame = scope.observations(db, user, status=ObservationStatus.SUBMITTED, under=under)
    else:
        frame = scope.observations(db, user, under=under)
        frame = frame[frame["status"].isin(["submitted", "rejected", "draft"])]
    rows = frame_rows(frame)
    for r in rows:
        r["region_name"] = names.get(r["region"], r["region"])
        r["breakdown"] = " ".join(f"{d}={r[d]}" for d in DIMENSIONS if r.get(d))
        r["approve"] = {"label": N_("通过"), "url": f"/api/v1/observations/{r['id']}/approve"}
        r["reject"] = {"label": N_("退回"), "url": f"/api/v1/observations/{r['id']}/reject", "comment": True}
    if allowed(user, OFFICE):
        columns = [*QUEUE_COLUMNS, Column("approve", N_("通过"), "action"), Column("reject", N_("退回"), "action")]
        return Table("review", N_("待审核数据"), columns, rows, empty=N_("没有待审核的数据"))
    return Table("pending", N_("本单位未审定的数据"), QUEUE_COLUMNS, rows, empty=N_("没有未审定的数据"))


HISTORY_COLUMNS = [
    Column("revision", N_("修订版次"), "int"),
    Column("value", N_("数值"), "num"),
    Column("numerator", N_("分子"), "num"),
    Column("denominator", N_("分母"), "num"),
    Column("status", N_("状态"), "enum"),
    Column("source", N_("来源")),
    Column("note", N_("备注")),
    Column("created_by", N_("填报人")),
    Column("created_at", N_("填报时间")),
]


@router.get("/data", dependencies=[allow(*WRITERS)])
def data_page(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    history: Annotated[int | None, Query(ge=1, le=MAX_VALUE_ID)] = None,
) -> Response:
    """Upload a data file, review submitted values (office; of the user's programme, every programme's until
    one is chosen), follow the revisions of one value."""
    names = regions_.names(db)
    tables = [_queue(db, user, names, programme.code)]
    subject = None
    if history is not None:
        revisions = scope.history(db, user, obs_id=history)
        first = revisions[0]
        subject = {
            "indicator": first["indicator"],
            "region": names.get(first["region"], first["region"]),
            "period": first["period"],
            "disaggregation": first["disaggregation"],
        }
        tables.append(Table("history", N_("修订记录"), HISTORY_COLUMNS, list(reversed(revisions))))
    synthetic = bool(any(SYNTHETIC_MARK in str(r.get("source") or "") for t in tables for r in t.rows))
    return render(
        request,
        user,
        "data.html",
        title=N_("数据报送"),
        tables=tables,
        synthetic=synthetic,
        subject=subject,
        office=allowed(user, OFFICE),
    )
