"""The standard gap table for one indicator and period: levels, dispersion, decompositions, floor, CIs.

``gap_report`` is what the appraisal, report and web capabilities call. A measure that is undefined
for the data (the MLD with zeros, say) is left out with a note instead of failing the whole report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jundeng.measure import indices as ix
from jundeng.measure._inputs import MeasureError
from jundeng.measure.bootstrap import bootstrap
from jundeng.measure.dagum import dagum
from jundeng.measure.decompose import decompose
from jundeng.measure.floor import FloorResult, floor_compliance

# measure code → (中文, English, function(values, weights), bootstrap statistic name or None)
SCALARS: dict[str, tuple[str, str, Callable[[Any, Any], float], str | None]] = {
    "mean": ("加权均值", "weighted mean", ix.weighted_mean, "mean"),
    "min": ("最小值", "minimum", lambda x, _w: float(np.min(x)), None),
    "max": ("最大值", "maximum", lambda x, _w: float(np.max(x)), None),
    "range": ("极差", "range", lambda x, _w: ix.value_range(x), None),
    "max_min_ratio": ("极值比", "max/min ratio", lambda x, _w: ix.max_min_ratio(x), None),
    "p90_p10": ("P90/P10", "P90/P10", lambda x, w: ix.quantile_ratio(x, 0.9, 0.1, w), None),
    "p80_p20": ("P80/P20", "P80/P20", lambda x, w: ix.quantile_ratio(x, 0.8, 0.2, w), None),
    "cv": ("变异系数", "coefficient of variation", ix.cv, "cv"),
    "gini": ("基尼系数", "Gini", ix.gini, "gini"),
    "theil": ("泰尔指数 T", "Theil T", ix.theil, "theil"),
    "mld": ("泰尔指数 L（平均对数偏差）", "Theil L (MLD)", ix.mld, "mld"),
    "atkinson_0.5": ("阿特金森指数 ε=0.5", "Atkinson ε=0.5", lambda x, w: ix.atkinson(x, 0.5, w), "atkinson0.5"),
    "atkinson_1": ("阿特金森指数 ε=1", "Atkinson ε=1", lambda x, w: ix.atkinson(x, 1.0, w), "atkinson1"),
}
COLUMNS = ["section", "by", "group", "measure", "label", "value", "ci_low", "ci_high"]


@dataclass(frozen=True, eq=False)
class GapReport:
    """All gap measures of one indicator and period; ``to_frame`` gives the long table."""

    units: int
    dropped: int
    summary: pd.DataFrame
    groups: pd.DataFrame
    decompositions: pd.DataFrame
    dagum: pd.DataFrame
    floor: FloorResult | None = None
    nested: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Return one long table (section, by, group, measure, label, value, ci_low, ci_high)."""
        parts = [self.summary.assign(section="summary", by="", group="")]
        if not self.groups.empty:
            melted = self.groups.melt(id_vars=["by", "group"], var_name="measure", value_name="value")
            parts.append(melted.assign(section="group", label=melted["measure"]))
        if not self.decompositions.empty:
            melted = self.decompositions.melt(id_vars=["by", "index"], var_name="part", value_name="value")
            parts.append(
                melted.assign(
                    section="decomposition",
                    group="",
                    measure=melted["index"] + "." + melted["part"],
                    label=melted["index"] + " " + melted["part"],
                )
            )
        if not self.dagum.empty:
            melted = self.dagum.melt(id_vars=["by"], var_name="measure", value_name="value")
            parts.append(melted.assign(section="dagum", group="", label="Dagum " + melted["measure"]))
        if self.nested is not None:
            parts.append(
                self.nested.assign(section="nested theil", group="", measure=self.nested["component"]).rename(
                    columns={"component": "label"}
                )[["section", "by", "group", "measure", "label", "value"]]
            )
        frame = pd.concat(parts, ignore_index=True)
        for column in COLUMNS:
            if column not in frame:
                frame[column] = np.nan
        return frame[COLUMNS]


