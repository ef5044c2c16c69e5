"""Inequality indices with population weights: Gini, generalized entropy, Atkinson, CV.

Every index treats unit i as a share p_i = w_i / Σw of the population holding x_i (a region with its
population). Equal weights give the usual unweighted indices, so the results agree with PySAL
``inequality`` (Gini, Theil) on unweighted data. The ``*_kernel`` functions take weights of shape
(k, n) and return k results at once; the bootstrap uses them to evaluate many resamples in one pass.

References: Cowell, F. (2011) *Measuring Inequality*, 3rd ed., ch. 3 and technical appendix;
Shorrocks, A. F. (1980) "The class of additively decomposable inequality measures", Econometrica 48.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from jundeng.measure._inputs import FloatArray, MeasureError, as_values, prepare

# ---------------------------------------------------------------------------------------------- kernels


def gini_kernel(x_sorted: FloatArray, w: FloatArray) -> FloatArray:
    """Return the weighted Gini for each row of ``w`` (shape (k, n), or (n,)) over ascending ``x_sorted``.

    G = 1 − Σ_i p_i (L_{i−1} + L_i), with p_i the population share and L_i the cumulative income share
    of the units up to i in ascending order; equal to Σ_i Σ_j p_i p_j |x_i − x_j| / (2μ). Computed as
    G = 1 − (2 Σ w_i C_i − Σ w_i² x_i) / (W · C_n), C_i = Σ_{j≤i} w_j x_j, in two passes.
    """
    w = np.atleast_2d(w)
    income = w * x_sorted
    cum = np.cumsum(income, axis=1)
    twice = 2.0 * np.einsum("ij,ij->i", w, cum) - np.einsum("ij,ij->i", w, income)
    result: FloatArray = np.maximum(1.0 - twice / (w.sum(axis=1) * cum[:, -1]), 0.0)  # no −1e-16 for equal values
    return result


def sort_by_value(x: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return (x, w) ordered by ascending x (ties keep any order; polars' multithreaded sort when large)."""
    if x.size < 200_000:
        order = np.argsort(x)
        return x[order], w[order]
    import polars as pl

    ordered = pl.DataFrame({"x": x, "w": w}).sort("x")
    return ordered["x"].to_numpy(), ordered["w"].to_numpy()


def ge_kernel(x: FloatArray, w: FloatArray, alpha: float) -> FloatArray:
    """Return GE(α) for each row of ``w`` (shape (k, n)).

    GE(α) = (Σ p_i (x_i/μ)^α − 1) / (α(α−1)); GE(0) = Σ p_i ln(μ/x_i) (MLD, Theil L);
    GE(1) = Σ p_i (x_i/μ) ln(x_i/μ) (Theil T).
    """
    w = np.atleast_2d(w)
    p = w / w.sum(axis=1, keepdims=True)
    mu = p @ x
    if alpha == 0:
        result: FloatArray = np.log(mu) - p @ np.log(x)
        return result
    if alpha == 1:
        xlogx = np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)
        theil_t: FloatArray = (p @ xlogx) / mu - np.log(mu)
        return theil_t
    general: FloatArray = ((p @ x**alpha) / mu**alpha - 1.0) / (alpha * (alpha - 1.0))
    return general


def atkinson_kernel(x: FloatArray, w: FloatArray, epsilon: float) -> FloatArray:
    """Return Atkinson's A(ε) for each row of ``w``: 1 − (Σ p_i x_i^{1−ε})^{1/(1−ε)} / μ; A(1) = 1 − exp(Σ p ln x)/μ."""
    w = np.atleast_2d(w)
    p = w / w.sum(axis=1, keepdims=True)
    mu = p @ x
    ede = np.exp(p @ np.log(x)) if epsilon == 1 else (p @ x ** (1.0 - epsilon)) ** (1.0 / (1.0 - epsilon))
    result: FloatArray = 1.0 - ede / mu
    return result


def cv_kernel(x: FloatArray, w: FloatArray) -> FloatArray:
    """Return the weighted coefficient of variation for each row of ``w``: sqrt(Σ p (x − μ)²) / μ."""
    w = np.atleast_2d(w)
    p = w / w.sum(axis=1, keepdims=True)
    mu = p @ x
    var = np.einsum("ij,ij->i", p, (x - mu[:, None]) ** 2)  # two-pass: no cancellation
    result: FloatArray = np.sqrt(np.maximum(var, 0.0)) / mu
    return result


