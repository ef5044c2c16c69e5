"""Scoped reads shared by the API and the pages: what a principal may see, as tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from fastapi import HTTPException
from sqlalchemy.orm import Session

from jundeng.measure import MeasureError
from jundeng.measure.report import gap_report
from jundeng.services import ledger
from jundeng.store import catalog_repo, observations_repo, users_repo
from jundeng.store.db import Database
from jundeng.store.export import observations_frame
from jundeng.store.frames import indicator_frame
from jundeng.web.auth import Principal

APPROVED_ONLY = ("public", "viewer")


def indicator_codes(session: Session, user: Principal) -> set[str]:
    """Return the indicator codes in scope: published ones for the public, own domains for departments."""
    all_indicators = catalog_repo.indicators(session)
    if user.role == "public":
        return users_repo.published(session)
    return {i.code for i in all_indicators if user.sees_domain(i.domain)}


def scoped_observations(
    db: Database,
    user: Principal,
    *,
    indicator: str | None = None,
    period: str | None = None,
    region: str | None = None,
    status: Any = None,
) -> pd.DataFrame:
    """Return current values in the principal's scope (approved only for the public and viewers)."""
    with db.session() as session:
        allowed = indicator_codes(session, user)
        wanted = [indicator] if indicator else sorted(allowed)
        wanted = [c for c in wanted if c in allowed]
        statuses = ["approved"] if user.role in APPROVED_ONLY else ([status.value] if status else None)
        frame = observations_frame(
            session, with_meta=True, indicators=wanted, periods=[period] if period else None, statuses=statuses
        ).to_pandas()
    if region:
        frame = frame[frame["region"] == region]
    if user.role == "district":
        frame = frame[frame["region"].map(user.sees_region)]
    return frame


def frame_page(frame: pd.DataFrame, page: int, size: int) -> dict[str, Any]:
    """Return one page of a frame as JSON-ready records."""
    total = len(frame)
    chunk = frame.iloc[(page - 1) * size : page * size]
    return {"items": records(chunk), "page": page, "size": size, "total": total}


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return JSON-ready records (dates as ISO text, NaN as None, numpy scalars as Python)."""
    out = []
    for row in frame.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, float) and np.isnan(value):
                value = None
            elif isinstance(value, np.ndarray):
                value = value.tolist()
            clean[str(key)] = value
        out.append(clean)
    return out


def observation_or_404(db: Database, user: Principal, obs_id: int) -> dict[str, Any]:
    """Return a stored revision in scope, else 404 (another district's drafts do not exist for you)."""
    with db.session() as session:
        row = observations_repo.revision(session, obs_id)
        if row is None or row["indicator"] not in indicator_codes(session, user):
            raise HTTPException(404)
        if not user.sees_region(str(row["region"])):
            raise HTTPException(404)
        if user.role in APPROVED_ONLY and row["status"] != "approved":
            raise HTTPException(404)
        return {k: _plain(v) for k, v in row.items()}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def gap_table(db: Database, user: Principal, indicator: str, period: str, by: Sequence[str]) -> dict[str, Any]:
    """Return the gap report of one indicator and period, or 404 when out of scope or without data."""
    with db.session() as session:
        if indicator not in indicator_codes(session, user):
            raise HTTPException(404)
        ind = next(i for i in catalog_repo.indicators(session) if i.code == indicator)
        frame = indicator_frame(session, indicator=indicator, period=period)
    frame = frame[frame["disaggregation"] == ""]
    if user.role == "district":
        frame = frame[frame["region"].map(user.sees_region)]
    if frame.empty:
        raise HTTPException(404, {"zh": "没有数据", "en": "no data"})
    for column in ("district", "town"):
        frame[column] = frame[f"{column}_name"].fillna("") + " (" + frame[column].fillna("") + ")"
    usable = [b for b in by if b in frame.columns and frame[b].nunique() > 1]
    weight = "population" if frame["population"].notna().all() else None
    try:
        report = gap_report(frame, "value", weight, usable, direction=ind.direction.value)
    except MeasureError as exc:
        raise HTTPException(422, {"zh": exc.zh, "en": exc.en}) from exc
    return {
        "indicator": indicator,
        "period": period,
        "level": str(frame["level"].iloc[0]),
        "units": report.units,
        "rows": records(report.to_frame()),
        "values": records(frame[["region", "name", "value", "population"]]),
        "notes": report.notes,
    }


def scoped_tasks(db: Database, user: Principal, today: date) -> pd.DataFrame:
    """Return the assessed ledger limited to the principal's tasks."""
    table = ledger.assessment(db, today)
    if table.empty:
        return table
    keep = table.apply(lambda r: user.sees_task(r["lead_units"], r["responsible_units"], r["districts"] or []), axis=1)
    return table[keep.astype(bool)]


def observation_history(obs_id: int, user: Principal, db: Database) -> list[dict[str, Any]]:
    """Return every revision of the value that revision ``obs_id`` belongs to (404 when out of scope)."""
    row = observation_or_404(db, user, obs_id)
    with db.session() as session:
        frame = observations_repo.observations(
            session, indicators=[row["indicator"]], periods=[row["period"]], history=True
        )
    same = frame.filter((frame["region"] == row["region"]) & (frame["disaggregation"] == row["disaggregation"]))
    return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()} for r in same.to_dicts()]
