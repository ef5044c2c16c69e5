"""Exact between/within decomposition of the generalized entropy family, for one or nested groupings.

For a partition into groups g with population shares v_g, income shares s_g and means μ_g,

    GE(α) = GE_B(α) + Σ_g v_g^{1−α} s_g^α · GE_g(α)

where GE_B is GE(α) of the distribution in which every unit holds its group mean (Shorrocks 1980;
Cowell 2011, §5.3). Theil T (α = 1) weighs groups by income share, the MLD (α = 0) by population share.
Nested levels (e.g. district ⊃ town ⊃ village) telescope: the between part at level ℓ is
GE_B(level ℓ) − GE_B(level ℓ−1), and the rest is within the finest groups, so the parts sum exactly.
Group sums use ``np.bincount`` (O(n)); no per-group Python loop touches the units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from jundeng.measure._inputs import FloatArray, IntArray, MeasureError, as_groups, prepare
from jundeng.measure.indices import ge_kernel

INDEX_ALPHA = {"theil": 1.0, "mld": 0.0}


@dataclass(frozen=True)
class Decomposition:
    """A GE(α) decomposition: ``total = between + within`` exactly, with one row per group.

    ``groups`` columns: group, units, population_share, income_share, mean, index (the group's own
    GE(α)), weight (v^{1−α} s^α), contribution (weight · index) and share (contribution / total).
    ``levels`` (nested decompositions only): one row per level with its between component and share.
    """

    index: str
    alpha: float
    total: float
    between: float
    within: float
    groups: pd.DataFrame
    levels: pd.DataFrame | None = None

    @property
    def between_share(self) -> float:
        """Return between / total (0 when there is no inequality)."""
        return self.between / self.total if self.total > 0 else 0.0


def _alpha_of(index: str | float) -> tuple[str, float]:
    if isinstance(index, int | float):
        return f"ge({float(index):g})", float(index)
    name = index.lower()
    if name in INDEX_ALPHA:
        return name, INDEX_ALPHA[name]
    if name.startswith("ge(") and name.endswith(")"):
        return name, float(name[3:-1])
    raise MeasureError(
        f"未知的指数 {index!r}（theil、mld 或 α 数值）", f"unknown index {index!r}: use theil, mld or a number"
    )


def _group_table(x: FloatArray, w: FloatArray, codes: IntArray, labels: Any, alpha: float) -> pd.DataFrame:
    """Return per-group shares, means, within-group GE(α) and contributions."""
    k = len(labels)
    pop = np.bincount(codes, weights=w, minlength=k)
    inc = np.bincount(codes, weights=w * x, minlength=k)
    units = np.bincount(codes, minlength=k)
    v = pop / pop.sum()
    s = inc / inc.sum()
    mean = inc / pop
    ratio = x / mean[codes]
    if alpha == 0:
        terms = -np.log(ratio)
    elif alpha == 1:
        terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    else:
        terms = (ratio**alpha - 1.0) / (alpha * (alpha - 1.0))
    within_index = np.bincount(codes, weights=w * terms, minlength=k) / pop
    weight = v ** (1.0 - alpha) * s**alpha
    return pd.DataFrame(
        {
            "group": labels,
            "units": units,
            "population_share": v,
            "income_share": s,
            "mean": mean,
            "index": within_index,
            "weight": weight,
            "contribution": weight * within_index,
        }
    )


def _between(v: FloatArray, mean: FloatArray, alpha: float) -> float:
    """Return GE(α) of the distribution where each group's population holds its mean."""
    return float(ge_kernel(mean, v, alpha)[0])


def decompose(
    values: ArrayLike,
    groups: ArrayLike | Sequence[ArrayLike] | pd.DataFrame,
    weights: ArrayLike | None = None,
    index: str | float = "theil",
) -> Decomposition:
    """Return the exact between/within decomposition of GE(α) by ``groups``.

    ``index`` is ``"theil"`` (GE(1)), ``"mld"`` (GE(0)) or a number α. ``groups`` is one label per
    unit, or several label columns from the coarsest to the finest level (a DataFrame or a list of
    arrays) for a nested decomposition; finer labels are made unique within their parent, so the
    levels nest by construction.
    """
    name, alpha = _alpha_of(index)
    x_all = np.asarray(values, dtype=np.float64).ravel()
    columns = _label_columns(groups, x_all.size)
    x, w = prepare(x_all, weights, positive=alpha <= 0, what=f"{name} ")
    if weights is not None and x.size != x_all.size:  # zero-weight units were dropped
        keep = np.asarray(weights, dtype=np.float64).ravel() > 0
        columns = [c[keep] for c in columns]
    total = float(ge_kernel(x, w, alpha)[0])

    level_rows = []
    previous_between = 0.0
    combined: IntArray = np.zeros(x.size, dtype=np.intp)
    table = pd.DataFrame()
    for depth, column in enumerate(columns):
        codes, uniques = as_groups(column, x.size)
        if depth == 0:
            combined, labels = codes, uniques.astype(object)
        else:  # nest: a finer label is a new group within each coarser group
            combined, _ = as_groups(combined.astype(np.int64) * len(uniques) + codes, x.size)
            first = np.empty(int(combined.max()) + 1, dtype=np.intp)
            first[combined[::-1]] = np.arange(x.size - 1, -1, -1)  # the last write is the first occurrence
            labels = np.array([" / ".join(str(columns[j][i]) for j in range(depth + 1)) for i in first], dtype=object)
        table = _group_table(x, w, combined, labels, alpha)
        between = _between(table["population_share"].to_numpy(), table["mean"].to_numpy(), alpha)
        level_rows.append({"level": depth, "groups": len(labels), "value": between - previous_between})
        previous_between = between
    within = float(table["contribution"].sum())
    between = total - within
    table["share"] = table["contribution"] / total if total > 0 else 0.0
    levels = None
    if len(columns) > 1:
        level_rows.append({"level": len(columns), "groups": len(table), "value": within})
        levels = pd.DataFrame(level_rows)
        levels["component"] = [f"between level {i}" for i in range(len(columns))] + ["within finest groups"]
        levels["share"] = levels["value"] / total if total > 0 else 0.0
        levels = levels[["level", "component", "groups", "value", "share"]]
    return Decomposition(name, alpha, total, between, within, table, levels)


def _label_columns(groups: Any, n: int) -> list[np.ndarray[Any, Any]]:
    if isinstance(groups, pd.DataFrame):
        return [groups[c].to_numpy() for c in groups.columns]
    if isinstance(groups, pd.Series):
        return [groups.to_numpy()]
    if isinstance(groups, list | tuple) and groups and np.ndim(groups[0]) == 1 and len(groups[0]) == n:
        return [np.asarray(g) for g in groups]
    array = np.asarray(groups)
    if array.ndim == 2:
        return [array[:, j] for j in range(array.shape[1])] if array.shape[0] == n else list(array)
    return [array]
