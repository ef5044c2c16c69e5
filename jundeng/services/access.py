"""Accessibility use cases on files or frames: coverage (覆盖率) and floating-catchment scores per region.

The front ends call :func:`coverage` and :func:`score` on files (read through :mod:`jundeng.io.access_files`,
located errors) or :mod:`jundeng.services.access_db` on the stored facilities and points; both run the pure
engine :mod:`jundeng.access` through :func:`coverage_of` and :func:`score_of`. Grouping ``by="region"`` uses the
points' region column as given; ``"district"`` (the region's ancestor at district level) and ``"urban_rural"``
(the point's own urban_rural, else its region's) need the database's regions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jundeng import access
from jundeng.access import AccessError, Locations, Pairs
from jundeng.domain.regions import Region, ancestry
from jundeng.errors import InputError, JundengError, Problem
from jundeng.io.access_files import LOCAL, WGS84, PointsFile, read_cost_matrix, read_facilities, read_population
from jundeng.measure import MeasureError, decompose, gini, theil

BY = ("region", "town", "district", "urban_rural")
METHODS = ("2sfca", "e2sfca", "g2sfca", "3sfca")
LUO_QI = (1.0, 0.68, 0.22)  # E2SFCA step weights of Luo & Qi (2009) for the three travel bands
Steps = list[tuple[float, float]]


@dataclass(frozen=True)
class CoverageAnswer:
    """Coverage per group (region, population, covered, share), per point (id, group, population, covered)
    and a summary (totals, inequality of the share across groups)."""

    regions: pd.DataFrame
    points: pd.DataFrame
    summary: dict[str, Any]


@dataclass(frozen=True)
class ScoreAnswer:
    """Scores per point (id, score), per group (region, population, score) and a summary."""

    points: pd.DataFrame
    regions: pd.DataFrame
    summary: dict[str, Any]


def parse_weights(text: str) -> Steps:
    """Return the steps of ``"1000:1,2000:0.68,3000:0.22"`` (upper bound of each band : its weight)."""
    steps: Steps = []
    for part in text.replace("，", ",").replace("：", ":").split(","):
        bound, sep, weight = part.partition(":")
        try:
            steps.append((float(bound), float(weight)))
            if not sep or not all(map(math.isfinite, steps[-1])):
                raise ValueError(part)
        except ValueError as exc:
            raise AccessError(
                f"权重须写作 上限:权重,上限:权重（如 1000:1,2000:0.68,3000:0.22），无法读取 {part.strip()!r}",
                f"weights are bound:weight pairs (e.g. 1000:1,2000:0.68,3000:0.22); cannot read {part.strip()!r}",
            ) from exc
    access.step_weights(np.zeros(1), steps)  # checks bounds ascending, weights ≥ 0
    return steps


def default_steps(catchment: float) -> Steps:
    """Return three equal bands of the catchment weighted 1, 0.68, 0.22 (Luo, W. & Qi, Y. 2009)."""
    return [(catchment * (k + 1) / 3, w) for k, w in enumerate(LUO_QI)]


def _check_by(by: str) -> None:
    if by not in BY:
        raise JundengError(f"分组须为 {'、'.join(BY)} 之一：{by!r}", f"by must be one of {', '.join(BY)}: {by!r}")


def lonlat(frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Return the longitude and latitude (WGS84) of every row, x, y transformed from each row's EPSG system
    (pyproj); NaN for a row on a local grid without an EPSG code."""
    from pyproj import Transformer

    x, y = frame["x"].to_numpy(dtype=float).copy(), frame["y"].to_numpy(dtype=float).copy()
    codes = frame["epsg"].fillna(LOCAL).astype(int).to_numpy()
    for code in set(codes.tolist()) - {WGS84}:
        rows = codes == code
        if code == LOCAL:
            x[rows], y[rows] = np.nan, np.nan
        else:
            x[rows], y[rows] = Transformer.from_crs(code, WGS84, always_xy=True).transform(x[rows], y[rows])
    return x, y


def _planar(code: int) -> bool:
    """Return True for coordinates usable as they are in metres: a local grid, or a projected system in metres
    (a geographic one such as CGCS2000, EPSG:4490, is converted to longitude/latitude instead)."""
    if code == LOCAL:
        return True
    if code == WGS84:
        return False
    from pyproj import CRS

    crs = CRS.from_epsg(code)
    return bool(crs.is_projected) and all(axis.unit_name == "metre" for axis in crs.axis_info)


