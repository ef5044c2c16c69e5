# ruff: noqa: N803, N806 - W, I, B, … are the sums of the formulas
"""Combine per-cell sufficient statistics (and the sorted pass's per-partition totals) into gap measures.

Pure numpy/pandas: no Spark here. ``cells`` is one row per combination of the ``by`` columns and a
``valid`` flag (``False`` for rows gap_report drops), holding the sums of :data:`STATS`;
:func:`cells_from_frame` computes the same table with pandas (the reference the tests use). Every
formula mirrors :mod:`jundeng.measure.indices`, :mod:`~jundeng.measure.decompose`,
:mod:`~jundeng.measure.floor` and :mod:`~jundeng.measure.dagum` term by term, so the results agree with
``gap_report`` up to summation order; undefined measures raise the same :class:`MeasureError` text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jundeng.measure import indices as ix
from jundeng.measure._inputs import FloatArray, MeasureError
from jundeng.measure.dagum import dagum_terms
from jundeng.measure.floor import FloorResult
from jundeng.measure.report import group_rows

# count-like sums, then sums, then extremes (min/max combine differently)
COUNTS = ("n", "x_neg", "x_zero", "x_bad", "w_bad", "n_pos", "pos_neg", "pos_zero", "fl_n")
SUMS = ("w_all", "wx_all", "x_sum", "W", "WX", "WX2", "WXLNX", "WLNX", "WSQRT", "short", "fl_w", "fl_g1", "fl_g2")
STATS = (*COUNTS, *SUMS, "x_min", "x_max")


@dataclass(frozen=True)
class Positions:
    """First positions (at most six) of offending rows per check, for the error texts; empty when none."""

    bad_w: tuple[int, ...] = ()  # weights < 0 or not finite, among the kept rows
    bad_x: tuple[int, ...] = ()  # values not finite, among the kept rows
    neg_all: tuple[int, ...] = ()  # values < 0 among the kept rows
    neg_pos: tuple[int, ...] = ()  # values < 0 among the rows with positive weight


def cells_from_frame(
    df: pd.DataFrame,
    value: str,
    weight: str | None,
    by: Sequence[str],
    *,
    floor: float | None = None,
    target: float | None = None,
    direction: str = "higher",
) -> pd.DataFrame:
    """Return the per-cell sums of :data:`STATS` with pandas (what the Spark aggregation computes)."""
    by = list(by)
    frame = df[[*by]].copy()
    keys = [value, *([weight] if weight else []), *by]
    frame["valid"] = df[keys].notna().all(axis=1)
    x = pd.to_numeric(df[value], errors="coerce").to_numpy(dtype=np.float64)
    w = pd.to_numeric(df[weight], errors="coerce").to_numpy(dtype=np.float64) if weight else np.ones(len(df))
    for name, column in row_terms(x, w, floor=floor, target=target, direction=direction).items():
        frame[name] = column
    grouped = frame.groupby(["valid", *by], dropna=False, sort=False)
    sums = grouped[[*COUNTS, *SUMS]].sum()
    sums["x_min"] = grouped["x_min"].min()
    sums["x_max"] = grouped["x_max"].max()
    return sums.reset_index()


def row_terms(
    x: FloatArray, w: FloatArray, *, floor: float | None, target: float | None, direction: str
) -> dict[str, FloatArray]:
    """Return each row's term of every statistic (the Spark aggregation writes the same as columns)."""
    with np.errstate(all="ignore"):
        pos = w > 0
        finite = np.isfinite(x)
        lnx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), 0.0)
        terms = {
            "n": np.ones_like(x),
            "x_neg": (x < 0) * 1.0,
            "x_zero": (x == 0) * 1.0,
            "x_bad": (~finite) * 1.0,
            "w_bad": (~np.isfinite(w) | (w < 0)) * 1.0,
            "n_pos": pos * 1.0,
            "pos_neg": (pos & (x < 0)) * 1.0,
            "pos_zero": (pos & (x == 0)) * 1.0,
            "w_all": w,
            "wx_all": w * x,
            "x_sum": x,
            "W": np.where(pos, w, 0.0),
            "WX": np.where(pos, w * x, 0.0),
            "WX2": np.where(pos, w * x * x, 0.0),
            "WXLNX": np.where(pos & (x > 0), w * x * lnx, 0.0),
            "WLNX": np.where(pos & (x > 0), w * lnx, 0.0),
            "WSQRT": np.where(pos & (x >= 0), w * np.sqrt(np.maximum(x, 0.0)), 0.0),
            "short": w * np.maximum((1.0 if direction == "higher" else -1.0) * ((target or 0.0) - x), 0.0),
            "x_min": x,
            "x_max": x,
        }
        gap = np.zeros_like(x)
        if floor:
            gap = np.maximum(floor - x if direction == "higher" else x - floor, 0.0) / floor
        below = pos & (gap > 0)
        terms |= {
            "fl_n": below * 1.0,
            "fl_w": np.where(below, w, 0.0),
            "fl_g1": np.where(pos, w * gap, 0.0),
            "fl_g2": np.where(pos, w * gap**2, 0.0),
        }
    return terms


