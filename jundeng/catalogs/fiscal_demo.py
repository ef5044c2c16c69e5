"""Seeded synthetic fiscal facts of the demo city, 2013–2017: towns, and their districts as sums.

Pure: regions, the population table and the catalogue's service items in, pandas DataFrames out.

* Unit costs come from the items' structured standards in 元 per person: 690 元/人/月 → 8,280 元 per eligible
  person per year; the city's share of the spending (支出责任) is set per domain.
* The people eligible for item i in town u in year t are ``resident_{u,t} × share_i × f_u × (1 − 3 % per year)``
  (everyone for per-resident items such as 基本公共卫生服务), f_u ≈ 1 in urban towns, higher in mixed and rural
  ones; the cost index is ≈ 1.08 in urban towns, 1 in mixed and 0.94 in rural ones.
* Capacity (standard revenue capacity for the costed items) is the need times a ratio, high in 香洲 and urban
  towns and below 1 in 斗门 and the poorer towns, so that they show a gap; recurrent revenue is 2.5 × capacity and
  spending on basic public services follows revenue's growth ± a few points, so some years fail the check.
* Transfers received are 60 % of the gap. Districts are the sums of their towns (cost index population-weighted).

Every row carries ``SOURCE`` (it holds ``synthetic``) so that screens say the figures are made up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl

from jundeng.domain.catalog import ServiceItem
from jundeng.domain.regions import Region

SOURCE = "合成演示财政数据 synthetic demo fiscal data (jundeng demo generator v1)"
SEED = 20160630
YEARS = (2013, 2014, 2015, 2016, 2017)
ELIGIBLE_SHARE = {
    "SOC-DIBAO": 0.012,
    "SOC-WUBAO": 0.0015,
    "SOC-ORPHAN": 0.0003,
    "SOC-DISABLED-LIVING": 0.006,
    "SOC-DISABLED-CARE": 0.003,
    "EDU-HS-AID": 0.004,
    "EDU-PRESCHOOL-AID": 0.003,
    "SOC-RESIDENT-PENSION": 0.05,
    "SOC-ELDER-ALLOWANCE": 0.02,
    "HLT-PHS": 1.0,  # every resident
}  # items costed per eligible person (not caps such as a maximum medical payment)
DISTRICT_RATIO = {"440402": 1.5, "440404": 1.05, "440403": 0.75}  # 香洲 rich, 金湾, 斗门 poor
NEED_FACTOR = {"urban": 1.0, "mixed": 1.4, "rural": 1.9}
COST_INDEX = {"urban": 1.08, "mixed": 1.0, "rural": 0.94}
CITY_SHARE = {"SOC": 0.5, "EDU": 0.4, "HLT": 0.6}
PER_YEAR = {("人", "年"): 1.0, ("人", "月"): 12.0}


def unit_costs(items: Sequence[ServiceItem]) -> pd.DataFrame:
    """Return item, unit_cost (元 per eligible person per year) and city_share of every item with a standard in
    元 per person per month or year."""
    rows = []
    for item in items:
        amount = item.amount
        per = (amount.per[0], amount.per[1]) if amount is not None and len(amount.per) == 2 else None
        if amount is None or per not in PER_YEAR or amount.unit != "元" or item.code not in ELIGIBLE_SHARE:
            continue
        share = CITY_SHARE.get(item.code.split("-")[0], 0.5)
        rows.append({"item": item.code, "unit_cost": amount.amount * PER_YEAR[per], "city_share": share})
    return pd.DataFrame(rows, columns=["item", "unit_cost", "city_share"])


def _towns(regions: Sequence[Region]) -> list[tuple[Region, str]]:
    """Return each town with its administrative district."""
    by_code = {r.code: r for r in regions}
    found = []
    for town in regions:
        if town.level.value != "town":
            continue
        node = by_code.get(town.parent or "")
        while node is not None and node.level.value != "district":
            node = by_code.get(node.parent or "")
        if node is not None and not node.functional_zone:
            found.append((town, node.code))
    return found


def facts(regions: Sequence[Region], population: pl.DataFrame, costs: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """Return region, year, population, capacity, spending, revenue, transfers_received, cost_index and one
    column per costed item (eligible people) for every town and district of the demo city, 2013–2017."""
    rng = np.random.default_rng(seed)
    towns = _towns(regions)
    resident = {(r, y): v for r, y, v in population.select("region", "year", "resident").iter_rows()}
    items, cost = list(costs["item"]), costs["unit_cost"].to_numpy(dtype=float)
    share = np.array([ELIGIBLE_SHARE.get(i, 0.0) for i in items])
    rows: list[dict[str, object]] = []
    for town, district in towns:
        kind = town.urban_rural.value
        factor = NEED_FACTOR.get(kind, 1.4) * rng.lognormal(0.0, 0.15)
        index = round(COST_INDEX.get(kind, 1.0) * rng.lognormal(0.0, 0.02), 3)
        ratio = DISTRICT_RATIO.get(district, 1.0) * np.sqrt(1.4 / factor) * rng.lognormal(0.0, 0.15)
        spending = revenue = 0.0
        for t, year in enumerate(YEARS):
            people = float(resident.get((town.code, year), 0.0))
            if people <= 0:
                continue
            scale = np.where(share >= 1.0, 1.0, factor * (1 - 0.03 * t))
            eligible = np.round(people * share * scale)
            need = index * float(cost @ eligible)
            capacity = round(need * ratio * (1 + 0.04 * t))
            growth = revenue and 2.5 * capacity / revenue - 1
            revenue = 2.5 * capacity
            spending = revenue * 0.9 if t == 0 else spending * (1 + growth + rng.normal(0.01, 0.02))
            row: dict[str, object] = {"region": town.code, "district": district, "year": year, "population": people}
            row |= {"capacity": capacity, "spending": round(spending), "revenue": round(revenue)}
            row |= {"transfers_received": round(0.6 * max(0.0, need - capacity)), "cost_index": index}
            rows.append(row | dict(zip(items, eligible, strict=True)))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["region", "year", "population", "capacity", "cost_index", *items])
    frame["weighted"] = frame["cost_index"] * frame["population"]
    sums = ["population", "capacity", "spending", "revenue", "transfers_received", "weighted", *items]
    districts = frame.groupby(["district", "year"], as_index=False)[sums].sum().rename(columns={"district": "region"})
    districts["cost_index"] = (districts["weighted"] / districts["population"]).round(3)
    columns = ["region", "year", "population", "capacity", "spending", "revenue", "transfers_received", "cost_index"]
    both = pd.concat([districts[[*columns, *items]], frame[[*columns, *items]]], ignore_index=True)
    return both.sort_values(["region", "year"]).reset_index(drop=True)
