"""The figures the analysis pages show, in the principal's scope: approved values with their regions and
population, target attainment, the largest gaps, inequality over time and the district map values.

The arithmetic is the engines' (``jundeng.measure``, ``jundeng.appraise``); this module selects the rows a
principal may see and shapes the results for tables and charts. Appraisals (a Monte Carlo of a few seconds)
and the other results are cached per database, approved-data fingerprint and scope (cached values are shared:
callers copy before they change anything).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from jundeng.appraise.attainment import attainment, rollup
from jundeng.domain.catalog import Domain, Indicator, Target
from jundeng.measure import MeasureError, cv, decompose, gini, max_min_ratio
from jundeng.services.appraisal import Appraisal, appraise
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.db import Database
from jundeng.web.auth import Principal
from jundeng.web.pages_base import SYNTHETIC_MARK
from jundeng.web.views import indicator_codes

LEVELS = ["village", "town", "district", "city", "province"]


@dataclass(frozen=True)
class Facts:
    """What a principal may see, loaded once per request."""

    observations: pd.DataFrame  # approved current values in scope, with region columns and population
    regions: pd.DataFrame  # every region: code, name, level, parent, functional_zone, district, town
    indicators: dict[str, Indicator]  # in scope
    domains: dict[str, Domain]
    targets: list[Target]  # on indicators in scope
    fingerprint: str  # changes whenever the approved values or the targets change
    scope: tuple[Any, ...]  # database, fingerprint, indicators and region in scope: the key of cached results

    def name(self, code: str) -> str:
        """Return a region's name (its code when unknown)."""
        names = self.regions.set_index("code")["name"]
        return str(names.get(code, code))


def _ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    parent = dict(zip(regions["code"], regions["parent"], strict=True))
    level = dict(zip(regions["code"], regions["level"], strict=True))
    rows = []
    for code in regions["code"]:
        found: dict[str, Any] = {"district": None, "town": None}
        node: Any = code
        while node is not None and node in level:
            if level[node] in found and found[level[node]] is None:
                found[level[node]] = node
            node = parent.get(node)
        rows.append(found)
    return pd.DataFrame(rows, index=regions.index)


def load(db: Database, user: Principal) -> Facts:
    """Return the approved values, regions, indicators and targets in ``user``'s scope."""
    with db.session() as session:
        codes = indicator_codes(session, user)
        catalog = catalog_repo.read_catalog(session)
        regions = pd.DataFrame(
            [(r.code, r.name, r.level.value, r.parent, r.functional_zone) for r in regions_repo.regions(session)],
            columns=["code", "name", "level", "parent", "functional_zone"],
        )
        pop = pd.DataFrame(
            [
                (p.region, p.year, p.resident if p.resident is not None else p.registered)
                for p in regions_repo.population(session)
                if p.group == ""
            ],
            columns=["region", "year", "population"],
        )
        obs = observations_repo.observations(session, statuses=["approved"]).to_pandas()
    regions = pd.concat([regions, _ancestors(regions)], axis=1)
    pop["population"] = pop["population"].astype("float64")
    ids = obs["id"].to_numpy(dtype=np.int64) if len(obs) else np.zeros(0, dtype=np.int64)
    stamp = json.dumps([int(ids.size), int(ids.sum()), [t.model_dump(mode="json") for t in catalog.targets]])
    fingerprint = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    obs = obs[obs["indicator"].isin(codes)]
    if user.role == "district":
        obs = obs[obs["region"].map(user.sees_region).astype(bool)]
    columns = ["code", "name", "level", "functional_zone", "district", "town"]
    obs = obs.merge(regions[columns].rename(columns={"code": "region"}), on="region", how="left")
    obs = obs.merge(pop, on=["region", "year"], how="left")
    indicators = {i.code: i for i in catalog.indicators if i.code in codes}
    return Facts(
        observations=obs.reset_index(drop=True),
        regions=regions,
        indicators=indicators,
        domains={d.code: d for d in catalog.domains},
        targets=[t for t in catalog.targets if t.indicator in codes],
        fingerprint=fingerprint,
        scope=(db.url, fingerprint, tuple(sorted(codes)), user.region if user.role == "district" else None),
    )


def synthetic(facts: Facts, frame: pd.DataFrame | None = None) -> bool:
    """Return True when values shown (``frame``, else all in scope) come from the synthetic demo generator."""
    source = (facts.observations if frame is None else frame)["source"].fillna("")
    return bool(source.str.contains(SYNTHETIC_MARK).any())