def locations(points: pd.DataFrame, facilities: pd.DataFrame) -> tuple[Locations, Locations]:
    """Return both sets as Locations in one system: their own when they share one projected in metres (or a
    local grid), else longitude/latitude on the sphere."""
    codes = set(points["epsg"].astype(int)) | set(facilities["epsg"].astype(int))
    if len(codes) > 1 and LOCAL in codes:
        raise AccessError(
            "x, y 坐标没有 EPSG 代码，无法与另一坐标系换算：请在 epsg 列或 --epsg 中给出",
            "x, y coordinates without an EPSG code cannot meet another system: give it in an epsg column or --epsg",
        )
    planar = len(codes) == 1 and _planar(next(iter(codes)))
    result = []
    for frame in (points, facilities):
        ids = frame["id"].astype(str).tolist()
        if planar or codes == {WGS84}:
            x, y = frame["x"].to_numpy(dtype=float), frame["y"].to_numpy(dtype=float)
        else:
            x, y = lonlat(frame)
        result.append(Locations(ids, x, y, geographic=not planar))
    return result[0], result[1]


def _pairs(points: pd.DataFrame, facilities: pd.DataFrame, costs: pd.DataFrame | None, cutoff: float) -> Pairs:
    """Return the pairs within ``cutoff``: from the cost matrix when given, else straight-line metres."""
    if costs is None:
        return access.pairs_within(*locations(points, facilities), cutoff)
    origin = {p: i for i, p in enumerate(points["id"].astype(str))}
    destination = {f: j for j, f in enumerate(facilities["id"].astype(str))}
    rows = costs[costs["origin"].astype(str).isin(origin) & costs["destination"].astype(str).isin(destination)]
    return access.pairs_from_costs(
        np.asarray(rows["origin"].astype(str).map(origin), dtype=np.intp),
        np.asarray(rows["destination"].astype(str).map(destination), dtype=np.intp),
        rows["cost"].to_numpy(dtype=float),
        len(points),
        len(facilities),
        cutoff,
    )


def _of_category(facilities: pd.DataFrame, category: str | None, year: int | None = None) -> pd.DataFrame:
    """Return the facilities of ``category`` (all when None) open in ``year`` (opening year unknown or ≤ year)."""
    kept = facilities if category is None else facilities[facilities["category"] == category]
    if year is not None and "opening_year" in kept.columns:
        kept = kept[~(kept["opening_year"].astype(float) > year)]
    if kept.empty:
        known = "、".join(sorted(set(facilities["category"].astype(str)))) or "—"
        what = f"类别为 {category} 的" if category else ""
        raise AccessError(
            f"没有{what}设施（已有类别：{known}）",
            f"no facilities{f' of category {category}' if category else ''} (categories present: {known})",
        )
    return kept.reset_index(drop=True)


def _tree(regions: Sequence[Region] | None, level: str = "district") -> tuple[dict[str, str], dict[str, str]]:
    """Return each region's ancestor at ``level`` (else itself) and its urban_rural."""
    if regions is None:
        return {}, {}
    parents = {r.code: r.parent for r in regions}
    found = ancestry(parents, {r.code: str(r.level) for r in regions}, (level,))
    above = {code: levels[level] or code for code, levels in found.items()}
    return above, {r.code: str(r.urban_rural) for r in regions}


def groups_of(points: pd.DataFrame, by: str, regions: Sequence[Region] | None) -> list[str]:
    """Return the group of every point: its region, its region's district or its urban/rural type."""
    _check_by(by)
    codes = points["region"].astype(str).tolist()
    if by == "region":
        return codes
    if regions is None:
        raise JundengError(
            f"按 {by} 分组需要数据库中的区划：请用 --db 指定已载入区划的数据库",
            f"grouping by {by} needs the regions of a database: give --db with the regions loaded",
        )
    above, kind = _tree(regions, "town" if by == "town" else "district")
    unknown = sorted(set(codes) - set(above))
    if unknown:
        shown = ", ".join(unknown[:5])
        raise JundengError(f"未知的区划代码 {shown}", f"unknown region code(s): {shown}")
    if by in ("district", "town"):
        return [above[c] for c in codes]
    own = points["urban_rural"] if "urban_rural" in points else pd.Series([None] * len(points))
    return [str(o) if isinstance(o, str) and o else kind[c] for o, c in zip(own, codes, strict=True)]


def _index(name: str, values: Any, weights: Any) -> float | None:
    try:
        return float(gini(values, weights) if name == "gini" else theil(values, weights))
    except MeasureError:
        return None  # e.g. nobody covered: the mean is 0 and the index undefined


