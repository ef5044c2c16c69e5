"""Equalization transfers from a pool (均衡性转移支付), their floors and caps, and inequality before and after.

The allocation of China's equalization transfer: with a pool P and the fiscal gaps gap_d,

    coefficient = min(1, P / Σ_d gap_d),    transfer_d = gap_d × coefficient

(the 转移支付系数 of 财政部《中央对地方均衡性转移支付办法》; Shah 2012 §4). When no district has a gap
(Σ gap = 0) nothing is transferred and the coefficient is 0: there is nothing to equalize.

**Floors and caps** are per-district minimum and maximum transfer amounts (元), applied to districts with
a gap only and never beyond the gap: lo_d = min(floor, gap_d), hi_d = min(cap, gap_d), floor ≤ cap. The
transfer is transfer_d = clip(c × gap_d, lo_d, hi_d) with the one coefficient c ∈ [0, 1] for which
Σ transfer_d = P: what a cap frees goes to the other districts (c rises) and what a floor takes comes from
them (c falls). When P ≥ Σ hi_d every district gets hi_d (c = 1) and the rest of the pool is unspent; when
P < Σ lo_d the floors cannot all be met and each district gets lo_d × P / Σ lo_d (c = 0). So Σ transfer ≤ P
always. Without floor and cap this is exactly the formula above.

Σ_d clip(c g_d, lo_d, hi_d) = Σ lo_d + Σ g_d (min(c, b_d) − min(c, a_d)), a_d = lo_d/g_d, b_d = hi_d/g_d, is
piecewise linear in c with breakpoints a_d, b_d: it is evaluated at every breakpoint once (sorting, O(n log n))
and each pool then costs one search and one O(n) clip.

Resources per head before are capacity_d / pop_d and after (capacity_d + transfer_d) / pop_d; their
population-weighted Gini, Theil T and CV come from :mod:`jundeng.measure`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from jundeng.fiscal.needs import Districts, FiscalError, FloatArray, needs_of, own_shares, unit_cost_vector
from jundeng.measure import cv, gini, theil


def _bounds(gap: FloatArray, floor: float | None, cap: float | None) -> tuple[FloatArray, FloatArray]:
    for name, value in (("floor", floor), ("cap", cap)):
        if value is not None and (not np.isfinite(value) or value < 0):
            raise FiscalError(f"{name} 须为非负数", f"{name} must be a non-negative number")
    if floor is not None and cap is not None and floor > cap:
        raise FiscalError(f"下限 {floor:g} 高于上限 {cap:g}", f"the floor {floor:g} is above the cap {cap:g}")
    has = gap > 0
    lo = np.where(has, np.minimum(floor or 0.0, gap), 0.0)
    hi = np.where(has, np.minimum(np.inf if cap is None else cap, gap), 0.0)
    return lo, hi


def _weighted_min_sums(x: FloatArray, g: FloatArray, at: FloatArray) -> FloatArray:
    """Return Σ_d g_d min(c, x_d) for every c in ``at`` (sorted prefix sums)."""
    order = np.argsort(x)
    xs, gs = x[order], g[order]
    cum_gx = np.concatenate([[0.0], np.cumsum(gs * xs)])
    cum_g = np.concatenate([[0.0], np.cumsum(gs)])
    k = np.searchsorted(xs, at, side="right")
    result: FloatArray = cum_gx[k] + at * (cum_g[-1] - cum_g[k])
    return result


@dataclass(frozen=True)
class Allocation:
    """The transfers of one pool: per district, the coefficient used and what is left unspent."""

    pool: float
    transfer: FloatArray
    coefficient: float

    @property
    def unspent(self) -> float:
        """Return the part of the pool not allocated (floors/caps or a pool above the gap)."""
        return max(0.0, self.pool - float(self.transfer.sum()))


class Allocator:
    """Allocate any number of pools over fixed gaps, floor and cap (the schedule is built once)."""

    def __init__(self, gap: ArrayLike, floor: float | None = None, cap: float | None = None) -> None:
        self.gap = np.asarray(gap, dtype=np.float64)
        if (~np.isfinite(self.gap) | (self.gap < 0)).any():
            raise FiscalError("财政缺口须为非负有限数", "gaps must be finite and non-negative")
        self.lo, self.hi = _bounds(self.gap, floor, cap)
        has = self.gap > 0
        g = np.where(has, self.gap, 0.0)
        safe = np.where(has, g, 1.0)
        a, b = self.lo / safe, self.hi / safe
        self.cs = np.unique(np.concatenate([[0.0, 1.0], a[has], b[has]]))
        self.fs = self.lo.sum() + _weighted_min_sums(b, g, self.cs) - _weighted_min_sums(a, g, self.cs)
        self.fs = np.maximum.accumulate(self.fs)  # monotone by construction; remove rounding wiggles

    def allocate(self, pool: float) -> Allocation:
        """Return the transfers of ``pool`` (元) by the rule of the module docstring."""
        if not np.isfinite(pool) or pool < 0:
            raise FiscalError(f"资金池须为非负数：{pool!r}", f"the pool must be a non-negative number: {pool!r}")
        if not (self.gap > 0).any():
            return Allocation(pool, np.zeros_like(self.gap), 0.0)
        low, high = float(self.fs[0]), float(self.fs[-1])
        if pool < low:
            return Allocation(pool, self.lo * (pool / low), 0.0)
        if pool >= high:
            return Allocation(pool, self.hi.copy(), 1.0)
        j = int(np.searchsorted(self.fs, pool, side="right")) - 1
        c0, c1, f0, f1 = self.cs[j], self.cs[j + 1], self.fs[j], self.fs[j + 1]
        c = float(c0 + (pool - f0) * (c1 - c0) / (f1 - f0))
        return Allocation(pool, np.clip(c * self.gap, self.lo, self.hi), c)


def allocate(gap: ArrayLike, pool: float, floor: float | None = None, cap: float | None = None) -> Allocation:
    """Return the transfers of ``pool`` over the gaps: transfer_d = clip(c × gap_d, floor, cap), Σ ≤ pool."""
    return Allocator(gap, floor, cap).allocate(pool)


def _index(function: object, values: FloatArray, weights: FloatArray) -> float:
    """Return a weighted inequality index, NaN when every value is 0 (no mean to compare with)."""
    if float(np.dot(values, weights)) <= 0:
        return float("nan")
    return float(function(values, weights))  # type: ignore[operator]


def inequality(per_capita: FloatArray, population: FloatArray) -> dict[str, float]:
    """Return the population-weighted Gini, Theil T and CV of per-head resources."""
    return {name: _index(f, per_capita, population) for name, f in (("gini", gini), ("theil", theil), ("cv", cv))}


@dataclass(frozen=True)
class TransferResult:
    """One pool's transfers: a row per district and the summary (coefficient, inequality before/after …)."""

    regions: pd.DataFrame
    summary: dict[str, float]


