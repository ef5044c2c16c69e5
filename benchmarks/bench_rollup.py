"""Roll-up at the scale of a real city: 荆门's 1,625 villages × 80 indicators × 10 years (1.3 million values),
derived to its 84 towns, 5 counties, 3 zones and the city by sum, population-weighted mean and ratio.

Prints the seconds and the rows derived; goal: well under the time a page may take to recompute its facts
once per data version (10 s). Peer: the same derivation written per indicator (the first version), measured on
a tenth of the data and scaled.

    python benchmarks/bench_rollup.py
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from jundeng.catalogs import divisions
from jundeng.domain.catalog import Aggregation
from jundeng.domain.rollup import derive
from jundeng.io.zones import place_zones, read_zones

INDICATORS, YEARS = 80, range(2016, 2026)
RULES = (Aggregation.SUM, Aggregation.MEAN, Aggregation.RATIO)


def setting() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Aggregation]]:
    """Return the values (villages only), the tree with zones, the population and the rules."""
    tree = divisions.tree("420800")
    path = divisions.zones_file("420800")
    assert path is not None
    placed = {r.code: r for r in place_zones(tree, read_zones(path, tree))}
    tree = [placed.pop(r.code, r) for r in tree] + list(placed.values())
    regions = pd.DataFrame(
        [(r.code, r.level.value, r.parent, r.functional_zone, r.zone) for r in tree],
        columns=["code", "level", "parent", "functional_zone", "zone"],
    )
    villages = regions.loc[regions["level"] == "village", "code"].to_numpy()
    rng = np.random.default_rng(1)
    keys = pd.MultiIndex.from_product([[f"I{i:02d}" for i in range(INDICATORS)], villages, list(YEARS)])
    frame = keys.to_frame(index=False, name=["indicator", "region", "year"])
    frame["denominator"] = rng.integers(200, 3000, len(frame)).astype(float)
    frame["numerator"] = np.floor(frame["denominator"] * rng.uniform(0.5, 1.0, len(frame)))
    frame["value"] = 100 * frame["numerator"] / frame["denominator"]
    people = pd.MultiIndex.from_product([villages, list(YEARS)]).to_frame(index=False, name=["region", "year"])
    people["resident"] = rng.integers(300, 5000, len(people)).astype(float)
    rules = {f"I{i:02d}": RULES[i % 3] for i in range(INDICATORS)}
    return frame, regions, people, rules


def main() -> None:
    """Time the roll-up of 1.3 million village values."""
    values, regions, people, rules = setting()
    scales = dict.fromkeys(rules, 100.0)
    start = time.perf_counter()
    out = derive(values, regions, rules, scales=scales, population=people)
    seconds = time.perf_counter() - start
    made = int(out["derived"].sum())
    print(f"roll-up of {len(values):,} village values → {made:,} derived (towns, counties, zones, city)")
    verdict = "MET" if seconds <= 10 else "NOT MET"
    print(f"  {seconds:.1f} s  ({len(values) / seconds:,.0f} values/s; goal ≤ 10 s: {verdict})")
    tenth = values[values["indicator"].isin([f"I{i:02d}" for i in range(8)])]
    start = time.perf_counter()
    for code in sorted(set(tenth["indicator"])):  # the peer: one indicator at a time
        derive(tenth[tenth["indicator"] == code], regions, {code: rules[code]}, scales=scales, population=people)
    per_indicator = (time.perf_counter() - start) * 10
    ratio = per_indicator / seconds
    print(f"  peer, one indicator at a time (8 timed, ×10): {per_indicator:.1f} s; ratio {ratio:.1f}×")


if __name__ == "__main__":
    main()
