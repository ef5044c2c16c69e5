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
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jundeng.appraise.attainment import TARGET_COLUMNS, attainment, rollup
from jundeng.appraise.cascade import cascade_targets
from jundeng.domain.catalog import Catalog, Domain, Indicator, Target
from jundeng.domain.principal import Principal
from jundeng.domain.regions import LEVELS, ancestry
from jundeng.domain.rollup import DERIVED_SOURCE
from jundeng.measure import MeasureError
from jundeng.services.appraisal import Appraisal, appraise
from jundeng.services.cache import cached
from jundeng.services.ledger import SYNTHETIC_MARK
from jundeng.services.scope import codes_in
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.frames import rolled_up


@dataclass(frozen=True)
class Facts:
    """What a principal may see (shared by every request of the same scope while the data stay the same)."""

    observations: pd.DataFrame  # approved current values in scope, with region columns and population
    regions: pd.DataFrame  # every region: code, name, level, parent, functional_zone, district, town
    indicators: dict[str, Indicator]  # in scope
    domains: dict[str, Domain]
    targets: list[Target]  # on indicators in scope
    fingerprint: str  # changes whenever the approved values or the targets change
    scope: tuple[Any, ...]  # database, fingerprint, indicators, region and programme: the key of cached results
    programme: str | None = None  # the top region of the programme (None: the database's only one)

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


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per database object and version
class _Base:
    """Everything :func:`load` narrows to a scope: every approved current value with its region columns and
    population, the regions and the catalogue, as of one data version."""

    version: tuple[int, int]
    observations: pd.DataFrame
    regions: pd.DataFrame
    catalog: Catalog
    fingerprint: str


_BASES: weakref.WeakKeyDictionary[Database, _Base] = weakref.WeakKeyDictionary()
_BASE_LOCK = threading.Lock()
_SCOPED: OrderedDict[tuple[Any, ...], Facts] = OrderedDict()
_LOCK = threading.Lock()  # guards _SCOPED
SCOPED_SIZE = 16  # scopes kept for the newest data version (each holds a filtered copy of the values)


def _newer_or_same(have: tuple[int, int], want: tuple[int, int]) -> bool:
    return all(h >= w for h, w in zip(have, want, strict=True))


def _base(db: Database) -> _Base:
    """Return the approved values as of the database's data version: read once per version and shared.

    A page costs two index look-ups while nothing changed; after a write, one request reloads while the
    others answer from the previous version (or wait for it when there is none): never one full read per
    request, and whoever asks after a reload has finished sees their own writes.
    """
    with db.session() as session:
        version = observations_repo.data_version(session)
    found = _BASES.get(db)
    if found is not None and _newer_or_same(found.version, version):
        return found
    if not _BASE_LOCK.acquire(blocking=found is None):
        assert found is not None
        return found
    try:
        found = _BASES.get(db)
        if found is not None and _newer_or_same(found.version, version):
            return found
        base = _BASES[db] = _read_base(db)
        return base
    finally:
        _BASE_LOCK.release()


def with_derived(session: Any, obs: pd.DataFrame) -> pd.DataFrame:
    """Return the approved observations with a ``derived`` column and, for each yearly total a region did not
    report, the value rolled up from the level below (:func:`jundeng.store.frames.rolled_up`; never replacing a
    reported one), sourced as derived."""
    obs = obs.assign(derived=False)
    annual = obs[(obs["disaggregation"] == "") & obs["period"].str.fullmatch(r"\d{4}")]
    if annual.empty:
        return obs
    values = annual[["indicator", "region", "year", "value", "numerator", "denominator"]]
    found = rolled_up(session, values)
    found = found[found["derived"]]
    if found.empty:
        return obs
    rows = found.assign(
        id=0,
        period=found["year"].astype(int).astype(str),
        disaggregation="",
        status="approved",
        source=DERIVED_SOURCE,
        revision=0,
    )
    return pd.concat([obs, rows[[c for c in rows.columns if c in obs.columns]]], ignore_index=True)


