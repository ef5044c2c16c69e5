"""Fiscal facts, eligible people and item costs: only ever inserted, a correction is a higher revision."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jundeng.store.models import AuditRow, FiscalCostRow, FiscalEligibleRow, FiscalFactRow

FACT_COLUMNS = ("population", "capacity", "spending", "revenue", "transfers_received", "cost_index")
COST_COLUMNS = ("unit_cost", "city_share")
FRAME_BASE = ("region", "year", *FACT_COLUMNS, "source", "revision", "created_by")  # then the items


def _value(value: Any) -> float | None:
    """Return a stored float: None for a missing value (None or NaN)."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _latest_facts(
    session: Session, regions: Collection[str] | None, year: int | None
) -> dict[tuple[str, int], FiscalFactRow]:
    query = select(FiscalFactRow).order_by(FiscalFactRow.revision)
    if year is not None:
        query = query.where(FiscalFactRow.year == year)
    latest: dict[tuple[str, int], FiscalFactRow] = {}
    for row in session.execute(query).scalars():
        if regions is None or row.region in regions:
            latest[row.region, row.year] = row
    return latest


def _eligible(session: Session, year: int | None) -> dict[tuple[str, int, int], dict[str, float]]:
    query = select(FiscalEligibleRow)
    if year is not None:
        query = query.where(FiscalEligibleRow.year == year)
    found: dict[tuple[str, int, int], dict[str, float]] = {}
    for row in session.execute(query).scalars():
        found.setdefault((row.region, row.year, row.revision), {})[row.item] = row.eligible
    return found


def facts(session: Session, *, regions: Collection[str] | None = None, year: int | None = None) -> pd.DataFrame:
    """Return the current facts (highest revision) per region and year, ordered by region and year: region, year,
    the FACT_COLUMNS, source, revision, created_by, then one column per item of eligible people (numbers: NaN
    where missing)."""
    latest = _latest_facts(session, regions, year)
    eligible = _eligible(session, year)
    records: list[dict[str, Any]] = []
    items: set[str] = set()
    for (region, yr), row in sorted(latest.items()):
        record: dict[str, Any] = {"region": region, "year": yr}
        record |= {c: getattr(row, c) for c in (*FACT_COLUMNS, "source", "revision", "created_by")}
        counts = eligible.get((region, yr, row.revision), {})
        items.update(counts)
        records.append(record | counts)
    frame = pd.DataFrame(records, columns=[*FRAME_BASE, *sorted(items)])
    numeric = [*FACT_COLUMNS, *sorted(items)]
    frame[numeric] = frame[numeric].astype("float64")  # a missing value is NaN
    return frame


def write_facts(
    session: Session, frame: pd.DataFrame, *, items: list[str], user: str, source: str | None, what: str
) -> tuple[int, int]:
    """Insert a new revision of each row of ``frame`` (region, year, FACT_COLUMNS, items) whose facts or counts
    differ from the current ones; audit the import as ``what``; return (written, unchanged)."""
    regions = set(frame["region"].astype(str))
    latest = _latest_facts(session, regions, None)
    eligible = _eligible(session, None)
    facts_rows: list[dict[str, Any]] = []
    counts_rows: list[dict[str, Any]] = []
    unchanged = 0
    for record in frame.to_dict(orient="records"):
        key = (str(record["region"]), int(record["year"]))
        values = {c: _value(record.get(c)) for c in FACT_COLUMNS}
        values["cost_index"] = values["cost_index"] if values["cost_index"] is not None else 1.0
        counts = {i: v for i in items if (v := _value(record.get(i))) is not None}
        row = latest.get(key)
        if row is not None:
            before = {c: _value(getattr(row, c)) for c in FACT_COLUMNS}
            if before == values and eligible.get((*key, row.revision), {}) == counts and row.source == source:
                unchanged += 1
                continue
        revision = 1 if row is None else row.revision + 1
        common = {"region": key[0], "year": key[1], "revision": revision, "created_by": user}
        facts_rows.append(common | values | {"source": source})
        counts_rows.extend(common | {"item": i, "eligible": v} for i, v in counts.items())
    if facts_rows:
        session.execute(insert(FiscalFactRow), facts_rows)
    if counts_rows:
        session.execute(insert(FiscalEligibleRow), counts_rows)
    after = {"written": len(facts_rows), "unchanged": unchanged, "items": items, "source": source}
    session.add(AuditRow(user=user, action="import", entity="fiscal_facts", key=what, after=after))
    return len(facts_rows), unchanged


def costs(session: Session) -> pd.DataFrame:
    """Return the current unit cost and city share of each item (highest revision), ordered by item."""
    latest: dict[str, FiscalCostRow] = {}
    for row in session.execute(select(FiscalCostRow).order_by(FiscalCostRow.revision)).scalars():
        latest[row.item] = row
    records = [
        {
            "item": r.item,
            "unit_cost": r.unit_cost,
            "city_share": r.city_share,
            "source": r.source,
            "revision": r.revision,
        }
        for r in (latest[k] for k in sorted(latest))
    ]
    return pd.DataFrame(records, columns=["item", "unit_cost", "city_share", "source", "revision"])


def write_costs(session: Session, frame: pd.DataFrame, *, user: str, source: str | None, what: str) -> tuple[int, int]:
    """Insert a new revision of each item of ``frame`` (item, unit_cost, city_share) whose cost or share differs
    from the current one; audit the import as ``what``; return (written, unchanged)."""
    current = {str(r["item"]): r for r in costs(session).to_dict(orient="records")}
    rows: list[dict[str, Any]] = []
    unchanged = 0
    for record in frame.to_dict(orient="records"):
        item = str(record["item"])
        values = {c: _value(record.get(c)) or 0.0 for c in COST_COLUMNS}
        old = current.get(item)
        if old is not None and {c: old[c] for c in COST_COLUMNS} == values and old["source"] == source:
            unchanged += 1
            continue
        revision = 1 if old is None else int(old["revision"]) + 1
        rows.append({"item": item, "revision": revision, "source": source, "created_by": user} | values)
    if rows:
        session.execute(insert(FiscalCostRow), rows)
    after = {"written": len(rows), "unchanged": unchanged, "source": source}
    session.add(AuditRow(user=user, action="import", entity="fiscal_costs", key=what, after=after))
    return len(rows), unchanged