def totals(cells: pd.DataFrame) -> dict[str, float]:
    """Return the statistics over every valid cell (sums added, extremes taken)."""
    valid = cells[cells["valid"].astype(bool)]
    out = {name: float(valid[name].sum()) for name in (*COUNTS, *SUMS)}
    out["x_min"] = float(valid["x_min"].min())
    out["x_max"] = float(valid["x_max"].max())
    return out


def _shown(first: Sequence[int], count: float) -> str:
    """Format positions as jundeng.measure._inputs._positions does."""
    return ", ".join(str(i) for i in list(first)[:5]) + (" …" if count > 5 else "")


def check_prepare(
    t: dict[str, float], pos: Positions, *, weighted: bool, positive: bool = False, what: str = ""
) -> None:
    """Raise the MeasureError that ``prepare(x, w or None, positive, what)`` raises on the rows, if any."""
    if t["x_bad"]:
        n = int(t["x_bad"])
        where = _shown(pos.bad_x, n)
        raise MeasureError(
            f"有 {n} 个缺失或无穷值（位置 {where}），请先剔除或插补",
            f"{n} missing or infinite values (at {where}); drop or impute them first",
        )
    if weighted:
        if t["w_bad"]:
            where = _shown(pos.bad_w, t["w_bad"])
            raise MeasureError(
                f"权重须为非负有限数（位置 {where}）", f"weights must be finite and non-negative (at {where})"
            )
        if t["w_all"] <= 0:
            raise MeasureError("权重之和为 0", "the weights sum to zero")
    negatives, where_neg = (t["pos_neg"], pos.neg_pos) if weighted else (t["x_neg"], pos.neg_all)
    if negatives:
        raise MeasureError(
            f"{what}不适用于负值（位置 {_shown(where_neg, negatives)}）",
            f"{what or 'this measure'} is undefined for negative values",
        )
    zeros = t["pos_zero"] if weighted else t["x_zero"]
    if positive and zeros:
        raise MeasureError(
            f"{what}在有 0 值时无定义（{int(zeros)} 个 0）；可改用 Theil T、GE(α>0) 或先处理 0 值",
            f"{what or 'this measure'} is undefined with zeros ({int(zeros)} zeros); "
            "use Theil T or GE(alpha>0), or treat the zeros first",
        )
    if (t["WX"] if weighted else t["x_sum"]) <= 0:
        raise MeasureError(f"{what}要求均值大于 0", f"{what or 'this measure'} needs a positive mean")


def ge_from_sums(W: FloatArray, WX: FloatArray, WXLNX: FloatArray, WLNX: FloatArray, alpha: float) -> FloatArray:
    """Return GE(α) per group from its sums: T = Σwx ln x/(Wμ) − ln μ, MLD = ln μ − Σw ln x/W (α ∈ {0, 1})."""
    with np.errstate(all="ignore"):
        mu = WX / W
        if alpha == 1:
            result: FloatArray = np.where(mu > 0, WXLNX / (W * mu) - np.log(np.where(mu > 0, mu, 1.0)), 0.0)
        else:
            result = np.log(mu) - WLNX / W
    return result


