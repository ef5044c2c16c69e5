"""TOPSIS closeness of each region to the ideal, for one weight vector or many (Monte Carlo) at once.

Matrices hold regions in rows and indicators in columns; ``directions`` gives +1 where a higher value is
better and −1 where a lower value is better. :func:`normalize_matrix` keeps each indicator's orientation
and the kernel applies the direction when it picks the ideal, so a caller normalizes once and passes the
same ``directions`` to :func:`topsis_batch`; :func:`topsis` is that kernel with one weight vector.

Reference: Hwang, C. L. & Yoon, K. (1981) *Multiple Attribute Decision Making: Methods and
Applications*, Springer, pp. 128–140.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from jundeng.appraise.weights import _as_directions, _as_matrix
from jundeng.measure._inputs import FloatArray, MeasureError

Normalization = Literal["vector", "minmax"]

_CHUNK_ELEMENTS = 1 << 24  # 16 Mi floats (128 MiB) per temporary; a few live at once stay well under 1 GB


def normalize_matrix(
    matrix: ArrayLike, directions: Sequence[int] | ArrayLike, method: Normalization = "vector"
) -> FloatArray:
    """Return the column-normalized matrix r that TOPSIS weighs, with each indicator's orientation kept.

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        Regions in rows, indicators in columns.
    directions : sequence of {+1, −1}
        Checked here; applied by :func:`topsis_batch` when it picks the ideal (max of r for +1, min for −1).
    method : {"vector", "minmax"}
        ``"vector"`` (Hwang & Yoon's classic): r_ij = x_ij / sqrt(Σ_i x_ij²); an all-zero column gives 0.
        ``"minmax"``: r_ij = (x_ij − min_j) / (max_j − min_j); a constant column gives 1 (pymcdm's
        ``minmax_normalization``, the default of ``pymcdm.methods.TOPSIS``).

    Returns
    -------
    ndarray, shape (m, n)

    Notes
    -----
    pymcdm flips a cost column to (max − x)/(max − min) = 1 − r and takes the maximum as ideal; taking the
    minimum of r as ideal instead gives the same distances |w (r_ij − min_i r_ij)|, hence the same closeness.
    The same holds for pymcdm's vector normalization of cost columns, 1 − r.

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981) *Multiple Attribute Decision Making*, Springer, p. 131 (vector
    normalization); Kosareva, Krylovas & Zavadskas (2018) "Statistical analysis of MCDM data normalization
    methods", Technological and Economic Development of Economy 24(4).
    """
    x = _as_matrix(matrix, min_rows=1)
    _as_directions(directions, x.shape[1])
    if method == "vector":
        norm = np.sqrt((x * x).sum(axis=0))
        vector: FloatArray = x / np.where(norm > 0, norm, 1.0)
        return vector
    if method == "minmax":
        low, high = x.min(axis=0), x.max(axis=0)
        constant = high == low
        scaled: FloatArray = np.where(constant, 1.0, (x - low) / np.where(constant, 1.0, high - low))
        return scaled
    raise MeasureError(f"未知的标准化方法 {method!r}（可选 vector、minmax）", f"unknown normalization {method!r}")


def _closeness(d_best: FloatArray, d_worst: FloatArray) -> FloatArray:
    """Return D⁻/(D⁺ + D⁻), and 0.5 where both are 0 (every weighted indicator constant: all regions tie)."""
    total = d_best + d_worst
    result: FloatArray = np.where(total > 0, d_worst / np.where(total > 0, total, 1.0), 0.5)
    return result


def _squared_gaps(r: FloatArray, d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return ((r − r⁺)², (r − r⁻)²) for matrices r of shape (k, m, n); r⁺ = column max for +1, min for −1."""
    high, low = r.max(axis=1, keepdims=True), r.min(axis=1, keepdims=True)
    best, worst = np.where(d > 0, high, low), np.where(d > 0, low, high)
    return (r - best) ** 2, (r - worst) ** 2