def derived(facts: Facts, frame: pd.DataFrame | None = None) -> bool:
    """Return True when values shown (``frame``, else all in scope) include values rolled up from below."""
    shown = facts.observations if frame is None else frame
    return bool("derived" in shown.columns and shown["derived"].eq(True).any())


def _read_base(db: Database) -> _Base:
    with db.session() as session:
        version = observations_repo.data_version(session)
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
        obs = with_derived(session, observations_repo.official_bulk(session).to_pandas())
    obs["annual"] = (obs["disaggregation"] == "") & obs["period"].str.fullmatch(r"\d{4}")  # once, not per page
    regions = _with_ancestors(regions)
    pop["population"] = pop["population"].astype("float64")
    ids = obs["id"].to_numpy(dtype=np.int64) if len(obs) else np.zeros(0, dtype=np.int64)
    stamp = json.dumps([int(ids.size), int(ids.sum()), [t.model_dump(mode="json") for t in catalog.targets]])
    columns = ["code", "name", "level", "functional_zone", "district", "town"]
    obs = obs.merge(regions[columns].rename(columns={"code": "region"}), on="region", how="left")
    obs = obs.merge(pop, on=["region", "year"], how="left")
    fingerprint = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return _Base(version, obs, regions, catalog, fingerprint)


def load(db: Database, user: Principal, *, under: str | None = None) -> Facts:
    """Return the approved values, regions, indicators and targets in ``user``'s scope within the programme
    ``under`` (needed when the database holds several: ScopeError without it), shared per data version and
    scope: callers copy before they change anything."""
    base = _base(db)
    with db.session() as session:
        codes = codes_in(session, user)
        if under is None and len(regions_repo.tops(session)) > 1:
            regions_repo.programme_codes(session, under=None)  # ScopeError: several programmes, none chosen
        region = user.region if user.role == "district" else None
        key = (base, tuple(sorted(codes)), region, under)
        with _LOCK:
            found = _SCOPED.get(key)
            if found is not None:
                _SCOPED.move_to_end(key)
                return found
        keep = regions_repo.programme_codes(session, under=under) if under else None
    obs = base.observations[base.observations["indicator"].isin(codes)]
    regions = base.regions
    if keep is not None:
        obs = obs[obs["region"].isin(keep)]
        regions = regions[regions["code"].isin(keep)].reset_index(drop=True)
    if region is not None:
        obs = obs[obs["region"].map(user.sees_region).astype(bool)]
    facts = Facts(
        observations=obs.reset_index(drop=True),
        regions=regions,
        indicators={i.code: i for i in base.catalog.indicators if i.code in codes},
        domains={d.code: d for d in base.catalog.domains},
        targets=[t for t in base.catalog.targets if t.indicator in codes and (keep is None or t.region in keep)],
        fingerprint=base.fingerprint,
        scope=(db.url, base.fingerprint, tuple(sorted(codes)), region, under),
        programme=under,
    )
    with _LOCK:
        current = {id(b) for b in _BASES.values()}
        for stale in [k for k in _SCOPED if id(k[0]) not in current]:  # scopes of superseded versions
            del _SCOPED[stale]
        _SCOPED[key] = facts
        while len(_SCOPED) > SCOPED_SIZE:
            _SCOPED.popitem(last=False)
    return facts


def synthetic(facts: Facts, frame: pd.DataFrame | None = None) -> bool:
    """Return True when values shown (``frame``, else all in scope) come from the synthetic demo generator."""
    if frame is None:  # the whole scope: once per data version and scope, not per page
        return cached((*facts.scope, "synthetic"), lambda: synthetic(facts, facts.observations))
    return bool(frame["source"].fillna("").str.contains(SYNTHETIC_MARK).any())


def _annual(facts: Facts) -> pd.DataFrame:
    """Return the yearly totals in scope, selected once per data version and scope."""

    def select() -> pd.DataFrame:
        obs = facts.observations
        keep = (
            obs["annual"] if "annual" in obs.columns else (obs["disaggregation"] == "") & obs["period"].str.len().eq(4)
        )
        return obs[keep]

    return cached((*facts.scope, "annual"), select)