def scalar(code: str, t: dict[str, float], sorted_pass: dict[str, float], pos: Positions) -> float:
    """Return the summary measure ``code`` of gap_report's SCALARS from the totals (raise when undefined)."""
    if code in ("min", "max"):
        return t[f"x_{code}"]
    if code in ("range", "max_min_ratio"):
        check_prepare(t, pos, weighted=False)
        if code == "range":
            return t["x_max"] - t["x_min"]
        if t["x_min"] == 0:
            raise MeasureError("最小值为 0，极值比无定义", "max/min ratio is undefined when the minimum is 0")
        return t["x_max"] / t["x_min"]
    what, positive = {
        "mean": ("", False),
        "p90_p10": ("", False),
        "p80_p20": ("", False),
        "cv": ("CV ", False),
        "gini": ("Gini ", False),
        "theil": ("GE(1) ", False),
        "mld": ("GE(0) ", True),
        "atkinson_0.5": ("Atkinson(0.5) ", False),
        "atkinson_1": ("Atkinson(1) ", True),
    }[code]
    check_prepare(t, pos, weighted=True, positive=positive, what=what)
    W, WX = t["W"], t["WX"]
    mu = WX / W
    if code == "mean":
        return WX / W
    if code in ("p90_p10", "p80_p20"):
        upper, lower = (
            (sorted_pass["q0.9"], sorted_pass["q0.1"])
            if code == "p90_p10"
            else (
                sorted_pass["q0.8"],
                sorted_pass["q0.2"],
            )
        )
        if lower == 0:
            raise MeasureError("下分位数为 0，分位数比无定义", "the lower quantile is 0: the ratio is undefined")
        return upper / lower
    if code == "cv":
        return float(np.sqrt(max(sorted_pass["sxx"] / W, 0.0)) / mu)
    if code == "gini":
        return sorted_pass["gini"]
    if code in ("theil", "mld"):
        alpha = 1.0 if code == "theil" else 0.0
        one = np.array([1.0])
        return float(ge_from_sums(one * W, one * WX, one * t["WXLNX"], one * t["WLNX"], alpha)[0])
    if code == "atkinson_0.5":
        return float(1.0 - (t["WSQRT"] / W) ** 2.0 / mu)
    return 1.0 - float(np.exp(t["WLNX"] / W)) / mu  # atkinson_1


def group_table(cells: pd.DataFrame, by: str, direction: str) -> pd.DataFrame:
    """Return gap_report's group table for ``by`` (units, population share, mean, gap and ratio to the best)."""
    valid = cells[cells["valid"].astype(bool)]
    agg = valid.groupby(by, sort=True).agg(units=("n", "sum"), population=("w_all", "sum"), wx=("wx_all", "sum"))
    agg["units"] = agg["units"].astype(np.int64)
    agg.index.name = "g"
    return group_rows(agg, by, direction)


def _levels(cells: pd.DataFrame, columns: Sequence[str]) -> list[pd.DataFrame]:
    """Return, per nesting depth, the positive-weight sums of each group (cells with W > 0 only)."""
    valid = cells[cells["valid"].astype(bool) & (cells["n_pos"] > 0)]
    return [
        valid.groupby(list(columns[: d + 1]), sort=True)[["W", "WX", "WXLNX", "WLNX"]].sum()
        for d in range(len(columns))
    ]


def decomposition(
    cells: pd.DataFrame, t: dict[str, float], pos: Positions, columns: Sequence[str], index: str
) -> tuple[float, float, float, pd.DataFrame | None]:
    """Return (total, between, within, levels) of decompose(x, groups, w, index) from the cell sums."""
    alpha = 1.0 if index == "theil" else 0.0
    check_prepare(t, pos, weighted=True, positive=alpha <= 0, what=f"{index} ")
    one = np.array([1.0])
    total = float(ge_from_sums(one * t["W"], one * t["WX"], one * t["WXLNX"], one * t["WLNX"], alpha)[0])
    rows, previous, within = [], 0.0, 0.0
    for depth, g in enumerate(_levels(cells, columns)):
        W, WX = g["W"].to_numpy(), g["WX"].to_numpy()
        v, mean = W / W.sum(), WX / W
        between = float(ix.ge_kernel(mean, v, alpha)[0])
        rows.append({"level": depth, "groups": len(g), "value": between - previous})
        previous = between
        s = WX / WX.sum()
        weight = v ** (1.0 - alpha) * s**alpha
        within = float(np.sum(weight * ge_from_sums(W, WX, g["WXLNX"].to_numpy(), g["WLNX"].to_numpy(), alpha)))
    levels = None
    if len(columns) > 1:
        rows.append({"level": len(columns), "groups": rows[-1]["groups"], "value": within})
        levels = pd.DataFrame(rows)
        levels["component"] = [f"between level {i}" for i in range(len(columns))] + ["within finest groups"]
        levels["share"] = levels["value"] / total if total > 0 else 0.0
        levels = levels[["level", "component", "groups", "value", "share"]]
    return total, total - within, within, levels


