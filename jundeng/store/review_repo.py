"""Reads of the review queue: current values awaiting a decision with their import batch, the value last
approved before each, and the reviewer's reason of each status change (kept in the audit log)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, aliased

from jundeng.store.models import AuditRow, ImportBatchRow, ObservationRow
from jundeng.store.observations_repo import KEY

QUEUE_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "indicator": pl.String(),
    "region": pl.String(),
    "period": pl.String(),
    "disaggregation": pl.String(),
    "value": pl.Float64(),
    "note": pl.String(),
    "status": pl.String(),
    "revision": pl.Int64(),
    "batch": pl.Int64(),
    "created_by": pl.String(),
    "created_at": pl.Datetime("us"),
}


def queue(
    session: Session,
    *,
    statuses: Iterable[str],
    indicators: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    batch: int | None = None,
) -> pl.DataFrame:
    """Return the current revisions with one of ``statuses`` (and their import batch), oldest key first."""
    newer = aliased(ObservationRow)
    superseded = (
        select(newer.id)
        .where(*(getattr(newer, k) == getattr(ObservationRow, k) for k in KEY))
        .where(newer.revision > ObservationRow.revision)
    )
    query = select(*(getattr(ObservationRow, c) for c in QUEUE_SCHEMA)).where(
        ObservationRow.status.in_(list(statuses)), ~superseded.exists()
    )  # the few values with these statuses (indexed), each kept when no newer revision of its key exists
    if indicators is not None:
        query = query.where(ObservationRow.indicator.in_(list(indicators)))
    if periods is not None:
        query = query.where(ObservationRow.period.in_(list(periods)))
    if batch is not None:
        query = query.where(ObservationRow.batch == batch)
    query = query.order_by(*(getattr(ObservationRow, k) for k in KEY))
    rows = [tuple(r) for r in session.execute(query).all()]
    return pl.DataFrame(rows, schema=QUEUE_SCHEMA, orient="row")


def previous_approved(session: Session, frame: pl.DataFrame) -> dict[tuple[str, str, str, str, int], float | None]:
    """Return, for each (key…, revision) row of ``frame``, the value of the newest approved earlier revision."""
    if frame.height == 0:
        return {}
    pairs = sorted(set(frame.select("indicator", "region").iter_rows()))
    query = (
        select(*(getattr(ObservationRow, k) for k in KEY), ObservationRow.revision, ObservationRow.value)
        .where(ObservationRow.status == "approved", tuple_(ObservationRow.indicator, ObservationRow.region).in_(pairs))
        .order_by(ObservationRow.revision)
    )
    approved: dict[tuple[str, ...], list[tuple[int, float | None]]] = {}
    for found_row in session.execute(query).all():
        ind, reg, per, dis, rev, value = tuple(found_row)
        approved.setdefault((ind, reg, per, dis), []).append((int(rev), value))
    found: dict[tuple[str, str, str, str, int], float | None] = {}
    for ind, reg, per, dis, rev in frame.select(*KEY, "revision").iter_rows():
        earlier = [v for r, v in approved.get((ind, reg, per, dis), []) if r < rev]
        if earlier:
            found[(ind, reg, per, dis, rev)] = earlier[-1]
    return found


def reasons(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Return the comment of the latest status change of each revision in ``ids`` that has one (the audit log)."""
    keys = [str(i) for i in ids]
    found: dict[int, str] = {}
    for start in range(0, len(keys), 1000):
        query = (
            select(AuditRow.key, AuditRow.after)
            .where(AuditRow.entity == "observations", AuditRow.action == "status")
            .where(AuditRow.key.in_(keys[start : start + 1000]))
            .order_by(AuditRow.id)
        )
        for key, after in session.execute(query).all():
            comment = (after or {}).get("comment")
            if comment:
                found[int(key)] = str(comment)
            else:
                found.pop(int(key), None)
    return found


def batches(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str, object]]:
    """Return batch id → (file name, author, time) of the given import batches."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(ImportBatchRow.id, ImportBatchRow.filename, ImportBatchRow.created_by, ImportBatchRow.created_at)
    rows = session.execute(query.where(ImportBatchRow.id.in_(wanted))).all()
    return {int(r[0]): (r[1], r[2], r[3]) for r in rows}