# ------------------------------------------------------------------------------------------ public API


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the population-weighted Gini coefficient, Σ_i Σ_j p_i p_j |x_i − x_j| / (2μ), in [0, 1)."""
    x, w = prepare(values, weights, what="Gini ")
    if weights is None:  # G = 2 Σ i·x_(i) / (n Σ x) − (n + 1)/n on the sorted values
        xs = np.sort(x)
        n = xs.size
        ranks = np.arange(1, n + 1, dtype=np.float64)
        return max(float(2.0 * np.dot(ranks, xs) / (n * xs.sum()) - (n + 1.0) / n), 0.0)
    return float(gini_kernel(*sort_by_value(x, w))[0])


def ge(values: ArrayLike, alpha: float, weights: ArrayLike | None = None) -> float:
    """Return the generalized entropy index GE(α) (see :func:`ge_kernel`); α ≤ 0 needs positive values."""
    x, w = prepare(values, weights, positive=alpha <= 0, what=f"GE({alpha:g}) ")
    return float(ge_kernel(x, w, float(alpha))[0])


def theil(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return Theil's T, GE(1) = Σ p_i (x_i/μ) ln(x_i/μ) (zeros contribute 0)."""
    return ge(values, 1.0, weights)


def mld(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the mean log deviation (Theil's L), GE(0) = Σ p_i ln(μ/x_i); undefined with zeros."""
    return ge(values, 0.0, weights)


def atkinson(values: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """Return Atkinson's index A(ε) for inequality aversion ε ≥ 0; ε ≥ 1 needs positive values."""
    if epsilon < 0:
        raise MeasureError("Atkinson 的 ε 须 ≥ 0", "Atkinson's epsilon must be >= 0")
    x, w = prepare(values, weights, positive=epsilon >= 1, what=f"Atkinson({epsilon:g}) ")
    return float(atkinson_kernel(x, w, float(epsilon))[0])


def cv(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the population-weighted coefficient of variation σ_w / μ_w (population variance)."""
    x, w = prepare(values, weights, what="CV ")
    return float(cv_kernel(x, w)[0])


def weighted_mean(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Return the population-weighted mean Σ w x / Σ w."""
    x, w = prepare(values, weights)
    return float(np.dot(w, x) / w.sum())


def weighted_quantile(values: ArrayLike, q: float, weights: ArrayLike | None = None) -> float:
    """Return the weighted q-quantile: the smallest x whose cumulative population share reaches q.

    With equal weights this is numpy's ``inverted_cdf`` method.
    """
    x, w = prepare(values, weights)
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    index = int(np.searchsorted(cum, q - 1e-12, side="left"))
    return float(x[order][min(index, x.size - 1)])


def value_range(values: ArrayLike) -> float:
    """Return max − min."""
    x, _ = prepare(values)
    return float(x.max() - x.min())


def max_min_ratio(values: ArrayLike) -> float:
    """Return max / min; raise when the minimum is 0."""
    x, _ = prepare(values)
    if x.min() == 0:
        raise MeasureError("最小值为 0，极值比无定义", "max/min ratio is undefined when the minimum is 0")
    return float(x.max() / x.min())


def quantile_ratio(values: ArrayLike, upper: float, lower: float, weights: ArrayLike | None = None) -> float:
    """Return the weighted quantile ratio Q(upper) / Q(lower), e.g. P90/P10 with (0.9, 0.1)."""
    low = weighted_quantile(values, lower, weights)
    if low == 0:
        raise MeasureError("下分位数为 0，分位数比无定义", "the lower quantile is 0: the ratio is undefined")
    return weighted_quantile(values, upper, weights) / low


def _direction_sign(direction: str) -> float:
    if direction not in ("higher", "lower"):
        raise MeasureError("方向须为 higher 或 lower", "direction must be 'higher' or 'lower'")
    return 1.0 if direction == "higher" else -1.0


def gap_to_best(values: ArrayLike, direction: str = "higher") -> FloatArray:
    """Return each unit's shortfall from the best unit (≥ 0): max − x when higher is better, x − min otherwise."""
    x, _ = prepare(values)
    sign = _direction_sign(direction)
    best = x.max() if sign > 0 else x.min()
    result: FloatArray = sign * (best - x)
    return result


def gap_to_mean(values: ArrayLike, weights: ArrayLike | None = None, direction: str = "higher") -> FloatArray:
    """Return each unit's shortfall from the weighted mean (positive = worse than the mean)."""
    x, w = prepare(values, weights)
    mu = np.dot(w, x) / w.sum()
    result: FloatArray = _direction_sign(direction) * (mu - as_values(values))
    return result


def gap_to_target(values: ArrayLike, target: float, direction: str = "higher") -> FloatArray:
    """Return each unit's shortfall from ``target`` (0 where met), e.g. target − x for higher-is-better."""
    x = as_values(values)
    result: FloatArray = np.maximum(_direction_sign(direction) * (target - x), 0.0)
    return result
