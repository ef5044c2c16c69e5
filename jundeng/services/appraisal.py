"""Run, store and reproduce a yearly appraisal of the regions of one level from the database."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from jundeng.appraise.attainment import attainment, rollup
from jundeng.appraise.cascade import cascade_targets
from jundeng.appraise.composite import CompositeResult, composite
from jundeng.appraise.method import Method, parse_method, read_method
from jundeng.appraise.scorecard import scorecard, scorecard_records
from jundeng.appraise.uncertainty import Uncertainty, monte_carlo
from jundeng.catalogs import APPRAISAL_METHOD
from jundeng.domain.appraisal import AppraisalRun
from jundeng.errors import JundengError, NotFoundError
from jundeng.measure import MeasureError
from jundeng.measure.report import within_group_gaps
from jundeng.services import methods
from jundeng.store import appraisal_repo, observations_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.frames import ZONE, indicator_frame


@dataclass(frozen=True, eq=False)
class Appraisal:
    """One appraisal: the nominal index, its uncertainty, target attainment and the scorecards."""

    year: int
    level: str
    method: Method
    watermark: int
    composite: CompositeResult
    uncertainty: Uncertainty | None
    attainment: pd.DataFrame
    scorecard: pd.DataFrame
    run_id: int | None = None

    def results(self) -> dict[str, object]:
        """Return what is stored with the run (JSON-ready)."""
        return {
            "scorecard": scorecard_records(self.scorecard),
            "weights": {k: float(v) for k, v in self.composite.weights.items()},
            "domain_weights": {k: float(v) for k, v in self.composite.domain_weights.items()},
            "sobol": [] if self.uncertainty is None else self.uncertainty.sobol.to_dict(orient="records"),
            "attainment_by_region": _records(rollup(self.attainment, "region")) if len(self.attainment) else [],
        }


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {str(k): v for k, v in r.items()} for r in frame.astype(object).where(frame.notna(), None).to_dict("records")
    ]


def default_method() -> Method:
    """Return the methodology shipped for the demo city."""
    return read_method(APPRAISAL_METHOD)


def appraise(
    db: Database,
    *,
    year: int,
    method: Method | None = None,
    level: str = "district",
    statuses: Sequence[str] = ("approved",),
    as_of: int | None = None,
    with_uncertainty: bool = True,
    user: str | None = None,
    under: str | None = None,
    label: str | None = None,
) -> Appraisal:
    """Appraise the regions of ``level`` in ``year`` within the programme ``under`` (needed when the database
    holds several: their units are never ranked together); store the run (named ``label``) when ``user`` is
    given."""
    method = method or methods.method_for(db, under=under)  # the programme's chosen method, else the default
    if level == ZONE and not method.zones:
        raise JundengError(
            f"考评方法“{method.name}”不考评功能区（方法文件中 zones: true 方可）",
            f"the method '{method.name}' does not appraise functional zones (set zones: true in the method file)",
        )
    codes = [i.code for i in method.indicators if i.gap_of is None]
    with db.session() as session:
        stored = regions_repo.regions(session)
        keep = regions_repo.programme_codes(session, under=under)
        mark = as_of if as_of is not None else observations_repo.watermark(session)
        frame = appraisal_repo.appraisal_frame(
            session, year=year, codes=codes, level=level, as_of=mark, statuses=statuses
        )
        frame = pd.concat([frame, _gap_rows(session, method, year, level, mark, statuses)], ignore_index=True)
        frame = frame[frame["region"].isin(keep)]
        if not frame["value"].notna().any():
            raise MeasureError(f"{year} 年在 {level} 层级没有可用数据", f"no data for {year} at level {level}")
        names = {r.code: r.name for r in stored}
        previous_frame = appraisal_repo.appraisal_frame(
            session, year=year - 1, codes=codes, level=level, as_of=mark, statuses=statuses
        )
        previous_gaps = _gap_rows(session, method, year - 1, level, mark, statuses)
        previous_frame = pd.concat([previous_frame, previous_gaps], ignore_index=True)
        previous_frame = previous_frame[previous_frame["region"].isin(keep)]
        regions = sorted(frame["region"].unique())
        targets = appraisal_repo.targets_frame(session)
        codes_aimed = sorted(set(targets["indicator"]))  # only the targets' series are judged (not 1e6 values)
        history = appraisal_repo.history(
            session, codes=codes_aimed, until=year, as_of=mark, statuses=statuses, regions=regions
        )
        meta = appraisal_repo.indicators_frame(session)
    additive = set(meta.loc[meta["additive"], "code"])
    goals = cascade_targets(targets, regions, parents={r.code: r.parent for r in stored}, additive=additive)
    result = evaluate(
        frame,
        previous_frame,
        history,
        goals,
        meta,
        year=year,
        level=level,
        method=method,
        watermark=mark,
        with_uncertainty=with_uncertainty,
    )
    result.scorecard.insert(1, "name", result.scorecard["region"].map(names))
    rolled = frame[frame["derived"].eq(True)].groupby("region")["indicator"].agg(lambda c: sorted(set(c)))
    result.scorecard["derived"] = (
        result.scorecard["region"].map(rolled).apply(lambda c: c if isinstance(c, list) else [])
    )
    if user is None:
        return result
    run_id = save(db, result, user=user, under=under, label=label, statuses=statuses)
    return dataclasses.replace(result, run_id=run_id)


def save(
    db: Database,
    result: Appraisal,
    *,
    user: str,
    under: str | None = None,
    label: str | None = None,
    statuses: Sequence[str] = ("approved",),
) -> int:
    """Store an appraisal of the values of ``statuses`` (named ``label``, kept in its results: no schema change)
    as a run; return its id."""
    results = result.results()
    if label:
        results["label"] = label
    with db.session(write=True) as session:
        return appraisal_repo.save_run(
            session,
            year=result.year,
            level=result.level,
            method_name=result.method.name,
            method_version=result.method.version,
            method_yaml=result.method.to_yaml(),
            watermark=result.watermark,
            statuses=statuses,
            results=results,
            user=user,
            under=under,
        )


def data_times(db: Database, watermarks: Iterable[int]) -> dict[int, datetime]:
    """Return when each data watermark (an observation id) was written: the date of the data an appraisal used."""
    found: dict[int, datetime] = {}
    with db.session() as session:
        for mark in set(watermarks):
            revision = observations_repo.revision(session, obs_id=mark) if mark > 0 else None
            if revision is not None and revision.created_at is not None:
                found[mark] = revision.created_at
    return found


def _gap_rows(session: Any, method: Method, year: int, level: str, mark: int, statuses: Sequence[str]) -> pd.DataFrame:
    """Return the method's gap indicators for the regions of ``level``: the inequality inside each region."""
    rows = []
    for choice in method.indicators:
        if choice.gap_of is None:
            continue
        units = indicator_frame(
            session, indicator=choice.gap_of, period=str(year), level=choice.gap_level, statuses=statuses, as_of=mark
        )
        units = units[units["disaggregation"] == ""] if "disaggregation" in units else units
        if units.empty or level not in units.columns:
            continue
        weight = "population" if units["population"].notna().all() else None
        gaps = within_group_gaps(units, "value", level, weight, choice.gap_measure)
        for region, value in gaps.items():
            rows.append(
                {
                    "region": region,
                    "indicator": choice.code,
                    "value": value,
                    "domain": choice.domain,
                    "direction": "lower",
                    "previous": np.nan,
                    "target": np.nan,
                }
            )
    return pd.DataFrame(rows, columns=["region", "indicator", "value", "domain", "direction", "previous", "target"])


