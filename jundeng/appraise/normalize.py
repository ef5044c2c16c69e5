"""Data treatment and normalization of the region × indicator matrix (NaN = missing, kept as missing).

Treatment follows the JRC/COINr practice (OECD-JRC *Handbook on Constructing Composite Indicators*,
2008, §5; Becker et al. 2022, COINr): a column with |skewness| > 2 and excess kurtosis > 3.5 is
winsorized one extreme value at a time until the rule no longer holds (at most a share of the units),
or log-transformed. Every normalization returns scores where 100 is best, polarity by direction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from jundeng.measure._inputs import FloatArray, MeasureError

BoolArray = NDArray[np.bool_]


def _skew_kurt(column: FloatArray) -> tuple[float, float]:
    values = column[~np.isnan(column)]
    if values.size < 4 or np.ptp(values) == 0:
        return 0.0, 0.0
    return float(stats.skew(values)), float(stats.kurtosis(values))


def winsorize(
    matrix: ArrayLike, skew: float = 2.0, kurtosis: float = 3.5, max_share: float = 0.05
) -> tuple[FloatArray, BoolArray]:
    """Return (treated matrix, mask of clipped cells).

    While |skewness| > ``skew`` and excess kurtosis > ``kurtosis``, the most extreme value on the side of
    the skew is replaced by the next most extreme one, up to ⌊max_share · units⌋ values per column.
    """
    x = np.array(matrix, dtype=np.float64, copy=True)
    clipped = np.zeros(x.shape, dtype=bool)
    limit = int(np.floor(max_share * x.shape[0]))
    for j in range(x.shape[1]):
        col = x[:, j]
        for _ in range(limit):
            s, k = _skew_kurt(col)
            if not (abs(s) > skew and k > kurtosis):
                break
            present = np.flatnonzero(~np.isnan(col) & ~clipped[:, j])
            order = present[np.argsort(col[present])]
            extreme, nxt = (order[-1], order[-2]) if s > 0 else (order[0], order[1])
            col[extreme] = col[nxt]
            clipped[extreme, j] = True
    return x, clipped


def log_skewed(matrix: ArrayLike, skew: float = 2.0, kurtosis: float = 3.5) -> tuple[FloatArray, BoolArray]:
    """Return (matrix with ln(1 + x) on positive columns that break the skew/kurtosis rule, columns changed)."""
    x = np.array(matrix, dtype=np.float64, copy=True)
    changed = np.zeros(x.shape[1], dtype=bool)
    for j in range(x.shape[1]):
        s, k = _skew_kurt(x[:, j])
        if abs(s) > skew and k > kurtosis and np.nanmin(x[:, j]) >= 0:
            x[:, j] = np.log1p(x[:, j])
            changed[j] = True
    return x, changed


def impute(matrix: ArrayLike, method: str, previous: ArrayLike | None = None) -> tuple[FloatArray, BoolArray]:
    """Return (matrix with gaps filled, mask of imputed cells): ``mean`` of the column or ``last`` value."""
    x = np.array(matrix, dtype=np.float64, copy=True)
    missing = np.isnan(x)
    if method == "none" or not missing.any():
        return x, np.zeros(x.shape, dtype=bool)
    if method == "last":
        if previous is None:
            return x, np.zeros(x.shape, dtype=bool)
        prev = np.asarray(previous, dtype=np.float64)
        x[missing] = prev[missing]
    elif method == "mean":
        means = np.nanmean(np.where(missing, np.nan, x), axis=0)
        x[missing] = np.take(means, np.nonzero(missing)[1])
    else:
        raise MeasureError(f"未知的插补方法 {method!r}", f"unknown imputation {method!r}: none, mean or last")
    return x, missing & ~np.isnan(x)


def normalize(
    matrix: ArrayLike,
    directions: Sequence[int] | ArrayLike,
    method: str = "minmax",
    *,
    goalposts: Sequence[tuple[float, float]] | None = None,
    targets: ArrayLike | None = None,
    reference: ArrayLike | None = None,
) -> FloatArray:
    """Return scores (100 = best) per cell, column by column, polarity by ``directions`` (+1 / −1).

    - ``minmax``: 100 · (x − min)/(max − min) (reversed for −1); a constant column scores 100.
    - ``minmax_fixed``: the same with fixed goalposts (lo, hi), clipped to [0, 100].
    - ``zscore``: 100 + 10 · z (z sign-flipped for −1), so that scores stay positive for the geometric mean.
    - ``rank``: 100 · (rank − 1)/(m − 1), ties averaged.
    - ``target``: distance to target, 100 · x/t (higher) or 100 · t/x (lower), capped at 100.
    - ``ratio``: 100 · x / reference (higher) or 100 · reference / x (lower), e.g. the city value.
    """
    x = np.asarray(matrix, dtype=np.float64)
    d = np.asarray(directions, dtype=np.float64)
    if d.size != x.shape[1] or not np.all(np.isin(d, (-1, 1))):
        raise MeasureError("方向须为每个指标给出 +1 或 −1", "directions must be +1 or −1 for every indicator")
    if method == "minmax":
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        return _scaled(x, lo, hi, d)
    if method == "minmax_fixed":
        if goalposts is None or len(goalposts) != x.shape[1]:
            raise MeasureError("固定阈值须为每个指标给出", "minmax_fixed needs goalposts for every indicator")
        gp = np.asarray(goalposts, dtype=np.float64)
        return np.clip(_scaled(x, gp[:, 0], gp[:, 1], d), 0.0, 100.0)
    if method == "zscore":
        sd = np.nanstd(x, axis=0)
        z = (x - np.nanmean(x, axis=0)) / np.where(sd > 0, sd, 1.0)
        result: FloatArray = 100.0 + 10.0 * z * d
        return result
    if method == "rank":
        ranks = stats.rankdata(x * d, axis=0, nan_policy="omit")  # NaN stays NaN
        counts = np.sum(~np.isnan(x), axis=0)
        ranked: FloatArray = 100.0 * (ranks - 1.0) / np.where(counts > 1, counts - 1, 1)
        return ranked
    if method in ("target", "ratio"):
        base = targets if method == "target" else reference
        if base is None:
            raise MeasureError(f"{method} 归一化须给出目标或参照值", f"{method} normalization needs targets/reference")
        t = np.broadcast_to(np.asarray(base, dtype=np.float64), x.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(d > 0, x / t, t / x) * 100.0
        return np.minimum(score, 100.0) if method == "target" else score
    raise MeasureError(f"未知的归一化方法 {method!r}", f"unknown normalization {method!r}")


def _scaled(x: FloatArray, lo: FloatArray, hi: FloatArray, d: FloatArray) -> FloatArray:
    span = hi - lo
    safe = np.where(span > 0, span, 1.0)
    up = (x - lo) / safe
    score = np.where(d > 0, up, 1.0 - up) * 100.0
    result: FloatArray = np.where(span > 0, score, np.where(np.isnan(x), np.nan, 100.0))
    return result
