"""Gap analysis: the gap table of one indicator and period (the one answer the command line, the API and the
pages share, built on :func:`jundeng.measure.report.gap_report`), its headline measures across a level,
inequality over time, convergence, urban/rural gaps and the district map values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jundeng.domain.catalog import Indicator
from jundeng.domain.principal import Principal
from jundeng.domain.regions import LEVELS
from jundeng.errors import NotFoundError
from jundeng.measure import (
    MeasureError,
    beta_convergence,
    cv,
    decompose,
    gini,
    max_min_ratio,
    sigma_convergence,
    theil,
)
from jundeng.measure.convergence import period_to_years
from jundeng.measure.report import GapReport, gap_report
from jundeng.services.cache import cached
from jundeng.services.facts import Facts, lowest_level, rows_of, totals
from jundeng.services.scope import codes_in
from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.frames import indicator_frame, indicator_panel

GROUPINGS = ("urban_rural", "district", "town", "zone")


@dataclass(frozen=True, eq=False)
class GapTable:
    """The gap report of one indicator and period, with the values it was computed from."""

    indicator: Indicator
    period: str
    level: str
    values: pd.DataFrame  # one row per region: region, name, value, population and the groupings
    weighted: bool  # False when some region lacks population (equal weights)
    report: GapReport


def gap_table(
    db: Database,
    *,
    indicator: str,
    period: str,
    by: Sequence[str] = ("district",),
    level: str | None = None,
    statuses: Sequence[str] = ("approved",),
    bootstrap: int = 0,
    principal: Principal | None = None,
    under: str | None = None,
) -> GapTable:
    """Return the gap table of ``indicator`` in ``period``, population-weighted, grouped by each usable ``by``,
    within the programme ``under`` (a district principal's own by default; needed when the database holds
    several programmes: their units are never compared together)."""
    if under is None and principal is not None and principal.role == "district":
        under = principal.region
    with db.session() as session:
        keep = regions_repo.programme_codes(session, under=under)
        if principal is not None and indicator not in codes_in(session, principal):
            raise NotFoundError(f"未知的指标代码 {indicator}", f"unknown indicator code: {indicator}")
        found = [i for i in catalog_repo.indicators(session) if i.code == indicator]
        if not found:
            raise NotFoundError(f"未知的指标代码 {indicator}", f"unknown indicator code: {indicator}")
        frame = indicator_frame(
            session, indicator=indicator, period=period, level=level, statuses=statuses, within=keep
        )
    frame = frame[frame["disaggregation"] == ""] if "disaggregation" in frame else frame
    if principal is not None and principal.role == "district":
        frame = frame[frame["region"].map(principal.sees_region).astype(bool)]
    if frame.empty:
        raise NotFoundError(f"{indicator} 在 {period} 没有数据", f"no data for {indicator} in {period}")
    frame = frame.copy()
    for column in ("district", "town"):  # show names, keep codes unique: 香洲区 (440402)
        frame[column] = frame[f"{column}_name"].fillna("") + " (" + frame[column].fillna("") + ")"
    usable = [b for b in by if b in frame.columns and frame[b].nunique() > 1]
    weighted = bool(frame["population"].notna().all())
    report = gap_report(
        frame,
        "value",
        "population" if weighted else None,
        usable,
        direction=found[0].direction.value,
        bootstrap_reps=bootstrap,
    )
    return GapTable(found[0], period, str(frame["level"].iloc[0]), frame, weighted, report)


def spread(units: pd.DataFrame, group: str | None) -> dict[str, float | None]:
    """Return Gini, Theil, CV, max/min and the between-group share of Theil T of one level's values: the
    measures of :func:`gap_report` on the same rows and weights, computed alone (the ranking of 500 indicators
    needs these five, not the whole report of each: 17 s → under 1 s at 1e6 values); None where undefined."""
    out: dict[str, float | None] = {"gini": None, "theil": None, "cv": None, "max_min": None, "between": None}
    units = units[units["value"].notna()]
    if len(units) < 2:
        return out
    x = units["value"].to_numpy(dtype=np.float64)
    pop = units["population"].to_numpy(dtype=np.float64)
    w = pop if bool(np.isfinite(pop).all() and (pop > 0).all()) else np.ones(len(x))
    labels = None
    if group and group in units:
        found = units[group]
        if found.notna().all() and 1 < found.nunique() < len(units):
            labels = found.to_numpy()

    def attempt(compute: Callable[[], float]) -> float | None:
        try:
            return float(compute())
        except MeasureError:
            return None

    out["gini"] = attempt(lambda: gini(x, w))
    out["cv"] = attempt(lambda: cv(x, w))
    out["max_min"] = attempt(lambda: max_min_ratio(x))
    if x.min() > 0:  # the pages show Theil T of positive values only
        out["theil"] = attempt(lambda: theil(x, w))
    if out["theil"] is not None and labels is not None:
        out["between"] = attempt(lambda: decompose(x, labels, w, index="theil").between_share)
    return out


def group_of(user: Principal) -> str:
    """Return the grouping of the between/within decomposition: districts, or towns within a district."""
    return "town" if user.role == "district" else "district"


KINDS = ("district", "urban_rural", "group")  # between units (Gini), urban vs rural, between groups (Theil)
DIFFERENCE_UNITS = frozenset({"个百分点", "百分点", "pp", "percentage point", "percentage points"})
REASONS = ("count", "difference", "not_disaggregated", "level", "no_spread", "no_groups")


@dataclass(frozen=True)
class GapRanking:
    """Indicators ranked by one gap ``kind`` at one ``level`` (like with like), and those left out: reason →
    indicator codes (counts, differences in percentage points, no data at the level, no spread, ...)."""

    kind: str
    level: str
    levels: tuple[str, ...]  # the levels with values that year, lowest first
    rows: list[dict[str, Any]]
    left_out: dict[str, list[str]]


def excluded(ind: Indicator) -> str | None:
    """Return why an indicator is not a distribution to rank (a count, a difference in points), else None."""
    if ind.is_additive:  # counts grow with a region's size: not a gap
        return "count"
    if ind.unit.strip().lower() in DIFFERENCE_UNITS:  # a difference of two rates is not a distribution
        return "difference"
    return None


def default_level(frame: pd.DataFrame) -> str:
    """Return the lowest level at which at least half of the indicators in ``frame`` have two units or more."""
    counts = frame.groupby(["indicator", "level"]).size()
    total = frame["indicator"].nunique()
    for level in LEVELS:
        have = int((counts.xs(level, level="level") >= 2).sum()) if level in counts.index.get_level_values(1) else 0
        if total and 2 * have >= total:
            return level
    return lowest_level(frame)[1] if len(frame) else ""


def gaps(facts: Facts, year: int, group: str, *, kind: str = "district", level: str | None = None) -> GapRanking:
    """Return the indicators ranked by their gap of ``kind`` at one ``level`` (default: the lowest level most
    indicators have), largest first: population-weighted Gini across units (``district``), urban ÷ rural
    (``urban_rural``) or the between-``group`` share of Theil T (``group``)."""
    key = (*facts.scope, "gaps", year, group, kind, level)
    return cached(key, lambda: _gaps(facts, year, group, kind, level))


def _gaps(facts: Facts, year: int, group: str, kind: str, level: str | None) -> GapRanking:
    frame = totals(facts, year=year)
    frame = frame[~frame["functional_zone"].fillna(False).astype(bool) & frame["value"].notna()]
    left: dict[str, list[str]] = {reason: [] for reason in REASONS}
    for code in sorted(set(frame["indicator"])):
        reason = excluded(facts.indicators[str(code)])
        if reason:
            left[reason].append(str(code))
    frame = frame[~frame["indicator"].isin(left["count"] + left["difference"])]
    levels = tuple(lv for lv in LEVELS if lv in set(frame["level"].dropna()))
    if kind == "urban_rural":
        return _urban_rural_gaps(facts, year, level, levels, left)
    if level not in levels:
        below = LEVELS[: LEVELS.index(group)] if kind == "group" and group in LEVELS else LEVELS
        level = default_level(frame[frame["level"].isin(below)])
    rows: list[dict[str, Any]] = []
    for code, part in frame.groupby("indicator"):
        ind, units = facts.indicators[str(code)], part[part["level"] == level]
        if len(units) < 2:
            left["level"].append(str(code))
            continue
        measures = spread(units, group)
        if units["value"].nunique() < 2 or not measures["gini"] or measures["gini"] < 1e-12:
            left["no_spread"].append(str(code))
            continue
        if kind == "group" and measures["between"] is None:
            left["no_groups"].append(str(code))
            continue
        pop = units["population"].to_numpy(dtype=np.float64)
        weighted = bool(np.isfinite(pop).all() and (pop > 0).all())
        rows.append(_row(ind, level, len(units)) | measures | {"weighted": weighted})
    measure = "between" if kind == "group" else "gini"
    rows.sort(key=lambda r: -float(r[measure]))
    return GapRanking(kind, level, levels, rows, left)


def _row(ind: Indicator, level: str, units: int) -> dict[str, Any]:
    """Return the columns every ranking row shares."""
    return {"indicator": ind.code, "name": ind.name, "name_en": ind.name_en, "domain": ind.domain} | {
        "level": level,
        "units": units,
    }


def _urban_rural_gaps(
    facts: Facts, year: int, level: str | None, levels: tuple[str, ...], left: dict[str, list[str]]
) -> GapRanking:
    """Rank by the median over units of higher ÷ lower of the urban and rural values (same level for all)."""
    levels_of = dict(zip(facts.regions["code"], facts.regions["level"], strict=True))
    pairs: dict[str, pd.DataFrame] = {}
    for code in sorted(facts.indicators):
        if excluded(facts.indicators[code]):
            continue
        wide = pd.DataFrame(urban_rural(facts, code), columns=["region", "period", "urban", "rural"])
        wide = wide[(wide["period"] == str(year)) & wide["urban"].notna() & wide["rural"].notna()]
        if wide.empty:
            left["not_disaggregated"].append(code)
            continue
        pairs[code] = wide.assign(level=wide["region"].map(levels_of))
    present = {str(lv) for w in pairs.values() for lv in w["level"].dropna()}
    ur_levels = tuple(lv for lv in LEVELS if lv in present)
    if level not in ur_levels:
        counts = {lv: sum(lv in set(w["level"]) for w in pairs.values()) for lv in ur_levels}
        level = next((lv for lv in ur_levels if 2 * counts[lv] >= len(pairs)), ur_levels[0] if ur_levels else "")
    rows: list[dict[str, Any]] = []
    for code, wide in pairs.items():
        units = wide[(wide["level"] == level) & (wide["urban"] > 0) & (wide["rural"] > 0)]
        if units.empty:
            left["level"].append(code)
            continue
        pair = units[["urban", "rural"]]
        ratio = pair.max(axis=1) / pair.min(axis=1)
        if float(ratio.max()) <= 1.0 + 1e-12:
            left["no_spread"].append(code)
            continue
        base = _row(facts.indicators[code], level, len(units))
        rows.append(
            base | {"ratio": float(ratio.median()), "difference": float((units["urban"] - units["rural"]).median())}
        )
    rows.sort(key=lambda r: -float(r["ratio"]))
    return GapRanking("urban_rural", level, ur_levels or levels, rows, left)


def inequality(facts: Facts, code: str, group: str) -> list[dict[str, Any]]:
    """Return, per year, the spread of ``code`` across the lowest level of the latest year, with decomposition."""
    return cached((*facts.scope, "inequality", code, group), lambda: _inequality(facts, code, group))


def _inequality(facts: Facts, code: str, group: str) -> list[dict[str, Any]]:
    frame = totals(facts, indicator=code)
    if frame.empty:
        return []
    _, level = lowest_level(frame[frame["year"] == frame["year"].max()])
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
    """Return urban and rural values, their difference and ratio per region and period (once per data version
    and scope: callers copy before they change anything)."""
    return cached((*facts.scope, "urban_rural", code), lambda: _urban_rural(facts, code))


def _urban_rural(facts: Facts, code: str) -> list[dict[str, Any]]:
    obs = rows_of(facts, code)
    obs = obs[obs["disaggregation"].isin(["urban_rural=urban", "urban_rural=rural"])]
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


def convergence(
    db: Database,
    *,
    indicator: str,
    measure: str = "cv",
    level: str | None = None,
    statuses: Sequence[str] = ("approved",),
    under: str | None = None,
) -> tuple[str, list[dict[str, object]]]:
    """Return the level used and the σ-convergence rows per period with the trend, and β first → last, within
    the programme ``under`` (needed when the database holds several)."""
    with db.session() as session:
        keep = regions_repo.programme_codes(session, under=under)
        panel = indicator_panel(session, indicator=indicator, level=level, statuses=statuses)
    panel = panel[panel["region"].isin(keep)]
    if panel.empty or panel["period"].nunique() < 2:
        raise NotFoundError(f"{indicator} 至少需要两个期间的数据", "needs data for at least two periods")
    return str(panel["level"].iloc[0]), convergence_rows(panel, measure)


def convergence_rows(panel: pd.DataFrame, measure_name: str) -> list[dict[str, object]]:
    """Return σ-convergence per period plus the trend, and β-convergence first → last period, as rows."""
    weight = "population" if panel["population"].notna().all() else None
    sigma = sigma_convergence(panel, "value", "period", weight=weight, measure=measure_name)
    rows: list[dict[str, object]] = [
        {"measure": f"σ {measure_name} {period_label(p)}", "value": d, "detail": f"{u} units"}
        for p, d, u in sigma.table[["period", "dispersion", "units"]].itertuples(index=False)
    ]
    verdict = "收敛 converging" if sigma.converging else "未显著收敛 not significantly converging"
    rows.append({"measure": "σ slope / yr", "value": sigma.slope, "detail": f"p = {sigma.p_value:.3g} · {verdict}"})
    first, last = panel["period"].min(), panel["period"].max()
    wide = panel.pivot_table(index="region", columns="period", values="value").dropna(subset=[first, last])
    years = period_to_years(last) - period_to_years(first)
    if len(wide) >= 3 and years > 0 and (wide[[first, last]] > 0).all().all():
        beta = beta_convergence(wide[first], wide[last], years)
        detail = f"{first}→{last}, p = {beta.p_value:.3g}, half-life {beta.half_life:.3g} yrs"
        rows.append({"measure": "β", "value": beta.beta, "detail": detail})
    return rows


def period_label(years: float) -> str:
    """Return a year as printed in tables (2017.0 → 2017)."""
    return f"{years:g}"
