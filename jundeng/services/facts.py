"""The figures the analysis pages show, in a principal's scope: approved values with their regions and
population, target attainment and the district appraisal.

The arithmetic is the engines' (``jundeng.measure``, ``jundeng.appraise``); this module selects the rows a
principal may see. Appraisals (a Monte Carlo of a few seconds) and the other results are cached per
database, approved-data fingerprint and scope (cached values are shared: callers copy before they change
anything).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from jundeng.appraise.attainment import attainment, cascade_targets, rollup
from jundeng.domain.catalog import Domain, Indicator, Target
from jundeng.domain.principal import Principal
from jundeng.domain.regions import LEVELS, ancestry
from jundeng.measure import MeasureError
from jundeng.services.appraisal import Appraisal, appraise
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.services.scope import codes_in
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.db import Database

TARGET_COLUMNS = [
    "indicator", "region", "year", "comparator", "value", "low", "high", "baseline_year", "baseline_value",
]  # fmt: skip


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


def _with_ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    found = ancestry(
        dict(zip(regions["code"], regions["parent"], strict=True)),
        dict(zip(regions["code"], regions["level"], strict=True)),
    )
    extra = pd.DataFrame([found[c] for c in regions["code"]], index=regions.index, columns=["district", "town"])
    return pd.concat([regions, extra], axis=1)


def load(db: Database, user: Principal) -> Facts:
    """Return the approved values, regions, indicators and targets in ``user``'s scope."""
    with db.session() as session:
        codes = codes_in(session, user)
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
    regions = _with_ancestors(regions)
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
    return Facts(
        observations=obs.reset_index(drop=True),
        regions=regions,
        indicators={i.code: i for i in catalog.indicators if i.code in codes},
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


def lowest_level(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Return the rows of the lowest level present (functional zones left out) and that level."""
    frame = frame[~frame["functional_zone"].fillna(False).astype(bool) & frame["value"].notna()]
    present = set(frame["level"].dropna())
    level = next((lv for lv in LEVELS if lv in present), "")
    return frame[frame["level"] == level], level


def indicator_meta(facts: Facts) -> pd.DataFrame:
    """Return the indicator table :func:`jundeng.appraise.attainment.attainment` takes."""
    rows = [
        {"code": i.code, "direction": i.direction.value, "kind": i.kind.value, "domain": i.domain}
        for i in facts.indicators.values()
    ]
    return pd.DataFrame(rows, columns=["code", "direction", "kind", "domain"])


def targets_at(facts: Facts, region: str | None) -> pd.DataFrame:
    """Return the targets as stored, or those of ``region``: its own, else the city's (not for counts)."""
    rows = [t.model_dump(mode="json", exclude={"source"}) for t in facts.targets]
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    if region is None or frame.empty:
        return frame
    cities = facts.regions.loc[facts.regions["level"] == "city", "code"]
    additive = [c for c, i in facts.indicators.items() if i.is_additive]
    return cascade_targets(frame, [region], cities=cities, additive=additive)


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


def appraisal(db: Database, facts: Facts, *, year: int, with_uncertainty: bool) -> Appraisal | None:
    """Return the district appraisal of ``year`` (None without data), cached per approved-data fingerprint."""

    def compute() -> Appraisal | None:
        try:
            return appraise(db, year=year, with_uncertainty=with_uncertainty)
        except MeasureError:
            return None

    return cached((db.url, facts.fingerprint, "appraisal", year, with_uncertainty), compute)


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
