"""Indicator weights for the appraisal: entropy, CRITIC, AHP, PCA, equal and expert-fixed weights.

Matrices hold regions in rows and indicators in columns; ``directions`` gives +1 where a higher value is
better and −1 where a lower value is better. Every function returns non-negative weights summing to 1.
An indicator that is constant across regions carries no information: the objective methods give it
weight 0 (equal weights when every indicator is constant).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from jundeng.measure._inputs import FloatArray, MeasureError, require_finite

BoolArray = NDArray[np.bool_]

# Saaty's average random consistency index RI for n = 1..15 (Saaty 1980, as tabulated in most AHP texts;
# the dip at n = 12 is in the published table).
_RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59)


# ---------------------------------------------------------------------------------------------- helpers


def _as_matrix(matrix: ArrayLike, min_rows: int = 2) -> FloatArray:
    """Return ``matrix`` as a finite 2-D float array with at least ``min_rows`` regions and one indicator."""
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] == 0:
        raise MeasureError(
            f"评价矩阵须为二维（地区×指标），实为 {x.shape}", f"expected a regions×indicators matrix, got {x.shape}"
        )
    if x.shape[0] < min_rows:
        raise MeasureError(
            f"至少需要 {min_rows} 个地区，实有 {x.shape[0]} 个", f"needs at least {min_rows} regions, got {x.shape[0]}"
        )
    return require_finite(x)


def _as_directions(directions: Sequence[int] | ArrayLike, n: int) -> FloatArray:
    """Return ``directions`` as a float array of ±1 with one entry per indicator."""
    d = np.asarray(directions, dtype=np.float64).ravel()
    if d.size != n:
        raise MeasureError(f"方向个数 {d.size} 与指标个数 {n} 不符", f"{d.size} directions for {n} indicators")
    if not np.isin(d, (1.0, -1.0)).all():
        raise MeasureError("方向须为 +1（越大越好）或 −1（越小越好）", "directions must be +1 (higher is better) or -1")
    return d


def _minmax(x: FloatArray, d: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Return (direction-aware min-max scores, constant-column mask); constant columns score 0."""
    low, high = x.min(axis=0), x.max(axis=0)
    constant = high == low
    span = np.where(constant, 1.0, high - low)
    z = np.where(d > 0, x - low, high - x) / span
    return np.where(constant, 0.0, z), constant


def _from_scores(score: FloatArray, constant: BoolArray) -> FloatArray:
    """Normalize ``score`` to sum 1 with constant columns at 0; equal weights when nothing is informative."""
    score = np.where(constant, 0.0, np.maximum(score, 0.0))
    total = score.sum()
    if total <= 0:
        return np.full(score.size, 1.0 / score.size)
    result: FloatArray = score / total
    return result


# ------------------------------------------------------------------------------------------ public API