def between_share(values: pd.Series, labels: pd.Series, weights: pd.Series) -> float | None:
    """Return the share of Theil's T between the groups (Shorrocks 1980, via :func:`decompose`); where a group
    holds only zeros its weight s_g is 0, so the share is T_B / T with T_B the Theil of the group means."""
    try:
        frame = pd.DataFrame({"g": labels, "w": weights, "wv": weights * values})
        sums = frame.groupby("g")[["w", "wv"]].sum()
        if (sums["wv"] > 0).all():
            return decompose(values.to_numpy(), labels.to_numpy(), weights.to_numpy(), "theil").between_share
        total = theil(values.to_numpy(), weights.to_numpy())
        return float(theil(sums["wv"] / sums["w"], sums["w"]) / total) if total > 0 else 0.0
    except MeasureError:
        return None  # nobody reached anywhere: the index is undefined


def inequality(
    table: pd.DataFrame, column: str, points: pd.DataFrame, value: Any, regions: Sequence[Region] | None
) -> dict[str, Any]:
    """Return the population-weighted Gini and Theil of ``column`` across the groups of ``table`` and, with the
    regions known, the share of Theil's T between districts and between urban and rural (regions as given)."""
    given = table[table["population"] > 0]
    values, weights = given[column].to_numpy(dtype=float), given["population"].to_numpy(dtype=float)
    found: dict[str, Any] = {"gini": _index("gini", values, weights), "theil": _index("theil", values, weights)}
    if regions is None:
        return found
    per_region = pd.DataFrame(
        {
            "region": points["region"].astype(str).to_numpy(),
            "p": points["population"].to_numpy(),
            "v": np.asarray(value),
        }
    )
    per_region["pv"] = per_region["p"] * per_region["v"]
    sums = per_region.groupby("region", as_index=False)[["p", "pv"]].sum()
    sums = sums[sums["p"] > 0]
    district, kind = _tree(regions)
    for name, mapping in (("district", district), ("urban_rural", kind)):
        labels = pd.Series([mapping.get(c, c) for c in sums["region"]], index=sums.index)
        found[f"theil_between_{name}_share"] = between_share(sums["pv"] / sums["p"], labels, sums["p"])
    return found


def coverage_of(
    facilities: pd.DataFrame,
    points: pd.DataFrame,
    *,
    within: float,
    category: str | None = None,
    costs: pd.DataFrame | None = None,
    by: str = "region",
    regions: Sequence[Region] | None = None,
    year: int | None = None,
) -> CoverageAnswer:
    """Return the population within ``within`` (metres, or the cost matrix's unit) of a facility, per group
    (with ``year``: only the facilities open by then)."""
    groups = groups_of(points, by, regions)
    sites = _of_category(facilities, category, year)
    covered = access.covered_mask(_pairs(points, sites, costs, within), within)
    table = access.coverage(groups, points["population"].to_numpy(dtype=float), covered)
    table = table.rename(columns={"group": "region"})
    people, reached = float(table["population"].sum()), float(table["covered"].sum())
    summary: dict[str, Any] = {"by": by, "within": within, "unit": "cost" if costs is not None else "m"}
    summary |= {"category": category, "year": year, "points": len(points), "facilities": len(sites)}
    total = {"population": people, "covered": reached, "share": reached / people if people > 0 else None}
    summary |= total | {"total": total}
    summary |= inequality(table, "share", points, covered.astype(float), regions)
    for group in [c for c in points.columns if str(c).startswith("pop_")]:
        counts = points[group].fillna(0.0).to_numpy(dtype=float)
        summary[f"share_{group}"] = float(counts @ covered) / counts.sum() if counts.sum() > 0 else None
    frame = pd.DataFrame({"id": points["id"], "group": groups, "population": points["population"]})
    return CoverageAnswer(table, frame.assign(covered=covered), summary)


def steps_for(catchment: float, weights: str | Steps | None) -> Steps:
    """Return the step weights of E2SFCA/3SFCA: those given, else the catchment's thirds (1, 0.68, 0.22)."""
    if weights is None:
        return default_steps(catchment)
    return parse_weights(weights) if isinstance(weights, str) else list(weights)


