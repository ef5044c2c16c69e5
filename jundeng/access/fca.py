"""Floating-catchment accessibility (2SFCA family): facility capacity per person within reach (pure).

With demand P_i at origin i, supply S_j at destination j and a distance-decay weight w_ij on each pair
within the catchment (the pairs are already cut at it), the two-step floating catchment is

    R_j = S_j / Σ_i P_i·w_ij          (step 1: supply-to-demand ratio of facility j)
    A_i = Σ_j R_j·w_ij                (step 2: the ratios within reach of origin i)

Scores are unnormalised, exactly as PySAL ``access`` reports them with ``normalize=False``
(Saxon, J. et al. 2022, "An open software environment to make spatial access metrics more accessible",
Journal of Computational Social Science 5:265). Edge semantics follow PySAL: a step's bound is inclusive,
an origin with no pair scores 0, and a facility whose weighted demand Σ_i P_i·w_ij is 0 adds nothing
(PySAL: NaN terms, skipped by the sum; where PySAL gives +inf — a zero-population origin reaching such a
facility with a positive weight — this engine gives 0, which no population-weighted figure can see).
Everything is a ``numpy.bincount`` over the pairs: O(pairs), never an origins × destinations matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from jundeng.access.geometry import AccessError, FloatArray, Pairs, shown


def step_weights(cost: ArrayLike, steps: Sequence[tuple[float, float]]) -> FloatArray:
    """Step decay: the weight of the first step whose bound ≥ cost, 0 beyond the last (PySAL weights.step_fn)."""
    if not steps:
        raise AccessError("阶梯权重为空", "no steps given for the step weights")
    bounds = np.array([float(b) for b, _ in steps])
    values = np.array([float(w) for _, w in steps])
    if not np.all(np.isfinite(bounds)) or np.any(np.diff(bounds) <= 0):
        raise AccessError("阶梯上限须为递增的数", "step bounds must be finite and strictly ascending")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise AccessError("阶梯权重须为非负数", "step weights must be non-negative numbers")
    k = np.searchsorted(bounds, np.asarray(cost, dtype=np.float64), side="left")  # first bound ≥ cost
    return np.asarray(np.append(values, 0.0)[k], dtype=np.float64)


def gaussian_weights(cost: ArrayLike, bandwidth: float) -> FloatArray:
    """Gaussian decay w = exp(−c² / 2σ²), unscaled so that w(0) = 1 (PySAL weights.gaussian(sigma))."""
    if not np.isfinite(bandwidth) or bandwidth <= 0:
        raise AccessError(f"高斯带宽须为正数：{bandwidth}", f"the Gaussian bandwidth must be positive: {bandwidth}")
    c = np.asarray(cost, dtype=np.float64)
    return np.asarray(np.exp(-c * c / (2 * bandwidth**2)), dtype=np.float64)


def _checked(pairs: Pairs, demand: ArrayLike, supply: ArrayLike) -> tuple[FloatArray, FloatArray]:
    p = np.asarray(demand, dtype=np.float64)
    s = np.asarray(supply, dtype=np.float64)
    for array, n, zh, en in (
        (p, pairs.n_origins, "需求（人口）", "demand (population)"),
        (s, pairs.n_destinations, "供给（设施容量）", "supply (facility capacity)"),
    ):
        if array.shape != (n,):
            raise AccessError(f"{zh}的个数须为 {n}", f"{en} must have {n} values, one per point")
        bad = ~np.isfinite(array) | (array < 0)
        if bad.any():
            where = shown([str(i) for i in range(n)], bad)
            raise AccessError(f"{zh}为负或缺失（第 {where} 个）", f"negative or missing {en} (index {where})")
    return p, s


def two_stage(pairs: Pairs, demand: ArrayLike, supply: ArrayLike, weights: ArrayLike) -> FloatArray:
    """Generic 2SFCA with one weight per pair: R_j = S_j / Σ_i P_i w_ij, A_i = Σ_j R_j w_ij (Luo & Wang 2003)."""
    p, s = _checked(pairs, demand, supply)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != pairs.cost.shape or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise AccessError("每对起终点须有一个非负权重", "weights must be one non-negative number per pair")
    load = np.bincount(pairs.destination, weights=p[pairs.origin] * w, minlength=pairs.n_destinations)
    ratio = np.zeros(pairs.n_destinations)
    np.divide(s, load, out=ratio, where=load > 0)
    return np.asarray(np.bincount(pairs.origin, weights=ratio[pairs.destination] * w, minlength=pairs.n_origins))


def fca2(pairs: Pairs, demand: ArrayLike, supply: ArrayLike) -> FloatArray:
    """2SFCA: R_j = S_j / Σ_{c_ij≤d₀} P_i, A_i = Σ_{c_ij≤d₀} R_j (Luo, W. & Wang, F. 2003, Env. Plan. B 30:865)."""
    return two_stage(pairs, demand, supply, np.ones(len(pairs)))


def e2sfca(pairs: Pairs, demand: ArrayLike, supply: ArrayLike, steps: Sequence[tuple[float, float]]) -> FloatArray:
    """Enhanced 2SFCA with step weights W_r per travel band (Luo, W. & Qi, Y. 2009, Health & Place 15:1100)."""
    return two_stage(pairs, demand, supply, step_weights(pairs.cost, steps))


def g2sfca(pairs: Pairs, demand: ArrayLike, supply: ArrayLike, bandwidth: float) -> FloatArray:
    """Gaussian 2SFCA, w_ij = exp(−c_ij² / 2σ²) (Dai, D. 2010, Health & Place 16:1038; PySAL two_stage_fca)."""
    return two_stage(pairs, demand, supply, gaussian_weights(pairs.cost, bandwidth))


def selection_weights(pairs: Pairs, weights: ArrayLike) -> FloatArray:
    """3SFCA selection weight G_ij = w_ij / Σ_{k} w_ik over the origin's pairs (0 where that sum is 0)."""
    w = np.asarray(weights, dtype=np.float64)
    total = np.bincount(pairs.origin, weights=w, minlength=pairs.n_origins)[pairs.origin]
    g = np.zeros_like(w)
    np.divide(w, total, out=g, where=total > 0)
    return g