def entropy(
    matrix: ArrayLike, directions: Sequence[int] | ArrayLike, normalize: Literal["minmax", "sum"] = "minmax"
) -> FloatArray:
    """Return entropy weights: indicators that differ more across regions weigh more.

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        Regions in rows, indicators in columns; m ≥ 2.
    directions : sequence of {+1, −1}
        +1 where higher is better, −1 where lower is better (used by ``"minmax"`` only).
    normalize : {"minmax", "sum"}
        ``"minmax"`` (the usual choice in Chinese equalization studies): z_ij = (x_ij − min_j)/(max_j − min_j)
        for +1 and (max_j − x_ij)/(max_j − min_j) for −1. ``"sum"``: z_ij = x_ij ≥ 0 raw (as
        ``pymcdm.weights.entropy_weights``; direction plays no role there).

    Returns
    -------
    ndarray, shape (n,)
        p_ij = z_ij / Σ_i z_ij, e_j = −(1/ln m) Σ_i p_ij ln p_ij with 0·ln 0 = 0, d_j = 1 − e_j,
        w_j = d_j / Σ_k d_k. A constant column has d_j = 0 (weight 0); all constant → equal weights.

    Notes
    -----
    With ``"sum"`` a zero value contributes 0·ln 0 = 0; pymcdm instead sets e_j = 0 for any column holding
    a zero, so the two agree only on data without zeros.

    References
    ----------
    Shannon, C. E. (1948) "A mathematical theory of communication", Bell Syst. Tech. J. 27;
    Zeleny, M. (1982) *Multiple Criteria Decision Making*, McGraw-Hill, ch. 7 (entropy weights).
    """
    x = _as_matrix(matrix)
    d = _as_directions(directions, x.shape[1])
    if normalize == "minmax":
        z, constant = _minmax(x, d)
    elif normalize == "sum":
        if (x < 0).any():
            raise MeasureError(
                "熵权法（sum）不适用于负值，请改用 minmax", "entropy with 'sum' needs non-negative values"
            )
        z, constant = x, x.max(axis=0) == x.min(axis=0)
        if (z.sum(axis=0) <= 0).any():
            raise MeasureError("有指标全为 0", "an indicator is zero in every region")
    else:
        raise MeasureError(f"未知的标准化方法 {normalize!r}", f"unknown normalization {normalize!r}")
    totals = z.sum(axis=0)
    p = z / np.where(totals > 0, totals, 1.0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    return _from_scores(1.0 - e, constant)


def critic(matrix: ArrayLike, directions: Sequence[int] | ArrayLike) -> FloatArray:
    """Return CRITIC weights (contrast intensity times conflict with the other indicators).

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        Regions in rows, indicators in columns; m ≥ 2.
    directions : sequence of {+1, −1}
        +1 where higher is better, −1 where lower is better.

    Returns
    -------
    ndarray, shape (n,)
        With z the direction-aware min-max scores (as in :func:`entropy`), σ_j the sample standard deviation
        of z_j (ddof = 1, as pymcdm; the ddof cancels in the weights), r_jk Pearson's correlation,
        C_j = σ_j Σ_k (1 − r_jk) and w_j = C_j / Σ_k C_k.

    Notes
    -----
    Constant columns get weight 0 and are left out of the other columns' sums (their correlation is
    undefined), so the weights equal CRITIC on the informative columns alone. ``pymcdm.weights.critic_weights``
    ignores criterion types; it matches this function when cost columns are negated beforehand.

    References
    ----------
    Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995) "Determining objective weights in multiple
    criteria problems: the CRITIC method", Computers & Operations Research 22(7), 763–770.
    """
    x = _as_matrix(matrix)
    z, constant = _minmax(x, _as_directions(directions, x.shape[1]))
    live = ~constant
    score = np.zeros(x.shape[1])
    if live.any():
        zl = z[:, live]
        sigma = zl.std(axis=0, ddof=1)
        r = np.atleast_2d(np.corrcoef(zl, rowvar=False))
        score[live] = sigma * (1.0 - r).sum(axis=0)
    return _from_scores(score, constant)


def ahp(pairwise: ArrayLike) -> tuple[FloatArray, float]:
    """Return (weights, consistency ratio) of an AHP pairwise comparison (judgement) matrix.

    Parameters
    ----------
    pairwise : array_like, shape (n, n)
        a_ij = how much more important indicator i is than j (Saaty's 1–9 scale); positive and reciprocal,
        a_ji = 1/a_ij within 1e-6; n ≤ 15.

    Returns
    -------
    weights : ndarray, shape (n,)
        The principal (Perron) eigenvector of A normalized to sum 1: A w = λ_max w.
    cr : float
        CR = CI / RI with CI = (λ_max − n)/(n − 1) and Saaty's random index RI(n)
        (0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59 for n = 3..15);
        CR = 0 for n ≤ 2. CR ≤ 0.1 is conventionally acceptable (see :func:`ahp_check`).

    References
    ----------
    Saaty, T. L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill; Saaty, T. L. (1990) "How to make
    a decision: the analytic hierarchy process", European Journal of Operational Research 48, 9–26.
    """
    a = np.asarray(pairwise, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise MeasureError(f"判断矩阵须为方阵，实为 {a.shape}", f"the pairwise matrix must be square, got {a.shape}")
    n = a.shape[0]
    if not np.isfinite(a).all() or (a <= 0).any():
        raise MeasureError("判断矩阵的元素须为正数", "pairwise judgements must be positive numbers")
    off = np.abs(a * a.T - 1.0) > 1e-6
    if off.any():
        i, j = (int(k) for k in np.argwhere(off)[0])
        raise MeasureError(
            f"判断矩阵不满足互反性：a[{i},{j}]·a[{j},{i}] = {a[i, j] * a[j, i]:.6g} ≠ 1（请用分数如 1/3 录入）",
            f"the pairwise matrix is not reciprocal: a[{i},{j}]*a[{j},{i}] = {a[i, j] * a[j, i]:.6g} != 1",
        )
    if n > len(_RANDOM_INDEX):
        raise MeasureError(
            f"判断矩阵阶数 {n} 超过 15，缺少随机一致性指标；请分层比较",
            f"order {n} exceeds 15, beyond Saaty's random index table; split the hierarchy",
        )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))  # the Perron root of a positive matrix is real and largest
    v = np.abs(vectors[:, k].real)
    weights: FloatArray = v / v.sum()
    if n <= 2:
        return weights, 0.0
    ci = max((float(values[k].real) - n) / (n - 1), 0.0)
    return weights, ci / _RANDOM_INDEX[n - 1]