def totals(facts: Facts, *, year: int | None = None, indicator: str | None = None) -> pd.DataFrame:
    """Return the yearly totals (no disaggregation, annual periods), optionally of one year or indicator."""
    obs = facts.observations
    keep = (obs["disaggregation"] == "") & obs["period"].str.fullmatch(r"\d{4}")
    if year is not None:
        keep &= obs["year"] == year
    if indicator is not None:
        keep &= obs["indicator"] == indicator
    return obs[keep]


def latest_year(facts: Facts) -> int | None:
    """Return the latest year with approved totals in scope."""
    years = totals(facts)["year"]
    return int(years.max()) if len(years) else None


def indicator_meta(facts: Facts) -> pd.DataFrame:
    """Return the indicator table :func:`jundeng.appraise.attainment.attainment` takes."""
    rows = [
        {"code": i.code, "direction": i.direction.value, "kind": i.kind.value, "domain": i.domain}
        for i in facts.indicators.values()
    ]
    return pd.DataFrame(rows, columns=["code", "direction", "kind", "domain"])


def targets_at(facts: Facts, region: str | None) -> pd.DataFrame:
    """Return the targets as stored, or those of ``region``: its own, else the city's (not for counts)."""
    columns = ["indicator", "region", "year", "comparator", "value", "low", "high", "baseline_year", "baseline_value"]
    rows = [t.model_dump(mode="json", exclude={"source"}) for t in facts.targets]
    frame = pd.DataFrame(rows, columns=columns)
    if region is None or frame.empty:
        return frame
    cities = set(facts.regions.loc[facts.regions["level"] == "city", "code"])
    own = frame[frame["region"] == region]
    additive = {c for c, i in facts.indicators.items() if i.is_additive}
    city = frame[frame["region"].isin(cities) & ~frame["indicator"].isin(additive)].assign(region=region)
    merged = pd.concat([own, city], ignore_index=True)
    return merged.drop_duplicates(["indicator", "region", "year"], keep="first").reset_index(drop=True)


def attained(facts: Facts, year: int, region: str | None = None) -> pd.DataFrame:
    """Return one row per target (of ``region``, or as stored) with its attainment status at ``year``."""
    return cached((*facts.scope, "attained", year, region), lambda: _attained(facts, year, region))


def _attained(facts: Facts, year: int, region: str | None) -> pd.DataFrame:
    goals = targets_at(facts, region)
    if goals.empty:
        return pd.DataFrame(columns=["indicator", "region", "status", "domain", "binding_missed"])
    history = totals(facts)[["indicator", "region", "year", "value"]]
    history = history[history["year"] <= year]
    return attainment(history, goals, year, indicator_meta(facts))


def attainment_by_domain(table: pd.DataFrame) -> pd.DataFrame:
    """Return the counts of statuses per domain (with the attainment rate)."""
    if table.empty:
        return pd.DataFrame()
    return rollup(table.assign(domain=table["domain"].fillna("")), "domain")


