"""Standard expenditure need and fiscal gap (标准财政支出、财政缺口), on arrays (pure, no I/O).

The need of district d is what delivering the standards costs there:

    need_d = cost_index_d × Σ_i unit_cost_i × eligible_{d,i}

with ``eligible_{d,i}`` the people eligible for item i (e.g. 低保对象 for 最低生活保障), ``unit_cost_i``
in 元 per eligible person per year (690 元/人/月 → 8,280 元) and ``cost_index_d`` the district's price level
(1 by default). Where the city and the district share the spending responsibility (支出责任) of item i, the city
paying the share s_i, the district's own need is

    need_own_d = cost_index_d × Σ_i unit_cost_i × (1 − s_i) × eligible_{d,i}

and the city's part is need_d − need_own_d. The fiscal gap is the part of the need (the whole need, or on the
``district`` basis the district's own need: the city funds its share directly) its capacity does not cover:

    gap_d = max(0, need_d − capacity_d)

This is the 标准财政支出 − 标准财政收入 of China's equalization transfer (财政部《中央对地方均衡性转移支付
办法》), the assessed expenditure minus assessed revenue capacity of Australia's Commonwealth Grants
Commission, and the expenditure-need equalization of Shah, A. (2012) "Public services and expenditure
need equalization", World Bank Policy Research Working Paper 6006.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from jundeng.errors import JundengError

FloatArray = NDArray[np.float64]
BASE_COLUMNS = ("region", "population", "capacity", "cost_index")


class FiscalError(JundengError):
    """An input the fiscal engine cannot take, explained in Chinese and English."""


def _shown(labels: Sequence[str], mask: ArrayLike) -> str:
    where = [labels[int(i)] for i in np.flatnonzero(mask)]
    return ", ".join(where[:5]) + (" …" if len(where) > 5 else "")


@dataclass(frozen=True)
class Districts:
    """The districts of one year: people, own capacity (元/年), price level and eligible people per item."""

    region: list[str]
    population: FloatArray
    capacity: FloatArray
    cost_index: FloatArray
    items: list[str]
    eligible: FloatArray  # shape (districts, items)

    def __post_init__(self) -> None:
        n = len(self.region)
        if n == 0:
            raise FiscalError("没有区划数据", "no districts")
        for name, array in (("population", self.population), ("capacity", self.capacity)):
            if array.shape != (n,):
                raise FiscalError(f"{name} 个数与区划数 {n} 不符", f"{name} does not have one value per district")
        if self.eligible.shape != (n, len(self.items)):
            raise FiscalError("受益人数表的形状与区划、项目数不符", "eligible counts do not match districts × items")
        checks = (
            (~np.isfinite(self.population) | (self.population < 0), "人口为负或缺失", "negative or missing population"),
            (self.population == 0, "人口为 0，无法计算人均", "zero population: no per-head figure"),
            (~np.isfinite(self.capacity) | (self.capacity < 0), "财力为负或缺失", "negative or missing capacity"),
            (~np.isfinite(self.cost_index) | (self.cost_index <= 0), "成本系数须大于 0", "cost index must be > 0"),
            (
                ~np.isfinite(self.eligible).all(axis=1) | (self.eligible < 0).any(axis=1),
                "受益人数为负或缺失",
                "negative or missing eligible count",
            ),
        )
        for mask, zh, en in checks:
            if np.any(mask):
                where = _shown(self.region, mask)
                raise FiscalError(f"{zh}（区划 {where}）", f"{en} (region {where})", location=f"region {where}")


def districts_from_frame(frame: pd.DataFrame, items: Sequence[str] | None = None) -> Districts:
    """Return :class:`Districts` from columns region, population, capacity, optional cost_index and one per item."""
    missing = [c for c in BASE_COLUMNS[:3] if c not in frame.columns]
    if missing:
        raise FiscalError(f"缺少必需的列 {', '.join(missing)}", f"missing required columns {', '.join(missing)}")
    chosen = list(items) if items is not None else [str(c) for c in frame.columns if c not in BASE_COLUMNS]
    n = len(frame)
    cost_index = frame["cost_index"].fillna(1.0).to_numpy(np.float64) if "cost_index" in frame.columns else np.ones(n)
    eligible = frame[chosen].to_numpy(np.float64) if chosen else np.zeros((n, 0))
    return Districts(
        region=[str(r) for r in frame["region"]],
        population=frame["population"].to_numpy(np.float64),
        capacity=frame["capacity"].to_numpy(np.float64),
        cost_index=cost_index,
        items=chosen,
        eligible=eligible,
    )


def unit_cost_vector(items: Sequence[str], costs: Mapping[str, float]) -> FloatArray:
    """Return the unit cost of each item in order; raise FiscalError for an item without a (valid) cost."""
    unknown = [i for i in items if i not in costs]
    if unknown:
        shown = ", ".join(unknown[:5])
        raise FiscalError(f"项目没有单位成本（未知项目）：{shown}", f"no unit cost for item(s) (unknown): {shown}")
    values = np.array([costs[i] for i in items], dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        shown = _shown(list(items), bad)
        raise FiscalError(f"单位成本缺失或为负：{shown}", f"missing or negative unit cost: {shown}")
    return values


def standard_need(eligible: ArrayLike, unit_costs: ArrayLike, cost_index: ArrayLike | None = None) -> FloatArray:
    """Return need_d = cost_index_d × Σ_i unit_cost_i × eligible_{d,i} (元 per year) for every district."""
    counts = np.asarray(eligible, dtype=np.float64)
    costs = np.asarray(unit_costs, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[1] != costs.size:
        raise FiscalError("受益人数须为 区划×项目 的表，列数等于项目数", "eligible must be districts × items")
    index = np.ones(counts.shape[0]) if cost_index is None else np.asarray(cost_index, dtype=np.float64)
    result: FloatArray = index * (counts @ costs)
    return result


def fiscal_gap(need: ArrayLike, capacity: ArrayLike) -> FloatArray:
    """Return gap_d = max(0, need_d − capacity_d): the need the district's own capacity leaves uncovered."""
    result: FloatArray = np.maximum(0.0, np.asarray(need, dtype=np.float64) - np.asarray(capacity, dtype=np.float64))
    return result