def ahp_check(pairwise: ArrayLike, max_cr: float = 0.1, override: bool = False) -> FloatArray:
    """Return the AHP weights of ``pairwise``, raising MeasureError when CR > ``max_cr`` unless ``override``.

    The weights and CR are those of :func:`ahp`: A w = λ_max w, CR = ((λ_max − n)/(n − 1)) / RI(n).
    Saaty's rule accepts CR ≤ 0.1; ``override=True`` returns the weights of an inconsistent matrix anyway.

    References
    ----------
    Saaty, T. L. (1980) *The Analytic Hierarchy Process*, McGraw-Hill (consistency ratio).
    """
    weights, cr = ahp(pairwise)
    if cr > max_cr and not override:
        raise MeasureError(
            f"判断矩阵一致性比率 CR={cr:.4f} > {max_cr:g}，请调整判断（或确认后使用 override）",
            f"consistency ratio CR={cr:.4f} > {max_cr:g}; revise the judgements or pass override=True",
        )
    return weights


def pca(matrix: ArrayLike) -> FloatArray:
    """Return weights from a principal component analysis of the indicators (unrotated).

    Parameters
    ----------
    matrix : array_like, shape (m, n)
        Regions in rows, indicators in columns; m ≥ 3 and no constant column.

    Returns
    -------
    ndarray, shape (n,)
        With R the correlation matrix of the z-scored columns, R u_k = λ_k u_k (λ_1 ≥ … ≥ λ_n), the kept
        components K = {k : λ_k > 1} (at least the first), loadings a_jk = √λ_k u_jk (the correlation of
        indicator j with component k) and variance shares s_k = λ_k / Σ_{l∈K} λ_l:
        w_j = Σ_{k∈K} s_k |a_jk| / Σ_i Σ_{k∈K} s_k |a_ik|.

    Notes
    -----
    The absolute value removes the arbitrary sign of each eigenvector, so the rule is reproducible and
    direction-free. The OECD/JRC Handbook instead rotates the factors (varimax) and uses squared loadings;
    this unrotated variant is simpler and its result depends only on R. With nearly uncorrelated
    indicators (all λ ≈ 1) the weights rest on one weakly defined component and are not meaningful.

    References
    ----------
    Nicoletti, G., Scarpetta, S. & Boylaud, O. (2000) "Summary indicators of product market regulation",
    OECD Economics Department Working Paper 226; OECD/JRC (2008) *Handbook on Constructing Composite
    Indicators: Methodology and User Guide*, §6.1.
    """
    x = _as_matrix(matrix, min_rows=3)
    constant = x.max(axis=0) == x.min(axis=0)
    if constant.any():
        raise MeasureError(
            f"主成分法不适用于常数指标（第 {', '.join(str(int(i)) for i in np.flatnonzero(constant))} 列）",
            "PCA weights are undefined for a constant indicator; drop it first",
        )
    if x.shape[1] == 1:
        return np.ones(1)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    values, vectors = np.linalg.eigh(np.corrcoef(z, rowvar=False))
    values, vectors = values[::-1], vectors[:, ::-1]  # descending
    keep = max(int((values > 1.0).sum()), 1)
    lam = values[:keep]
    loadings = np.abs(vectors[:, :keep]) * np.sqrt(lam)
    score = loadings @ (lam / lam.sum())
    result: FloatArray = score / score.sum()
    return result


def equal(n: int) -> FloatArray:
    """Return n equal weights, w_j = 1/n (OECD/JRC 2008 *Handbook on Constructing Composite Indicators*, ch. 6)."""
    if int(n) != n or n < 1:
        raise MeasureError("指标个数须为正整数", "the number of indicators must be a positive integer")
    return np.full(int(n), 1.0 / int(n))


def fixed(values: Sequence[float] | ArrayLike) -> FloatArray:
    """Return expert weights normalized to sum 1, w_j = v_j / Σ_k v_k (budget allocation / Delphi panels;
    OECD/JRC 2008 *Handbook on Constructing Composite Indicators*, ch. 6).

    Raises MeasureError for an empty, negative, non-finite or all-zero vector.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        raise MeasureError("没有权重", "no weights given")
    if not np.isfinite(v).all() or (v < 0).any():
        raise MeasureError("专家权重须为非负有限数", "expert weights must be finite and non-negative")
    if v.sum() <= 0:
        raise MeasureError("专家权重之和为 0", "the expert weights sum to zero")
    result: FloatArray = v / v.sum()
    return result