def totals(facts: Facts, *, year: int | None = None, indicator: str | None = None) -> pd.DataFrame:
    """Return the yearly totals (no disaggregation, annual periods), optionally of one year or indicator."""
    if indicator is not None:
        obs = rows_of(facts, indicator, annual=True)
        return obs[obs["year"] == year] if year is not None else obs
    obs = _annual(facts)
    if year is None:
        return obs.copy(deep=False)  # the cached frame stays as it is whatever the caller adds
    return obs[obs["year"] == year]


def rows_of(facts: Facts, indicator: str, *, annual: bool = False) -> pd.DataFrame:
    """Return the values (or only the yearly totals) of one indicator in scope, found through an index built
    once per data version and scope instead of a comparison of every row on each page."""
    frame = _annual(facts) if annual else facts.observations
    index = cached((*facts.scope, "by_indicator", annual), lambda: frame.groupby("indicator", sort=False).indices)

    def select() -> pd.DataFrame:
        found = index.get(indicator)
        return frame.iloc[found] if found is not None else frame.iloc[0:0]

    return cached((*facts.scope, "rows_of", annual, indicator), select).copy(deep=False)


def years(facts: Facts) -> list[int]:
    """Return the years with approved totals in scope, newest first (once per data version and scope)."""
    return cached((*facts.scope, "years"), lambda: sorted({int(y) for y in _annual(facts)["year"].dropna()})[::-1])


def latest_year(facts: Facts) -> int | None:
    """Return the latest year with approved totals in scope."""
    found = years(facts)
    return found[0] if found else None


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
    """Return the targets as stored, or those of ``region``: its own, else its nearest ancestor's (not for
    counts)."""
    rows = [t.model_dump(mode="json", exclude={"source"}) for t in facts.targets]
    frame = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    if region is None or frame.empty:
        return frame
    parents = dict(
        zip(facts.regions["code"], facts.regions["parent"].where(facts.regions["parent"].notna(), None), strict=True)
    )
    additive = [c for c, i in facts.indicators.items() if i.is_additive]
    return cascade_targets(frame, [region], parents=parents, additive=additive)


def attained(facts: Facts, year: int, region: str | None = None) -> pd.DataFrame:
    """Return one row per target (of ``region``, or as stored) with its attainment status at ``year``."""
    return cached((*facts.scope, "attained", year, region), lambda: _attained(facts, year, region))


def _attained(facts: Facts, year: int, region: str | None) -> pd.DataFrame:
    goals = targets_at(facts, region)
    if goals.empty:
        return pd.DataFrame(columns=["indicator", "region", "status", "domain", "binding_missed"])
    history = totals(facts)[["indicator", "region", "year", "value", "derived"]]
    history = history[history["year"] <= year]
    return attainment(history, goals, year, indicator_meta(facts))


def attainment_by_domain(table: pd.DataFrame) -> pd.DataFrame:
    """Return the counts of statuses per domain (with the attainment rate)."""
    if table.empty:
        return pd.DataFrame()
    return rollup(table.assign(domain=table["domain"].fillna("")), "domain")


def unit_level(facts: Facts) -> str:
    """Return the level a programme's units are ranked at: the one below its top (a county's towns, a city's
    counties, a province's cities)."""
    regions = facts.regions
    top = regions[regions["code"] == facts.programme] if facts.programme else regions[regions["parent"].isna()]
    below = {"province": "city", "city": "district", "district": "town", "town": "village"}
    return below.get(str(top["level"].iloc[0]), "district") if len(top) == 1 else "district"


def appraisal(db: Database, facts: Facts, *, year: int, with_uncertainty: bool) -> Appraisal | None:
    """Return the district appraisal of ``year`` in the programme of ``facts`` (None without data), cached per
    approved-data fingerprint and programme."""

    def compute() -> Appraisal | None:
        try:
            level = unit_level(facts)
            return appraise(db, year=year, with_uncertainty=with_uncertainty, under=facts.programme, level=level)
        except MeasureError:  # no data
            return None

    return cached((db.url, facts.fingerprint, "appraisal", year, with_uncertainty, facts.programme), compute)