def topsis_batch(normalized: ArrayLike, weights: ArrayLike, directions: Sequence[int] | ArrayLike) -> FloatArray:
    """Return the TOPSIS closeness of every region for R weight vectors (and matrices) at once.

    Parameters
    ----------
    normalized : array_like, shape (m, n) or (R, m, n)
        Output of :func:`normalize_matrix`, shared by all replications or one per replication.
    weights : array_like, shape (R, n) or (n,)
        Non-negative weights per replication (their scale does not matter).
    directions : sequence of {+1, −1}
        The indicators' directions, as given to :func:`normalize_matrix`.

    Returns
    -------
    ndarray, shape (R, m)
        C_i = D⁻_i / (D⁺_i + D⁻_i), with v_ij = w_j r_ij, the ideal v⁺_j = max_i v_ij for +1 (min_i for −1),
        the anti-ideal v⁻_j the opposite, D^±_i = sqrt(Σ_j (v_ij − v^±_j)²), computed as
        sqrt(Σ_j w_j² (r_ij − r^±_j)²) since w_j ≥ 0. C_i = 0.5 for all regions when every weighted
        indicator is constant.

    Notes
    -----
    Vectorized over R: replications are processed in chunks of at most 16 Mi array elements, so memory
    stays bounded (a few hundred MiB) whatever R is. Each C_i depends only on its own replication, so the
    result equals a loop of :func:`topsis` bit for bit.

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981) *Multiple Attribute Decision Making*, Springer, pp. 128–140.
    """
    r = np.asarray(normalized, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    w = w[None, :] if w.ndim == 1 else w
    if r.ndim not in (2, 3) or w.ndim != 2 or w.shape[1] != r.shape[-1] or (r.ndim == 3 and r.shape[0] != w.shape[0]):
        raise MeasureError(
            f"形状不符：标准化矩阵 {r.shape}，权重 {w.shape}（应为 (m, n) 或 (R, m, n) 与 (R, n)）",
            f"shape mismatch: normalized {r.shape}, weights {w.shape} (expected (m, n) or (R, m, n) and (R, n))",
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise MeasureError("权重须为非负有限数", "weights must be finite and non-negative")
    d = _as_directions(directions, r.shape[-1])
    replications, (m, n) = w.shape[0], r.shape[-2:]
    w2 = w * w
    out = np.empty((replications, m))
    chunk = max(1, _CHUNK_ELEMENTS // max(m * n, 1))
    shared = r.ndim == 2
    if shared:
        gap_best, gap_worst = _squared_gaps(r[None], d)
    for start in range(0, replications, chunk):
        stop = min(start + chunk, replications)
        if not shared:
            gap_best, gap_worst = _squared_gaps(r[start:stop], d)
        scale = w2[start:stop, None, :]
        d_best = np.sqrt((gap_best * scale).sum(axis=-1))
        d_worst = np.sqrt((gap_worst * scale).sum(axis=-1))
        out[start:stop] = _closeness(d_best, d_worst)
    return out


def topsis(
    matrix: ArrayLike,
    weights: ArrayLike,
    directions: Sequence[int] | ArrayLike,
    normalize: Normalization = "vector",
) -> FloatArray:
    """Return each region's TOPSIS closeness to the ideal, C_i in [0, 1] (higher is better).

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        Regions in rows, indicators in columns.
    weights : array_like, shape (n,)
        Non-negative indicator weights, not all 0 (the closeness does not depend on their sum).
    directions : sequence of {+1, −1}
        +1 where higher is better, −1 where lower is better.
    normalize : {"vector", "minmax"}
        See :func:`normalize_matrix`: ``"vector"`` r_ij = x_ij / sqrt(Σ_i x_ij²) (classic);
        ``"minmax"`` reproduces ``pymcdm.methods.TOPSIS()``.

    Returns
    -------
    ndarray, shape (m,)
        v_ij = w_j r_ij; v⁺_j = max_i v_ij for +1 and min_i v_ij for −1, v⁻_j the opposite;
        D^±_i = sqrt(Σ_j (v_ij − v^±_j)²); C_i = D⁻_i / (D⁺_i + D⁻_i) (0.5 for all when nothing varies).

    References
    ----------
    Hwang, C. L. & Yoon, K. (1981) *Multiple Attribute Decision Making: Methods and Applications*,
    Springer, pp. 128–140.
    """
    x = _as_matrix(matrix, min_rows=1)
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.size != x.shape[1]:
        raise MeasureError(
            f"权重个数 {w.size} 与指标个数 {x.shape[1]} 不符", f"{w.size} weights for {x.shape[1]} indicators"
        )
    if np.isfinite(w).all() and (w >= 0).all() and w.sum() <= 0:
        raise MeasureError("权重之和为 0", "the weights sum to zero")
    result: FloatArray = topsis_batch(normalize_matrix(x, directions, normalize), w[None, :], directions)[0]
    return result
