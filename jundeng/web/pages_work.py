"""Pages of the daily work: data collection (upload, the review queue, the revision history of a value)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.domain.principal import Principal
from jundeng.services import pending as pending_
from jundeng.services import regions as regions_
from jundeng.services import review as review_
from jundeng.services import scope
from jundeng.store.db import Database
from jundeng.web import pages_review
from jundeng.web.auth import OFFICE, WRITERS, allow
from jundeng.web.deps import DB, MAX_VALUE_ID, Programme, User
from jundeng.web.pages_base import (
    N_,
    SYNTHETIC_MARK,
    Column,
    Table,
    allowed,
    ledger_day,
    render,
)
from jundeng.web.pages_tasks import take_flash

router = APIRouter(include_in_schema=False)
INBOX_COLUMNS = [c for c in pages_review.QUEUE_COLUMNS if c.key not in ("batch_name",)]


def _inbox(request: Request, db: Database, user: Principal, names: dict[str, str], under: str | None) -> Table:
    """Return the user's own values not yet approved (awaiting review, returned with the reason, drafts); its
    download is a file in the import format, to correct and upload again."""
    size = 1_000_000 if request.query_params.get("format") else review_.PAGE_SIZE
    page = request.query_params.get("page", "1")
    found = review_.queue(
        db, user, filters=review_.Filters(), under=under, page=int(page) if page.isdigit() else 1, size=size
    )
    rows = pages_review.queue_rows(found.rows, names)
    title = N_("本单位未审定的数据")
    return pages_review.ImportTable("pending", title, INBOX_COLUMNS, rows, empty=N_("没有未审定的数据"))


HISTORY_COLUMNS = [
    Column("revision", N_("修订版次"), "int"),
    Column("value", N_("数值"), "num"),
    Column("numerator", N_("分子"), "num"),
    Column("denominator", N_("分母"), "num"),
    Column("status", N_("状态"), "enum"),
    Column("source", N_("来源")),
    Column("note", N_("备注")),
    Column("reason", N_("审核意见")),
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
    office = allowed(user, OFFICE)
    tables = [] if office else [_inbox(request, db, user, names, programme.code)]
    awaiting = pending_.awaiting_review(db, user, under=programme.code) if office else 0  # counted per data version
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
        for r in revisions:
            r["created_at"] = review_.local_time(r.get("created_at"))
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
        office=office,
        awaiting=awaiting,
        flash=take_flash(request),
        entry_period=str(ledger_day(request, None).year),
    )
