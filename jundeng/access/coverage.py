"""Coverage (覆盖率): the share of the population within a distance or time of a facility, per region (pure).

An origin i is covered when some destination j has cost c_ij ≤ within; the coverage of region r is

    share_r = Σ_{i∈r} P_i·covered_i / Σ_{i∈r} P_i

the population-coverage measure of the location-set covering literature (Toregas, C. et al. 1971, "The
location of emergency service facilities", Operations Research 19(6):1363) as used in China's service
standards (e.g. 公交站点 500 米覆盖率).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from jundeng.access.geometry import AccessError, BoolArray, Pairs, shown


def covered_mask(pairs: Pairs, within: float) -> BoolArray:
    """Per origin: is any destination at cost ≤ within (covered_i = ∃j: c_ij ≤ within)."""
    hit = pairs.origin[pairs.cost <= within]
    mask = np.zeros(pairs.n_origins, dtype=bool)
    mask[hit] = True
    return mask


def coverage(groups: Sequence[str], population: ArrayLike, covered: ArrayLike) -> pd.DataFrame:
    """Per group: population, covered population Σ P_i·covered_i and share = covered / population (NaN at 0)."""
    people = np.asarray(population, dtype=np.float64)
    flags = np.asarray(covered, dtype=np.float64)
    labels = [str(g) for g in groups]
    n = len(labels)
    if people.shape != (n,) or flags.shape != (n,):
        raise AccessError(f"人口或覆盖标记的个数与点数 {n} 不符", f"population or covered flags do not number {n}")
    bad = ~np.isfinite(people) | (people < 0)
    if bad.any():
        where = shown(labels, bad)
        raise AccessError(f"人口为负或缺失（{where}）", f"negative or missing population ({where})", location=where)
    frame = pd.DataFrame({"group": labels, "population": people, "covered": people * flags})
    table = frame.groupby("group", sort=True, as_index=False)[["population", "covered"]].sum()
    total = table["population"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = np.where(total > 0, table["covered"].to_numpy() / total, np.nan)
    return table[["group", "population", "covered", "share"]]