def evaluate(
    frame: pd.DataFrame,
    previous_frame: pd.DataFrame | None,
    history: pd.DataFrame,
    goals: pd.DataFrame,
    meta: pd.DataFrame | None,
    *,
    year: int,
    level: str,
    method: Method,
    watermark: int = 0,
    with_uncertainty: bool = True,
) -> Appraisal:
    """Return the appraisal of prepared frames (the pure part, shared by the database and file modes)."""
    nominal = composite(frame, method)
    has_previous = previous_frame is not None and previous_frame["value"].notna().any()
    previous = composite(previous_frame, method) if has_previous else None  # type: ignore[arg-type]
    spread = monte_carlo(frame, method, nominal) if with_uncertainty else None
    attained = attainment(history, goals, year, meta) if len(goals) else pd.DataFrame(columns=["region", "status"])
    pairs = frame.drop_duplicates("indicator")[["indicator", "direction"]].itertuples(index=False)
    directions = {str(c): (1 if d in ("higher", 1, "1") else -1) for c, d in pairs}
    card = scorecard(nominal, directions=directions, uncertainty=spread, attainment=attained, previous=previous)
    return Appraisal(year, level, method, watermark, nominal, spread, attained, card)


def appraise_files(
    data: pd.DataFrame, targets: pd.DataFrame | None, *, year: int, method: Method, with_uncertainty: bool = True
) -> Appraisal:
    """Appraise from a long data file (region, indicator, year, value, domain, direction) and a targets file."""
    need = {"region", "indicator", "year", "value", "domain", "direction"}
    if not need <= set(data.columns):
        raise MeasureError(
            f"数据文件缺少列 {sorted(need - set(data.columns))}", f"missing columns {sorted(need - set(data.columns))}"
        )
    earlier = data[data["year"] < year].sort_values("year").groupby(["indicator", "region"])["value"].last()
    current = data[data["year"] == year].drop(columns="year")
    frame = current.merge(earlier.rename("previous"), left_on=["indicator", "region"], right_index=True, how="left")
    before = data[data["year"] == year - 1].drop(columns="year")
    history = data[data["year"] <= year][["indicator", "region", "year", "value"]]
    goals = targets if targets is not None else pd.DataFrame()
    return evaluate(
        frame,
        before if len(before) else None,
        history,
        goals,
        None,
        year=year,
        level="file",
        method=method,
        with_uncertainty=with_uncertainty,
    )


