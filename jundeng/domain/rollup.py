"""Roll-up: derive a region's yearly value from the regions one level below when it is not reported.

Per indicator, its :class:`~jundeng.domain.catalog.Aggregation` rule:

- ``sum``:   v(P) = Σ v(c)                                  (counts: 人, 套, 所 …)
- ``mean``:  v(P) = Σ w(c)·v(c) / Σ w(c), w = resident population of the child in that year
- ``ratio``: v(P) = k · Σ num(c) / Σ den(c), k the indicator's scale (100 for %) — the numerator and denominator
  are carried up, so a city's rate is the ratio of its towns' sums, not a mean of their rates
- ``none``:  never derived.

A value is derived only when **every** child (functional zones excepted) has a value for that indicator and year
(reported or itself derived), and for ``mean`` a population, and for ``ratio`` both parts: a partial sum would
understate a county without saying so. A reported value is never replaced. Levels are processed from the
villages up, so a city is derived from derived counties. Functional zones are overlays: a zone's value is derived
from its member towns or villages (``zone`` column) by the same rule, and a zone is never a child in the tree.

This is the SDMX/DHIS2 notion of aggregation type ("SUM", "AVERAGE_SUM_ORG_UNIT", weighted averages) applied to
a GB/T 2260 tree; pandas does it in a few group-bys per level (hand-written because those systems are servers,
not libraries).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from jundeng.domain.catalog import Aggregation
from jundeng.domain.regions import LEVELS

KEY = ["indicator", "region", "year"]
DERIVED_SOURCE = "由下级汇总推算 / derived: rolled up from the level below"
COLUMNS = [*KEY, "value", "numerator", "denominator", "derived"]


def _aggregate(
    children: pd.DataFrame,
    expected: pd.Series,
    rule: Aggregation,
    scales: Mapping[str, float],
) -> pd.DataFrame:
    """Return one derived row per (indicator, parent, year) whose children are all present.

    ``children`` has columns indicator, parent, year, value, numerator, denominator, weight (every indicator
    of one rule at once); ``expected`` maps each parent to its number of children."""
    if rule is Aggregation.RATIO:
        ok = children["numerator"].notna() & children["denominator"].notna()
    elif rule is Aggregation.MEAN:
        ok = children["value"].notna() & children["weight"].notna() & (children["weight"] > 0)
    else:
        ok = children["value"].notna()
    part = children[ok].assign(wv=lambda f: f["weight"] * f["value"])
    grouped = part.groupby(["indicator", "parent", "year"], sort=False)
    out = grouped.agg(
        n=("value", "size"),
        total=("value", "sum"),
        num=("numerator", "sum"),
        den=("denominator", "sum"),
        wv=("wv", "sum"),
        w=("weight", "sum"),
    ).reset_index()
    out = out[out["n"] == out["parent"].map(expected)]
    if rule is Aggregation.SUM:
        value = out["total"]
        num = den = pd.Series(np.nan, index=out.index)
    elif rule is Aggregation.MEAN:
        value = out["wv"] / out["w"]
        num = den = pd.Series(np.nan, index=out.index)
    else:
        num, den = out["num"], out["den"]
        scale = out["indicator"].map(scales).fillna(1.0).astype("float64")
        value = (scale * num / den).where(den > 0)
    return pd.DataFrame(
        {
            "indicator": out["indicator"],
            "region": out["parent"],
            "year": out["year"],
            "value": value,
            "numerator": num,
            "denominator": den,
            "derived": True,
        }
    ).dropna(subset=["value"])


def _population(population: pd.DataFrame, tree: pd.DataFrame) -> pd.Series:
    """Return resident population by (region, year), a region without a figure taking the sum of its children's
    when every child has one (villages reported, towns and counties not)."""
    people = population.dropna(subset=["resident"]).groupby(["region", "year"])["resident"].sum()
    children = tree[~tree["is_zone"] & tree["parent"].notna()]
    for level in LEVELS[:-1]:
        below = children[children["level"] == level]
        if below.empty:
            continue
        frame = people.rename("resident").reset_index()
        frame = frame.assign(parent=frame["region"].map(below.set_index("code")["parent"])).dropna(subset=["parent"])
        sums = frame.groupby(["parent", "year"])["resident"].agg(["sum", "size"]).reset_index()
        sums = sums[sums["size"] == sums["parent"].map(below.groupby("parent").size())]
        new = sums.set_index(["parent", "year"])["sum"]
        new.index.names = ["region", "year"]
        people = pd.concat([people, new[~new.index.isin(people.index)]])
    return people


def derive(
    values: pd.DataFrame,
    regions: pd.DataFrame,
    rules: Mapping[str, Aggregation],
    *,
    scales: Mapping[str, float] | None = None,
    population: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return ``values`` with a ``derived`` column (False) and the derived rows (True) added.

    values: indicator, region, year, value, optional numerator and denominator (one row per key).
    regions: code, level, parent, optional functional_zone and zone.
    rules: indicator → Aggregation (missing indicators are not derived); scales: indicator → k for ``ratio``.
    population: region, year, resident (needed by ``mean``).
    """
    frame = values.copy()
    for column in ("numerator", "denominator"):
        if column not in frame.columns:
            frame[column] = np.nan
    frame["derived"] = False
    frame = frame[COLUMNS]
    active = {code: rule for code, rule in rules.items() if rule is not Aggregation.NONE}
    if frame.empty or not active or regions.empty:
        return frame.reset_index(drop=True)
    scales = scales or {}
    zone_flag = regions["functional_zone"].fillna(False).astype(bool) if "functional_zone" in regions else False
    tree = regions.assign(is_zone=zone_flag)
    weights = None
    if population is not None and len(population):
        weights = _population(population, tree)
    reported = frame.set_index(KEY).index

    def attach(rows: pd.DataFrame, mapping: pd.Series, groups: pd.Series) -> pd.DataFrame:
        rows = rows.assign(parent=rows["region"].map(mapping)).dropna(subset=["parent"])
        if weights is not None:
            idx = pd.MultiIndex.from_arrays([rows["region"], rows["year"]])
            rows = rows.assign(weight=weights.reindex(idx).to_numpy())
        else:
            rows = rows.assign(weight=np.nan)
        found = []
        for rule in set(active.values()):
            part = rows[rows["indicator"].isin([c for c, r in active.items() if r is rule])]
            if len(part):
                found.append(_aggregate(part, groups, rule, scales))
        if not found:
            return frame.iloc[0:0]
        new = pd.concat(found, ignore_index=True)
        return new[~new.set_index(KEY).index.isin(reported)]

    children = tree[~tree["is_zone"] & tree["parent"].notna()]
    for level in LEVELS[:-1]:
        below = children[children["level"] == level]
        if below.empty:
            continue
        mapping = below.set_index("code")["parent"]
        groups = below.groupby("parent").size()
        rows = frame[frame["region"].isin(mapping.index) & frame["indicator"].isin(active)]
        new = attach(rows, mapping, groups)
        if len(new):
            frame = pd.concat([frame, new[COLUMNS]], ignore_index=True)
    if "zone" in tree.columns:
        members = tree[tree["zone"].notna() & ~tree["is_zone"]]
        if len(members):
            mapping = members.set_index("code")["zone"]
            groups = members.groupby("zone").size()
            rows = frame[frame["region"].isin(mapping.index) & frame["indicator"].isin(active)]
            new = attach(rows, mapping, groups)
            if len(new):
                frame = pd.concat([frame, new[COLUMNS]], ignore_index=True)
    return frame.reset_index(drop=True)
