"""The review queue page: submitted values filtered by district, indicator, period and import batch, 50 a page,
each with the value approved before it and the change; approve or return one value, a selection or the whole
filtered set with one reason. The forms post without JavaScript (the CSRF token in the hidden ``csrftoken``
field) and answer with a redirect back to the same filters, which says what was done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from jundeng.domain.observations import ObservationStatus
from jundeng.errors import JundengError
from jundeng.io import sanitize
from jundeng.services import regions as regions_
from jundeng.services import review as review_
from jundeng.web.auth import OFFICE, WRITERS, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import language
from jundeng.web.pages_base import INDICATOR, N_, Column, Table, allowed, render

router = APIRouter(include_in_schema=False)

IMPORT_COLUMNS = ("indicator", "region", "period", "value", "note")  # docs/import-format.md
QUEUE_COLUMNS = [
    Column("id", N_("编号"), link="/data?history={id}"),
    INDICATOR,
    Column("region_name", N_("区划")),
    Column("period", N_("期间")),
    Column("breakdown", N_("分组")),
    Column("value", N_("数值"), "num"),
    Column("previous", N_("上次审定值"), "num"),
    Column("change", N_("变化"), "num"),
    Column("change_pct", N_("变化率"), "pct"),
    Column("status", N_("状态"), "enum"),
    Column("reason", N_("审核意见")),
    Column("batch_name", N_("导入批次")),
    Column("created_by", N_("填报人")),
    Column("created_at", N_("填报时间")),
]
DONE = {
    "approved": N_("已通过 {n} 个数值"),
    "rejected": N_("已退回 {n} 个数值，原因已告知填报单位"),
}
FAILED = {
    "reason": N_("退回须说明原因"),
    "none": N_("请选择要审核的数据"),
}


class ImportTable(Table):
    """A table of values whose download is a file in the import format (indicator, region, period, value, note,
    one column per disaggregation dimension, region_name ignored by the reader): it can be corrected and
    uploaded again."""

    def export(self, _: Callable[[str], str]) -> tuple[list[str], list[list[Any]]]:
        """Return the header and rows in the import format."""
        dims = sorted({part.split("=")[0] for r in self.rows for part in _parts(r)})
        header = [*IMPORT_COLUMNS, *dims, "region_name"]
        rows = []
        for r in self.rows:
            given = dict(part.split("=", 1) for part in _parts(r))
            cells = [r.get(c) for c in IMPORT_COLUMNS] + [given.get(d, "") for d in dims] + [r.get("region_name")]
            rows.append([sanitize.cell(c) for c in cells])
        return header, rows


def _parts(row: dict[str, Any]) -> list[str]:
    return [p for p in str(row.get("disaggregation") or "").split(";") if "=" in p]


def queue_rows(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Return queue rows with the region's name and the disaggregation shown as text."""
    return [r | {"region_name": names.get(r["region"], r["region"]), "breakdown": " ".join(_parts(r))} for r in rows]


def _filters(district: str | None, indicator: str | None, period: str | None, batch: str | None) -> review_.Filters:
    number = int(batch) if batch and batch.isdigit() else None
    return review_.Filters(district or None, indicator or None, period or None, number)


def _query(filters: review_.Filters, **more: Any) -> str:
    found = {
        "district": filters.district,
        "indicator": filters.indicator,
        "period": filters.period,
        "batch": filters.batch,
        **more,
    }
    return urlencode({k: v for k, v in found.items() if v not in (None, "")})


@router.get("/review", dependencies=[allow(*WRITERS)])
def review_page(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    district: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    batch: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The review queue (offices: values awaiting review, with the decision forms; a district or department: its
    own values not yet approved, with the reason of each return)."""
    filters = _filters(district, indicator, period, batch)
    found = review_.queue(db, user, filters=filters, under=programme.code, page=page)
    names = regions_.names(db)
    office = allowed(user, OFFICE)
    title = N_("待审核数据") if office else N_("本单位未审定的数据")
    table = ImportTable("review", title, QUEUE_COLUMNS, queue_rows(found.rows, names), empty=N_("没有待审核的数据"))
    done, failed = request.query_params.get("done"), request.query_params.get("failed")
    message = None
    if done in DONE:
        message = ("done", DONE[done], request.query_params.get("n", "0"))
    elif failed in FAILED:
        message = ("failed", FAILED[failed], "")
    elif failed == "other":
        message = ("failed", request.query_params.get("why", "")[:300], "")
    pages = [(n, _query(filters, page=n)) for n in range(1, found.pages + 1)]
    return render(
        request,
        user,
        "review.html",
        title=N_("数据审核"),
        tables=[table],
        queue=found,
        office=office,
        filters=filters,
        hidden={k: v for k, v in vars(filters).items() if v is not None},
        districts=[(d, names.get(d, d)) for d in found.districts],
        pages=pages,
        message=message,
        csrf=csrf_token(request),
    )


@router.post("/review/decide", dependencies=[allow(*OFFICE)])
def decide(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    do: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    district: Annotated[str, Form()] = "",
    indicator: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    batch: Annotated[str, Form()] = "",
) -> Response:
    """Approve or return (``do`` = approve|reject, then :selected, :all or :ID) and go back to the same filters."""
    filters = _filters(district, indicator, period, batch)
    action, _sep, which = do.partition(":")
    status = ObservationStatus.APPROVED if action == "approve" else ObservationStatus.REJECTED
    if action not in ("approve", "reject"):
        return RedirectResponse(f"/review?{_query(filters, failed='none')}", status_code=303)
    if status is ObservationStatus.REJECTED and not reason.strip():
        return RedirectResponse(f"/review?{_query(filters, failed='reason')}", status_code=303)
    chosen = [int(which)] if which.isdigit() else list(ids or [])
    if which != "all" and not chosen:
        return RedirectResponse(f"/review?{_query(filters, failed='none')}", status_code=303)
    try:
        count = review_.decide(
            db,
            user,
            status=status,
            reason=reason,
            ids=chosen,
            filters=filters if which == "all" else None,
            under=programme.code,
        )
    except JundengError as exc:
        why = exc.en if language(request) == "en" else exc.zh
        return RedirectResponse(f"/review?{_query(filters, failed='other', why=why)}", status_code=303)
    return RedirectResponse(f"/review?{_query(filters, done=status.value, n=count)}#done", status_code=303)