def score_of(
    facilities: pd.DataFrame,
    points: pd.DataFrame,
    *,
    method: str = "e2sfca",
    catchment: float,
    weights: str | Steps | None = None,
    bandwidth: float | None = None,
    category: str | None = None,
    costs: pd.DataFrame | None = None,
    by: str = "region",
    regions: Sequence[Region] | None = None,
    year: int | None = None,
) -> ScoreAnswer:
    """Return the floating-catchment score (capacity per person within reach) of every point and group."""
    if method not in METHODS:
        raise AccessError(f"方法须为 {'、'.join(METHODS)} 之一：{method!r}", f"method must be one of {METHODS}")
    if not math.isfinite(catchment) or catchment <= 0:
        raise AccessError(f"服务半径须为正数：{catchment}", f"the catchment must be a positive number: {catchment}")
    groups = groups_of(points, by, regions)
    sites = _of_category(facilities, category, year)
    pairs = _pairs(points, sites, costs, catchment)
    demand, supply = points["population"].to_numpy(dtype=float), sites["capacity"].to_numpy(dtype=float)
    summary: dict[str, Any] = {"method": method, "catchment": catchment, "by": by, "category": category}
    if method == "2sfca":
        scores = access.fca2(pairs, demand, supply)
    elif method == "g2sfca":
        sigma = bandwidth if bandwidth is not None else catchment / 2
        scores, summary["bandwidth"] = access.g2sfca(pairs, demand, supply, sigma), sigma
    else:
        steps = steps_for(catchment, weights)
        run = access.e2sfca if method == "e2sfca" else access.fca3
        scores, summary["weights"] = run(pairs, demand, supply, steps), [list(s) for s in steps]
    table = access.region_scores(groups, demand, scores).rename(columns={"group": "region"})
    people = float(demand.sum())
    summary |= {"unit": "cost" if costs is not None else "m", "points": len(points), "facilities": len(sites)}
    summary |= {"population": people, "capacity": float(supply.sum())}
    summary["mean_score"] = float(demand @ scores) / people if people > 0 else None
    summary["population_without_access"] = float(demand[scores <= 0].sum())
    summary |= inequality(table, "score", points, scores, regions)
    return ScoreAnswer(pd.DataFrame({"id": points["id"].astype(str), "score": scores}), table, summary)


def _known_regions(found: PointsFile, regions: Sequence[Region] | None, by: str) -> None:
    """Refuse, located, a point whose region the database does not hold (when grouping needs the regions)."""
    if regions is None or by == "region":
        return
    known = {r.code for r in regions}
    col = found.columns["region"]
    problems = [
        Problem(found.name, line, col, f"未知的区划代码 {code!r}", f"unknown region code {code!r}")
        for code, line in zip(found.frame["region"], found.lines, strict=True)
        if code not in known
    ]
    if problems:
        raise InputError(problems)


def read_inputs(
    facilities: str | Path, population: str | Path, cost: str | Path | None, epsg: int | None
) -> tuple[pd.DataFrame, PointsFile, pd.DataFrame | None]:
    """Read the facilities, the population and (when given) the cost matrix against their ids."""
    sites, found = read_facilities(facilities, epsg=epsg), read_population(population, epsg=epsg)
    costs = None
    if cost is not None:
        ids = (set(found.frame["id"].astype(str)), set(sites.frame["id"].astype(str)))
        costs = read_cost_matrix(cost, origins=ids[0], destinations=ids[1]).frame
    return sites.frame, found, costs


def coverage(
    facilities: str | Path,
    population: str | Path,
    *,
    within: float,
    category: str | None = None,
    cost: str | Path | None = None,
    by: str = "region",
    regions: Sequence[Region] | None = None,
    epsg: int | None = None,
    year: int | None = None,
) -> CoverageAnswer:
    """Return the coverage of the population file by the facilities file (see :func:`coverage_of`)."""
    sites, found, costs = read_inputs(facilities, population, cost, epsg)
    _known_regions(found, regions, by)
    options: dict[str, Any] = {"category": category, "costs": costs, "by": by, "regions": regions, "year": year}
    return coverage_of(sites, found.frame, within=within, **options)


def score(
    facilities: str | Path,
    population: str | Path,
    *,
    method: str = "e2sfca",
    catchment: float,
    weights: str | Steps | None = None,
    bandwidth: float | None = None,
    category: str | None = None,
    cost: str | Path | None = None,
    by: str = "region",
    regions: Sequence[Region] | None = None,
    epsg: int | None = None,
    year: int | None = None,
) -> ScoreAnswer:
    """Return the floating-catchment scores of the population file's points (see :func:`score_of`)."""
    sites, found, costs = read_inputs(facilities, population, cost, epsg)
    _known_regions(found, regions, by)
    return score_of(
        sites,
        found.frame,
        method=method,
        catchment=catchment,
        weights=weights,
        bandwidth=bandwidth,
        category=category,
        costs=costs,
        by=by,
        regions=regions,
        year=year,
    )
