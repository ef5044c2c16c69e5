"""Appraisal inputs from the store (values, history, targets) and stored appraisal runs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.appraisal import AppraisalRun
from jundeng.domain.attainment import TARGET_COLUMNS
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.frames import ZONE, rolled_up
from jundeng.store.models import AppraisalRunRow, AuditRow, UnitRow


def _indicator_meta(session: Session) -> pd.DataFrame:
    """Return code, name, unit, domain, direction, kind, lead_unit (the unit leading the domain) and additive."""
    leads: dict[str, str] = {}
    for unit in session.execute(select(UnitRow).where(UnitRow.kind == "department")).scalars():
        for domain in unit.domains or []:
            leads.setdefault(domain, unit.name)
    rows = [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "domain": i.domain,
            "direction": i.direction.value,
            "kind": i.kind.value,
            "lead_unit": leads.get(i.domain),
            "additive": i.is_additive,
        }
        for i in catalog_repo.indicators(session)
    ]
    return pd.DataFrame(rows)


def history(
    session: Session,
    *,
    codes: Iterable[str] | None = None,
    regions: Iterable[str] | None = None,
    until: int | None = None,
    as_of: int | None = None,
    statuses: Sequence[str] = ("approved",),
    derived: bool = True,
) -> pd.DataFrame:
    """Return yearly totals (indicator, region, year, value, derived) up to ``until``, as of an observation id;
    with ``derived``, a region that reported nothing gets the value rolled up from the level below."""
    obs = observations_repo.observations(session, indicators=codes, statuses=statuses, as_of=as_of).to_pandas()
    obs = obs[(obs["disaggregation"] == "") & obs["period"].str.fullmatch(r"\d{4}")]
    if until is not None:
        obs = obs[obs["year"] <= until]
    obs = obs[["indicator", "region", "year", "value", "numerator", "denominator"]]
    obs = rolled_up(session, obs) if derived else obs.assign(derived=False)
    if regions is not None:
        obs = obs[obs["region"].isin(list(regions))]
    return obs[["indicator", "region", "year", "value", "derived"]].reset_index(drop=True)


def appraisal_frame(
    session: Session,
    *,
    year: int,
    codes: Sequence[str],
    level: str = "district",
    as_of: int | None = None,
    statuses: Sequence[str] = ("approved",),
) -> pd.DataFrame:
    """Return the long frame :func:`jundeng.appraise.composite` takes for the regions of ``level``.

    Columns: region, indicator, value, derived (rolled up, not reported), previous (the latest earlier year),
    domain, direction, target
    (the city-wide target for the nearest target year on or after ``year``, else the latest one).
    Functional zones are left out (an overlay, never units beside the counties) except at ``level="zone"``,
    where they are the units. Values a region did not report are rolled up from the level below.
    """
    if level == ZONE:
        regions = [r.code for r in regions_repo.regions(session) if r.functional_zone]
    else:
        regions = [r.code for r in regions_repo.regions(session, level=level) if not r.functional_zone]
    past = history(session, codes=codes, regions=regions, until=year, as_of=as_of, statuses=statuses)
    current = past[past["year"] == year].drop(columns="year")
    past = past.drop(columns="derived")
    earlier = past[past["year"] < year].sort_values("year").groupby(["indicator", "region"]).last()
    frame = current.merge(
        earlier["value"].rename("previous"), left_on=["indicator", "region"], right_index=True, how="left"
    )
    grid = pd.MultiIndex.from_product([regions, list(codes)], names=["region", "indicator"]).to_frame(index=False)
    frame = grid.merge(frame, on=["region", "indicator"], how="left")
    meta = _indicator_meta(session).set_index("code")
    frame["domain"] = frame["indicator"].map(meta["domain"])
    frame["direction"] = frame["indicator"].map(meta["direction"])
    targets = catalog_repo.targets(session)
    chosen: dict[str, float] = {}
    for code in codes:
        own = sorted((t for t in targets if t.indicator == code and t.value is not None), key=lambda t: t.year)
        ahead = [t for t in own if t.year >= year]
        pick = ahead[0] if ahead else (own[-1] if own else None)
        if pick is not None and pick.value is not None:
            chosen[code] = pick.value
    frame["target"] = frame["indicator"].map(chosen)
    return frame


def targets_frame(session: Session) -> pd.DataFrame:
    """Return the stored targets as the frame :func:`jundeng.appraise.attainment` takes."""
    rows = [t.model_dump(mode="json", exclude={"source"}) for t in catalog_repo.targets(session)]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def indicators_frame(session: Session) -> pd.DataFrame:
    """Return indicator metadata (code, name, unit, domain, direction, kind, lead_unit)."""
    return _indicator_meta(session)


def save_run(
    session: Session,
    *,
    year: int,
    level: str,
    method_name: str,
    method_version: str,
    method_yaml: str,
    watermark: int,
    statuses: Sequence[str],
    results: dict[str, Any],
    user: str,
    under: str | None = None,
) -> int:
    """Store an appraisal run with its method, data watermark and subtree (audited); return its id."""
    row = AppraisalRunRow(
        year=year,
        level=level,
        method_name=method_name,
        method_version=method_version,
        method_yaml=method_yaml,
        data_watermark=watermark,
        statuses=list(statuses),
        results=results,
        under=under,
        created_by=user,
    )
    session.add(row)
    session.flush()
    what = {"year": year, "level": level, "method": method_name, "version": method_version, "watermark": watermark}
    label = results.get("label")
    session.add(
        AuditRow(user=user, action="insert", entity="appraisal_runs", key=str(row.id), after={**what, "label": label})
    )
    return row.id


def _run(row: AppraisalRunRow) -> AppraisalRun:
    return AppraisalRun(
        id=row.id,
        year=row.year,
        level=row.level,
        method_name=row.method_name,
        method_version=row.method_version,
        method_yaml=row.method_yaml,
        data_watermark=row.data_watermark,
        statuses=list(row.statuses or []),
        results=dict(row.results or {}),
        under=row.under,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def get_run(session: Session, *, run_id: int) -> AppraisalRun | None:
    """Return the stored appraisal run ``run_id``, or None."""
    row = session.get(AppraisalRunRow, run_id)
    return None if row is None else _run(row)


def runs(session: Session) -> list[AppraisalRun]:
    """Return every stored appraisal run, newest first."""
    return [_run(r) for r in session.execute(select(AppraisalRunRow).order_by(AppraisalRunRow.id.desc())).scalars()]