def fca3(pairs: Pairs, demand: ArrayLike, supply: ArrayLike, steps: Sequence[tuple[float, float]]) -> FloatArray:
    """3SFCA: R_j = S_j / Σ_i G_ij W_ij P_i, A_i = Σ_j G_ij W_ij R_j (Wan, N., Zou, B. & Sternberg, T. 2012).

    W_ij are the step weights and G_ij = W_ij / Σ_k W_ik the selection weights, normalised over the pairs
    given (PySAL three_stage_fca normalises over its whole cost table before ``max_cost``: the same when the
    pairs hold every pair of positive weight). Reference: Int. J. Geogr. Inf. Sci. 26(6):1073.
    """
    w = step_weights(pairs.cost, steps)
    return two_stage(pairs, demand, supply, w * selection_weights(pairs, w))


def region_scores(groups: Sequence[str], population: ArrayLike, score: ArrayLike) -> pd.DataFrame:
    """Per group: population and the population-weighted mean score Σ P_i A_i / Σ P_i (NaN where Σ P_i = 0)."""
    people = np.asarray(population, dtype=np.float64)
    values = np.asarray(score, dtype=np.float64)
    labels = [str(g) for g in groups]
    n = len(labels)
    if people.shape != (n,) or values.shape != (n,):
        raise AccessError(f"人口或得分的个数与点数 {n} 不符", f"population or scores do not number {n}")
    bad = ~np.isfinite(people) | (people < 0) | ~np.isfinite(values)
    if bad.any():
        where = shown(labels, bad)
        raise AccessError(f"人口或得分为负或缺失（{where}）", f"negative or missing population or score ({where})")
    frame = pd.DataFrame({"group": labels, "population": people, "weighted": people * values})
    table = frame.groupby("group", sort=True, as_index=False)[["population", "weighted"]].sum()
    total = table["population"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["score"] = np.where(total > 0, table["weighted"].to_numpy() / total, np.nan)
    return table[["group", "population", "score"]]