def attempt(notes: list[str], what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Return func(*args, **kwargs), or None with a note when the measure is undefined for the data."""
    try:
        return func(*args, **kwargs)
    except MeasureError as exc:
        notes.append(f"{what}: {exc}")
        return None


def _summary(
    x: np.ndarray[Any, Any], w: np.ndarray[Any, Any], reps: int, level: float, seed: int, notes: list[str]
) -> pd.DataFrame:
    rows = []
    for code, (zh, en, func, stat) in SCALARS.items():
        value = attempt(notes, en, func, x, w)
        if value is None:
            continue
        low = high = np.nan
        if reps and stat and x.size > 1:
            result = attempt(notes, f"{en} CI", bootstrap, x, stat, weights=w, reps=reps, level=level, seed=seed)
            if result is not None:
                low, high = result.low, result.high
        rows.append({"measure": code, "label": f"{zh} / {en}", "value": value, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def _group_table(
    x: np.ndarray[Any, Any], w: np.ndarray[Any, Any], labels: np.ndarray[Any, Any], by: str, direction: str
) -> pd.DataFrame:
    frame = pd.DataFrame({"g": labels, "x": x, "w": w, "wx": w * x})
    agg = frame.groupby("g", sort=True).agg(units=("x", "size"), population=("w", "sum"), wx=("wx", "sum"))
    return group_rows(agg, by, direction)


def group_rows(agg: pd.DataFrame, by: str, direction: str) -> pd.DataFrame:
    """Return the group table from per-group units, population and Σw·x (indexed by the group, named ``g``):
    weighted mean, population share and the gap and ratio to the best group."""
    agg = agg.copy()
    agg["mean"] = agg["wx"] / agg["population"]
    agg["population_share"] = agg["population"] / agg["population"].sum()
    best = agg["mean"].max() if direction == "higher" else agg["mean"].min()
    sign = 1.0 if direction == "higher" else -1.0
    agg["gap_to_best"] = sign * (best - agg["mean"])
    agg["ratio_to_best"] = agg["mean"] / best if best else np.nan
    agg = agg.reset_index().rename(columns={"g": "group"})
    agg.insert(0, "by", by)
    return agg[["by", "group", "units", "population_share", "mean", "gap_to_best", "ratio_to_best"]]


def _decomposition_ci(
    x: np.ndarray[Any, Any],
    w: np.ndarray[Any, Any],
    labels: np.ndarray[Any, Any],
    index: str,
    reps: int,
    level: float,
    seed: int,
    notes: list[str],
) -> dict[str, float]:
    """Return BCa bounds of the between and within terms, resampling units within each group."""
    if not reps or x.size < 3:
        return {}

    def terms(values: Any, weights: Any, groups: Any) -> dict[str, float]:
        d = decompose(values, groups, weights, index=index)
        return {"between": d.between, "within": d.within}

    result = attempt(
        notes,
        f"{index} decomposition CI",
        bootstrap,
        x,
        terms,
        weights=w,
        groups=labels,
        strata=labels,
        reps=reps,
        level=level,
        seed=seed,
    )
    if result is None:
        return {}
    return {
        "between_ci_low": result["between"].low,
        "between_ci_high": result["between"].high,
        "within_ci_low": result["within"].low,
        "within_ci_high": result["within"].high,
    }


def gap_report(
    df: pd.DataFrame,
    value: str,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    *,
    direction: str = "higher",
    target: float | None = None,
    floor: float | None = None,
    bootstrap_reps: int = 0,
    level: float = 0.95,
    seed: int = 0,
    max_dagum_groups: int = 50,
) -> GapReport:
    """Return the standard gap table of ``df[value]`` weighted by ``df[weight]``, grouped by each ``by``.

    Rows with a missing value are dropped (counted in ``dropped``); each ``by`` column gets group
    means with the gap to the best group, Theil T and MLD decompositions and Dagum's Gini
    decomposition; several ``by`` columns also give a nested decomposition in the order given.
    ``target`` adds the population-weighted mean shortfall from the target, ``floor`` the FGT floor
    compliance; ``bootstrap_reps`` > 0 adds BCa intervals for the scalar indices and the decomposition
    terms. Dagum's decomposition is skipped (with a note) for groupings of more than ``max_dagum_groups``.
    """
    by_columns = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in [value, weight, *by_columns] if c and c not in df.columns]
    if missing:
        raise MeasureError(f"缺少列 {missing}", f"missing columns {missing}")
    clean = df.dropna(subset=[value, *([weight] if weight else []), *by_columns])
    x = clean[value].to_numpy(dtype=np.float64)
    w = clean[weight].to_numpy(dtype=np.float64) if weight else np.ones(len(clean))
    if x.size == 0:
        raise MeasureError("没有可用的数据", "no usable rows")
    notes: list[str] = []
    summary = _summary(x, w, bootstrap_reps, level, seed, notes)
    if target is not None:
        shortfall = float(np.dot(w, ix.gap_to_target(x, target, direction)) / w.sum())
        extra = {"measure": "mean_shortfall_to_target", "label": "距目标平均差距 / mean shortfall to target"}
        summary = pd.concat([summary, pd.DataFrame([{**extra, "value": shortfall}])], ignore_index=True)
    floor_result = attempt(notes, "floor", floor_compliance, x, floor, w, direction) if floor else None
    if floor_result is not None:
        rows = [
            {
                "measure": f"fgt{a}",
                "label": f"底线 FGT({a}) / floor FGT({a})",
                "value": getattr(floor_result, f"fgt{a}"),
            }
            for a in (0, 1, 2)
        ]
        summary = pd.concat([summary, pd.DataFrame(rows)], ignore_index=True)
    groups, decomps, dagums = [], [], []
    for column in by_columns:
        labels = clean[column].to_numpy()
        groups.append(_group_table(x, w, labels, column, direction))
        for index in ("theil", "mld"):
            d = attempt(notes, f"{index} by {column}", decompose, x, labels, w, index=index)
            if d is not None:
                row = {
                    "by": column,
                    "index": index,
                    "total": d.total,
                    "between": d.between,
                    "within": d.within,
                    "between_share": d.between_share,
                }
                decomps.append(row | _decomposition_ci(x, w, labels, index, bootstrap_reps, level, seed, notes))
        k = len(groups[-1])
        if k > max_dagum_groups:
            notes.append(f"Dagum by {column}: {k} groups > {max_dagum_groups}, skipped (k(k−1)/2 group pairs)")
            continue
        g = attempt(notes, f"Dagum by {column}", dagum, x, labels, w)
        if g is not None:
            dagums.append(
                {
                    "by": column,
                    "total": g.total,
                    "within": g.within,
                    "net_between": g.net_between,
                    "transvariation": g.transvariation,
                }
            )
    nested = None
    if len(by_columns) > 1:
        result = attempt(notes, "nested theil", decompose, x, clean[by_columns], w, index="theil")
        if result is not None and result.levels is not None:
            names = [f"between {c}" for c in by_columns] + [f"within {by_columns[-1]}"]
            nested = result.levels.assign(component=names, by=" > ".join(by_columns))
    return GapReport(
        units=int(x.size),
        dropped=len(df) - len(clean),
        summary=summary,
        groups=pd.concat(groups, ignore_index=True) if groups else pd.DataFrame(),
        decompositions=pd.DataFrame(decomps),
        dagum=pd.DataFrame(dagums),
        floor=floor_result,
        nested=nested,
        notes=notes,
    )


def within_group_gaps(
    df: pd.DataFrame, value: str, group: str, weight: str | None = None, measure: str = "cv"
) -> pd.Series:
    """Return, per group, the inequality of ``value`` among its units: population-weighted CV, Gini or
    Theil, or ``urban_rural`` = |μ_urban − μ_rural| / μ_urban of the weighted means (needs an
    ``urban_rural`` column). Groups where the measure is undefined (one unit, no rural units) get NaN."""
    functions: dict[str, Callable[[Any, Any], float]] = {"cv": ix.cv, "gini": ix.gini, "theil": ix.theil}
    result: dict[Any, float] = {}
    for key, part in df.dropna(subset=[value]).groupby(group):
        w = part[weight] if weight else None
        try:
            if measure == "urban_rural":
                means = {
                    kind: ix.weighted_mean(rows[value], rows[weight] if weight else None)
                    for kind, rows in part.groupby("urban_rural")
                    if kind in ("urban", "rural")
                }
                result[key] = abs(means["urban"] - means["rural"]) / means["urban"] if len(means) == 2 else np.nan
            else:
                result[key] = functions[measure](part[value], w) if len(part) > 1 else np.nan
        except (MeasureError, ZeroDivisionError):
            result[key] = np.nan
    return pd.Series(result, name=measure, dtype=float)