BASES = ("total", "district")


def own_shares(items: Sequence[str], city_share: Mapping[str, float] | None) -> FloatArray:
    """Return 1 − s_i, the district's share of the spending responsibility of each item (1 where none given)."""
    shares = np.array([(city_share or {}).get(i, 0.0) for i in items], dtype=np.float64)
    bad = ~np.isfinite(shares) | (shares < 0) | (shares > 1)
    if bad.any():
        shown = _shown(list(items), bad)
        raise FiscalError(f"市级分担比例须在 0 到 1 之间：{shown}", f"city share must be between 0 and 1: {shown}")
    result: FloatArray = 1.0 - shares
    return result


@dataclass(frozen=True)
class Needs:
    """Need (total and the district's own part by spending responsibility) and the gap on the chosen basis."""

    need: FloatArray
    need_own: FloatArray
    gap: FloatArray
    basis: str


def needs_of(
    districts: Districts,
    unit_costs: FloatArray,
    own: FloatArray | None = None,
    basis: str = "total",
) -> Needs:
    """Return need_d, need_own_d and gap_d = max(0, need − capacity) with need total or the district's own."""
    if basis not in BASES:
        raise FiscalError(f"缺口口径须为 total 或 district：{basis!r}", f"basis must be total or district: {basis!r}")
    need = standard_need(districts.eligible, unit_costs, districts.cost_index)
    need_own = need if own is None else standard_need(districts.eligible, unit_costs * own, districts.cost_index)
    gap = fiscal_gap(need if basis == "total" else need_own, districts.capacity)
    return Needs(need, need_own, gap, basis)


def needs_table(
    districts: Districts,
    costs: Mapping[str, float],
    city_share: Mapping[str, float] | None = None,
    basis: str = "total",
) -> pd.DataFrame:
    """Return per district: need (total, the district's own and the city's part), capacity, gap on ``basis``,
    need per head, capacity per head and coverage (capacity / the need on ``basis``)."""
    unit = unit_cost_vector(districts.items, costs)
    found = needs_of(districts, unit, own_shares(districts.items, city_share), basis)
    need, gap = found.need, found.gap
    basis_need = need if basis == "total" else found.need_own
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(basis_need > 0, districts.capacity / basis_need, np.nan)
    return pd.DataFrame(
        {
            "region": districts.region,
            "population": districts.population,
            "cost_index": districts.cost_index,
            "need": need,
            "need_district": found.need_own,
            "need_city": need - found.need_own,
            "capacity": districts.capacity,
            "gap": gap,
            "need_per_capita": need / districts.population,
            "capacity_per_capita": districts.capacity / districts.population,
            "coverage": coverage,
        }
    )