def run(db: Database, run_id: int) -> AppraisalRun:
    """Return the stored appraisal run ``run_id``; raise NotFoundError when there is none."""
    with db.session() as session:
        found = appraisal_repo.get_run(session, run_id=run_id)
    if found is None:
        raise NotFoundError(f"没有编号为 {run_id} 的考评", f"no appraisal run {run_id}")
    return found


def runs(db: Database) -> list[AppraisalRun]:
    """Return every stored appraisal run, newest first."""
    with db.session() as session:
        return appraisal_repo.runs(session)


def reproduce(db: Database, run_id: int) -> Appraisal:
    """Recompute a stored run from its own method and data watermark (nothing is stored)."""
    stored = run(db, run_id)
    method = parse_method(stored.method_yaml, f"run {run_id}")
    return appraise(
        db,
        year=stored.year,
        method=method,
        level=stored.level,
        statuses=stored.statuses,
        as_of=stored.data_watermark,
        under=stored.under,
    )


def reproduced(db: Database, run_id: int) -> tuple[Appraisal, bool]:
    """Recompute a stored run and return it with whether it gives the stored scores and ranks."""
    result = reproduce(db, run_id)
    stored = pd.DataFrame(run(db, run_id).results["scorecard"])
    return result, same_scores(stored, result.scorecard)


def same_scores(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Return True when two scorecards give the same regions, scores and ranks."""
    left = a.set_index("region")[["score", "rank"]].sort_index()
    right = b.set_index("region")[["score", "rank"]].sort_index()
    return bool(left.index.equals(right.index) and np.allclose(left["score"], right["score"], rtol=0, atol=1e-12))


def target_attainment(
    db: Database,
    *,
    year: int,
    statuses: Sequence[str] = ("approved",),
    by: str | None = None,
    under: str | None = None,
) -> pd.DataFrame:
    """Return the attainment of every stored target of the programme ``under`` (needed when the database holds
    several) in ``year``, each judged on its own region's values, or its roll-up by a column (domain, region,
    lead_unit)."""
    with db.session() as session:
        keep = regions_repo.programme_codes(session, under=under)
        targets = appraisal_repo.targets_frame(session)
        targets = targets[targets["region"].isin(keep)]
        regions = sorted(set(targets["region"]))
        codes = sorted(set(targets["indicator"]))
        history = appraisal_repo.history(session, codes=codes, until=year, statuses=statuses, regions=regions)
        meta = appraisal_repo.indicators_frame(session)
    if targets.empty:
        return pd.DataFrame(columns=["indicator", "region", "status"])
    result = attainment(history, targets, year, meta)
    names = dict(zip(meta["code"], meta["name"], strict=True))
    result.insert(1, "name", result["indicator"].map(names))
    if by is None:
        return result
    if by not in result.columns:
        raise JundengError(
            f"未知的汇总字段 {by!r}：domain | region | lead_unit",
            f"unknown roll-up {by!r}: domain | region | lead_unit",
        )
    return rollup(result, by)
