"""Input coercion shared by every measure: values, population weights and group labels, checked once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from jundeng.errors import JundengError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


class MeasureError(JundengError):
    """An input a measure cannot take, explained in Chinese and English."""


def _positions(mask: NDArray[np.bool_]) -> str:
    where = np.flatnonzero(mask)
    shown = ", ".join(str(i) for i in where[:5])
    return shown + (" …" if len(where) > 5 else "")


def as_values(values: ArrayLike) -> FloatArray:
    """Return ``values`` as a 1-D float array; raise MeasureError when empty or holding NaN/inf."""
    x = np.asarray(values, dtype=np.float64).ravel()
    if x.size == 0:
        raise MeasureError("没有数据", "no values")
    return require_finite(x)


def require_finite(x: FloatArray) -> FloatArray:
    """Return ``x`` when every entry is finite; else raise MeasureError saying how many and where."""
    bad = ~np.isfinite(x)
    if bad.any():
        where = _positions(bad.reshape(-1))
        raise MeasureError(
            f"有 {int(bad.sum())} 个缺失或无穷值（位置 {where}），请先剔除或插补",
            f"{int(bad.sum())} missing or infinite values (at {where}); drop or impute them first",
        )
    return x


def as_weights(weights: ArrayLike | None, n: int) -> FloatArray:
    """Return population weights for ``n`` units (ones when None); raise on bad shape, sign or total."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape[-1] != n:
        raise MeasureError(f"权重个数 {w.shape[-1]} 与数值个数 {n} 不符", f"{w.shape[-1]} weights for {n} values")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise MeasureError(
            f"权重须为非负有限数（位置 {_positions(bad.reshape(-1))}）",
            f"weights must be finite and non-negative (at {_positions(bad.reshape(-1))})",
        )
    if w.ndim == 1 and w.sum() <= 0:
        raise MeasureError("权重之和为 0", "the weights sum to zero")
    return w


def prepare(
    values: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    positive: bool = False,
    what: str = "",
) -> tuple[FloatArray, FloatArray]:
    """Return (values, weights) with zero-weight units dropped, checked for the measure ``what``.

    ``positive`` requires every value > 0 (GE(α ≤ 0), Atkinson(ε ≥ 1)); otherwise values must be ≥ 0
    with a positive mean. A unit with zero weight counts as absent.
    """
    x = as_values(values)
    w = as_weights(weights, x.size)
    keep = w > 0
    if not keep.all():
        x, w = x[keep], w[keep]
    if (x < 0).any():
        raise MeasureError(
            f"{what}不适用于负值（位置 {_positions(x < 0)}）",
            f"{what or 'this measure'} is undefined for negative values",
        )
    if positive and (x == 0).any():
        raise MeasureError(
            f"{what}在有 0 值时无定义（{int((x == 0).sum())} 个 0）；可改用 Theil T、GE(α>0) 或先处理 0 值",
            f"{what or 'this measure'} is undefined with zeros ({int((x == 0).sum())} zeros); "
            "use Theil T or GE(alpha>0), or treat the zeros first",
        )
    if np.dot(w, x) <= 0:
        raise MeasureError(f"{what}要求均值大于 0", f"{what or 'this measure'} needs a positive mean")
    return x, w


def as_groups(groups: ArrayLike | Sequence[Any], n: int) -> tuple[IntArray, NDArray[Any]]:
    """Return (integer code per unit, label per code) for group labels of ``n`` units."""
    labels = np.asarray(groups)
    if labels.ndim != 1 or labels.size != n:
        raise MeasureError(
            f"分组标签个数 {labels.size} 与数值个数 {n} 不符", f"{labels.size} group labels for {n} values"
        )
    if labels.dtype.kind == "f" and np.isnan(labels).any():
        raise MeasureError("分组标签有缺失值", "missing group labels")
    codes, uniques = pd.factorize(labels, sort=False, use_na_sentinel=True)  # hashing: O(n)
    if (codes < 0).any():
        raise MeasureError("分组标签有缺失值", "missing group labels")
    uniques = np.asarray(uniques)
    order = np.argsort(uniques, kind="stable")  # sort the k labels, not the n units
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    return rank[codes], uniques[order]