def _units(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Return the rows of the lowest level present (functional zones left out) and that level."""
    frame = frame[~frame["functional_zone"].fillna(False).astype(bool) & frame["value"].notna()]
    present = set(frame["level"].dropna())
    level = next((lv for lv in LEVELS if lv in present), "")
    return frame[frame["level"] == level], level


def spread(units: pd.DataFrame, group: str | None) -> dict[str, float | None]:
    """Return Gini, Theil, CV, max/min and the between-group share of Theil T of one level's values."""
    x = units["value"].to_numpy(dtype=np.float64)
    pop = units["population"].to_numpy(dtype=np.float64)
    w = pop if np.isfinite(pop).all() and (pop > 0).all() else None
    out: dict[str, float | None] = {"gini": None, "theil": None, "cv": None, "max_min": None, "between": None}
    if x.size < 2:
        return out
    for key, func in (("gini", gini), ("cv", cv)):
        with contextlib.suppress(MeasureError):
            out[key] = func(x, w)
    with contextlib.suppress(MeasureError):
        out["max_min"] = max_min_ratio(x)
    labels = units[group].to_numpy() if group and group in units else None
    if x.min() <= 0:  # Theil T needs positive values
        return out
    try:
        result = decompose(x, labels if labels is not None else np.zeros(x.size), w)
        out["theil"] = result.total
        if labels is not None and len(set(labels)) > 1 and len(set(labels)) < x.size:
            out["between"] = result.between_share
    except MeasureError:
        pass
    return out


def group_of(user: Principal) -> str:
    """Return the grouping of the between/within decomposition: districts, or towns within a district."""
    return "town" if user.role == "district" else "district"


def gaps(facts: Facts, year: int, group: str, limit: int = 10) -> list[dict[str, Any]]:
    """Return the indicators (rates and levels, not counts) with the largest population-weighted Gini across
    the lowest level, largest first."""
    return cached((*facts.scope, "gaps", year, group, limit), lambda: _gaps(facts, year, group, limit))


def _gaps(facts: Facts, year: int, group: str, limit: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for code, frame in totals(facts, year=year).groupby("indicator"):
        ind = facts.indicators[str(code)]
        units, level = _units(frame)
        if len(units) < 2 or ind.is_additive:  # counts grow with a region's size: not a gap
            continue
        rows.append(
            {
                "indicator": code,
                "name": ind.name,
                "name_en": ind.name_en,
                "domain": ind.domain,
                "level": level,
                "units": len(units),
                **spread(units, group),
            }
        )
    rows.sort(key=lambda r: -(r["gini"] if r["gini"] is not None else -1.0))
    return rows[:limit]


def inequality(facts: Facts, code: str, group: str) -> list[dict[str, Any]]:
    """Return, per year, the spread of ``code`` across the lowest level of the latest year, with decomposition."""
    return cached((*facts.scope, "inequality", code, group), lambda: _inequality(facts, code, group))


def _inequality(facts: Facts, code: str, group: str) -> list[dict[str, Any]]:
    frame = totals(facts, indicator=code)
    if frame.empty:
        return []
    _, level = _units(frame[frame["year"] == frame["year"].max()])
    rows = []
    for period, part in frame.groupby("period"):
        units = part[(part["level"] == level) & ~part["functional_zone"].fillna(False).astype(bool)]
        if len(units) >= 2:
            rows.append({"period": str(period), "level": level, "units": len(units), **spread(units, group)})
    return rows


def gini_trend(facts: Facts, gap_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one series per domain: the Gini per year of the domain's most unequal indicator."""
    seen: set[str] = set()
    series = []
    for row in gap_rows:
        if row["domain"] in seen:
            continue
        seen.add(row["domain"])
        points = {r["period"]: r["gini"] for r in inequality(facts, row["indicator"], "")}
        if len(points) > 1:
            series.append({"indicator": row["indicator"], "domain": row["domain"], "points": points})
    return series[:6]


def district_values(facts: Facts, year: int) -> dict[str, dict[str, float]]:
    """Return indicator → {district name: value} for the district map (functional zones left out)."""
    frame = totals(facts, year=year)
    frame = frame[(frame["level"] == "district") & ~frame["functional_zone"].fillna(False).astype(bool)]
    out: dict[str, dict[str, float]] = {}
    for code, name, value in zip(frame["indicator"], frame["name"], frame["value"], strict=True):
        out.setdefault(str(code), {})[str(name)] = float(value)
    return out


def urban_rural(facts: Facts, code: str) -> list[dict[str, Any]]:
    """Return urban and rural values, their difference and ratio per region and period."""
    obs = facts.observations
    obs = obs[(obs["indicator"] == code) & obs["disaggregation"].isin(["urban_rural=urban", "urban_rural=rural"])]
    if obs.empty:
        return []
    wide = obs.pivot_table(index=["region", "name", "period"], columns="disaggregation", values="value")
    wide = wide.rename(columns={"urban_rural=urban": "urban", "urban_rural=rural": "rural"}).reset_index()
    for column in ("urban", "rural"):
        if column not in wide:
            wide[column] = np.nan
    wide["difference"] = wide["urban"] - wide["rural"]
    wide["ratio"] = wide["urban"] / wide["rural"].where(wide["rural"] != 0)
    return [{str(k): v for k, v in r.items()} for r in wide.sort_values(["region", "period"]).to_dict("records")]


_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_LOCK = threading.Lock()
T = TypeVar("T")


def cached(key: tuple[Any, ...], compute: Callable[[], T], size: int = 64) -> T:
    """Return the value cached under ``key``, computing it once (least recently used values go first)."""
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return cast(T, _CACHE[key])
    value = compute()
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > size:
            _CACHE.popitem(last=False)
    return value


def appraisal(db: Database, facts: Facts, year: int, *, with_uncertainty: bool) -> Appraisal | None:
    """Return the district appraisal of ``year`` (None without data), cached per approved-data fingerprint."""

    def compute() -> Appraisal | None:
        try:
            return appraise(db, year=year, with_uncertainty=with_uncertainty)
        except MeasureError:
            return None

    return cached((db.url, facts.fingerprint, "appraisal", year, with_uncertainty), compute)
