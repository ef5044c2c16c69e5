"""The review queue: submitted values filtered by district, indicator, period and import batch, a page at a time,
with the value last approved before each and the change; decisions on one value, a selection or the whole filtered
set with one reason (required to return); and the reason of each decision, which the submitter reads.

Offices and administrators review; a district sees its own values (awaiting review, returned or draft) and why each
was returned. Out of scope reads the same as absent.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.orm import Session

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import OFFICE, Principal
from jundeng.errors import ForbiddenError, JundengError
from jundeng.store import observations_repo, regions_repo, review_repo
from jundeng.store.db import Database

PAGE_SIZE = 50
OWN = ("submitted", "rejected", "draft")  # what a district follows of its own values
MAX_REASON = 500


@dataclass(frozen=True)
class Filters:
    """What the queue is narrowed to (None: everything in scope)."""

    district: str | None = None
    indicator: str | None = None
    period: str | None = None
    batch: int | None = None
    status: str | None = None  # one of the statuses the principal follows (a district's returned values)


@dataclass
class Queue:
    """One page of the queue, how many values match in all, and the choices each filter offers."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    districts: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    batches: list[dict[str, Any]] = field(default_factory=list)


def local_time(value: Any) -> str:
    """Return a stored (UTC) time as the office's local ``YYYY-MM-DD HH:MM`` ($JUNDENG_TIMEZONE, Asia/Shanghai)."""
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    zone = ZoneInfo(os.environ.get("JUNDENG_TIMEZONE") or "Asia/Shanghai")
    stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
    return stamp.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _frame(session: Session, principal: Principal, filters: Filters, under: str | None) -> pl.DataFrame:
    """Return the values of the queue in the principal's scope matching ``filters``."""
    from jundeng.services.scope import codes_in

    statuses = ["submitted"] if principal.role in OFFICE else list(OWN)
    if principal.role not in (*OFFICE, "district", "department"):
        raise ForbiddenError("无权查看审核队列", "you may not see the review queue")
    allowed = sorted(codes_in(session, principal))
    wanted = [c for c in allowed if c == filters.indicator] if filters.indicator else allowed
    frame = review_repo.queue(
        session,
        statuses=statuses,
        indicators=wanted,
        periods=[filters.period] if filters.period else None,
        batch=filters.batch,
    )
    if filters.status:
        frame = frame.filter(pl.col("status") == filters.status)
    for root in (under, filters.district):
        if root:
            frame = frame.filter(pl.col("region").is_in(sorted(regions_repo.subtree_codes(session, root=root))))
    if principal.role == "district":
        frame = frame.filter(pl.col("region").map_elements(principal.sees_region, return_dtype=pl.Boolean))
    return frame


def _district_of(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """Return region code → the code of the district (county-level region) it lies in, itself when none."""
    parents = {r.code: (r.parent, r.level) for r in regions_repo.regions(session)}
    found = {}
    for code in codes:
        here: str | None = code
        while here is not None and parents.get(here, (None, None))[1] not in ("district", None):
            here = parents[here][0]
        found[code] = here or code
    return found


def queue(
    db: Database,
    principal: Principal,
    *,
    filters: Filters,
    under: str | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Queue:
    """Return one page (``size`` values) of the queue with the previous approved value, the change, the
    batch, the reason of the last decision and the local time of each."""
    with db.session() as session:
        everything = _frame(session, principal, Filters(), under)
        frame = _frame(session, principal, filters, under) if filters != Filters() else everything
        pages = max(1, -(-frame.height // size))
        page = min(max(page, 1), pages)
        shown = frame.slice((page - 1) * size, size)
        previous = review_repo.previous_approved(session, shown)
        reasons = review_repo.reasons(session, shown["id"].to_list())
        batch_ids = [b for b in everything["batch"].unique().to_list() if b is not None]
        batches = review_repo.batches(session, batch_ids)
        districts = _district_of(session, everything["region"].unique().to_list())
    rows = []
    for row in shown.iter_rows(named=True):
        before = previous.get((row["indicator"], row["region"], row["period"], row["disaggregation"], row["revision"]))
        change = None if before is None or row["value"] is None else row["value"] - before
        ratio = None if change is None or not before else change / abs(before)
        name = batches.get(row["batch"], ("", "", None))[0] if row["batch"] is not None else ""
        rows.append(
            row
            | {
                "previous": before,
                "change": change,
                "change_pct": ratio,
                "reason": reasons.get(row["id"]),
                "batch_name": f"#{row['batch']} {name}" if row["batch"] is not None else "",
                "created_at": local_time(row["created_at"]),
            }
        )
    return Queue(
        rows=rows,
        total=frame.height,
        page=page,
        pages=pages,
        districts=sorted(set(districts.values())),
        indicators=sorted(everything["indicator"].unique().to_list()),
        periods=sorted(everything["period"].unique().to_list()),
        batches=[
            {"id": b, "name": f"#{b} {n}", "by": by, "at": local_time(at)}
            for b, (n, by, at) in sorted(batches.items(), reverse=True)
        ],
    )


def decide(
    db: Database,
    principal: Principal,
    *,
    status: ObservationStatus,
    reason: str | None,
    ids: Sequence[int] = (),
    filters: Filters | None = None,
    under: str | None = None,
) -> int:
    """Approve or return the values ``ids`` (or, with ``filters``, every value the filtered queue holds) with one
    reason (required to return); each change is audited with it. Return how many changed: a value not awaiting
    review in the reviewer's scope is left alone."""
    if principal.role not in OFFICE:
        raise ForbiddenError("只有均等化办可以审核数据", "only the equalization office reviews data")
    text = (reason or "").strip() or None
    if status is ObservationStatus.REJECTED and not text:
        raise JundengError("退回须说明原因", "a reason is required to return a value")
    if text and len(text) > MAX_REASON:
        raise JundengError(f"原因不能超过 {MAX_REASON} 字", f"the reason may be at most {MAX_REASON} characters")
    if filters is None and not ids:
        raise JundengError("请选择要审核的数据", "choose the values to review")
    with db.session(write=True) as session:
        frame = _frame(session, principal, filters or Filters(), under)
        chosen = frame["id"].to_list() if filters is not None else [i for i in ids if i in set(frame["id"].to_list())]
        return observations_repo.set_status(session, ids=chosen, status=status, user=principal.username, comment=text)


def reasons(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """Return the reason of the latest decision on each revision in ``ids`` that has one."""
    with db.session() as session:
        return review_repo.reasons(session, ids)


def with_reasons(db: Database, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return ``rows`` (revisions with an ``id``) each with ``reason``: the reviewer's word on it, or None."""
    found = reasons(db, [int(r["id"]) for r in rows if r.get("id") is not None])
    return [r | {"reason": found.get(int(r["id"])) if r.get("id") is not None else None} for r in rows]