def floor_result(t: dict[str, float], pos: Positions, floor: float, direction: str, weighted: bool) -> FloorResult:
    """Return floor_compliance(x, floor, w, direction) from the floor sums."""
    from jundeng.measure.floor import _check

    _check(np.ones(1), floor, None, direction)  # the direction and standard checks, raised as local does
    check = {**t, "pos_neg": 0.0, "pos_zero": 0.0, "WX": 1.0}  # floor only checks finiteness and weights
    check_prepare(check, pos, weighted=weighted)
    W = t["W"]
    return FloorResult(
        floor=float(floor),
        direction=direction,
        fgt0=t["fl_w"] / W,
        fgt1=t["fl_g1"] / W,
        fgt2=t["fl_g2"] / W,
        units_below=int(t["fl_n"]),
        population_below=t["fl_w"],
        mean_shortfall=t["fl_g1"] / W * float(floor),
        units=int(t["n_pos"]),
        population=W,
    )


# ------------------------------------------------------------------------------ sorted-pass combination


def gini_from_partitions(parts: pd.DataFrame) -> float:
    """Return the Gini from per-partition totals of the sorted pass, partitions in ascending x order.

    Each partition p holds W_p = Σw, I_p = Σwx, S_p = Σ w_i c_i (c_i the partition's own running Σwx) and
    Q_p = Σw²x. With O_p = Σ_{q<p} I_q, Σ_i w_i C_i = Σ_p (S_p + W_p O_p) and
    G = max(1 − (2 Σ w_i C_i − Σ w_i² x_i) / (W · C_n), 0), exactly gini_kernel's formula.
    """
    parts = parts.sort_values("pid")
    W, inc, S, Q = (parts[c].to_numpy(dtype=np.float64) for c in ("W", "I", "S", "Q"))
    offset = np.concatenate([[0.0], np.cumsum(inc)[:-1]])
    twice = 2.0 * float(np.sum(S + W * offset)) - float(Q.sum())
    return max(1.0 - twice / (float(W.sum()) * float(inc.sum())), 0.0)


def quantile_from_candidates(candidates: pd.DataFrame, q: float, fallback: float) -> float:
    """Return the q-quantile: the candidate of the first partition (ascending x) where the share reaches q."""
    hits = candidates[candidates["q"] == q].sort_values("pid")
    return float(hits["x"].iloc[0]) if len(hits) else fallback


def dagum_from_partitions(
    below: list[FloatArray], weight: list[FloatArray], income: list[FloatArray]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return (B, W_j, I_j) with B[j, h] = Σ_{i∈j} Σ_{r∈h, x_r<x_i} w_i w_r (x_i − x_r) over all partitions.

    Partition p contributes its own B_p plus, for its units of j, I_pj·W_<p,h − W_pj·I_<p,h: every unit of
    an earlier partition lies at or below them (units at equal values add 0).
    """
    k = weight[0].size
    total = np.zeros((k, k))
    w_before, i_before = np.zeros(k), np.zeros(k)
    for b, w, inc in zip(below, weight, income, strict=True):
        total += b + np.outer(inc, w_before) - np.outer(w, i_before)
        w_before, i_before = w_before + w, i_before + inc
    return total, w_before, i_before


def dagum_parts(B: FloatArray, W: FloatArray, inc: FloatArray) -> dict[str, float]:
    """Return Dagum's total, within, net_between and transvariation from B, W_j, I_j (see dagum.dagum_terms)."""
    _g, _d, within, net_between, transvariation = dagum_terms(B, W, inc)
    return {
        "total": within + net_between + transvariation,
        "within": within,
        "net_between": net_between,
        "transvariation": transvariation,
    }


def as_labels(values: Any) -> list[Any]:
    """Return group labels as plain Python objects in sorted order."""
    return sorted(np.asarray(values).tolist())