def _summary(model: TransferModel, allocation: Allocation) -> dict[str, float]:
    districts, need, gap, before = model.districts, model.need, model.gap, model.before
    after = inequality((districts.capacity + allocation.transfer) / districts.population, districts.population)
    total_gap, total_transfer = float(gap.sum()), float(allocation.transfer.sum())
    summary = {
        "pool": allocation.pool,
        "coefficient": allocation.coefficient,
        "total_need": float(need.sum()),
        "total_need_district": float(model.need_own.sum()),
        "total_capacity": float(districts.capacity.sum()),
        "total_gap": total_gap,
        "total_transfer": total_transfer,
        "unspent": allocation.unspent,
        "gap_closed": total_transfer / total_gap if total_gap > 0 else float("nan"),
        "regions_with_gap": float((gap > 0).sum()),
    }
    for name in ("gini", "theil", "cv"):
        summary[f"{name}_before"], summary[f"{name}_after"] = before[name], after[name]
    return summary


class TransferModel:
    """Need, gap and the before-transfer figures of one set of districts, computed once for many pools."""

    def __init__(
        self,
        districts: Districts,
        unit_costs: FloatArray,
        floor: float | None = None,
        cap: float | None = None,
        own: FloatArray | None = None,
        basis: str = "total",
    ) -> None:
        self.districts = districts
        found = needs_of(districts, unit_costs, own, basis)
        self.need, self.need_own, self.gap = found.need, found.need_own, found.gap
        self.allocator = Allocator(self.gap, floor, cap)
        self.before = inequality(districts.capacity / districts.population, districts.population)

    def run(self, pool: float) -> TransferResult:
        """Return the per-district transfers of ``pool`` and the summary."""
        d = self.districts
        allocation = self.allocator.allocate(pool)
        regions = pd.DataFrame(
            {
                "region": d.region,
                "population": d.population,
                "capacity": d.capacity,
                "cost_index": d.cost_index,
                "need": self.need,
                "need_district": self.need_own,
                "gap": self.gap,
                "transfer": allocation.transfer,
                "remaining_gap": self.gap - allocation.transfer,
                "per_capita_before": d.capacity / d.population,
                "per_capita_after": (d.capacity + allocation.transfer) / d.population,
            }
        )
        return TransferResult(regions, _summary(self, allocation))

    def simulate(self, pools: Iterable[float]) -> pd.DataFrame:
        """Return one summary row per pool size."""
        rows = [_summary(self, self.allocator.allocate(p)) for p in pools]
        return pd.DataFrame(rows)


def transfer_model(
    districts: Districts,
    costs: dict[str, float],
    floor: float | None = None,
    cap: float | None = None,
    *,
    city_share: dict[str, float] | None = None,
    basis: str = "total",
) -> TransferModel:
    """Return the :class:`TransferModel` of ``districts`` with unit costs (and city shares) by item code; the gap
    is on the whole need (``total``) or on the district's own share (``district``)."""
    own = own_shares(districts.items, city_share)
    return TransferModel(districts, unit_cost_vector(districts.items, costs), floor, cap, own, basis)
