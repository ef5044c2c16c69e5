"""Fiscal transfer benchmark: every county of China (2,978) × 80 costed items × 10 pool sizes.

Usage: python benchmarks/bench_fiscal.py
Synthetic data (numpy, fixed seed): population, own capacity, cost index and the eligible people of each
item per county; the need is computed once, then each pool is allocated (with a floor and a cap) and its
population-weighted Gini, Theil and CV of resources per head before and after are measured.
Goal (issue 16): the whole run under 2 s.
"""

from __future__ import annotations

import time

import numpy as np

from jundeng.fiscal import Districts, TransferModel

COUNTIES, ITEMS, POOLS = 2_978, 80, 10
GOAL_S = 2.0


def synthetic(seed: int = 16) -> tuple[Districts, np.ndarray]:
    """Return synthetic counties and the unit cost of each item (元 per eligible person per year)."""
    rng = np.random.default_rng(seed)
    population = rng.lognormal(12.5, 0.8, COUNTIES).round()  # ~270,000 people in a median county
    shares = rng.uniform(0.0005, 0.005, (COUNTIES, ITEMS))
    eligible = (shares * population[:, None]).round()
    unit_costs = rng.uniform(200, 20_000, ITEMS)
    capacity = population * rng.lognormal(8.0, 0.7, COUNTIES)  # own resources per head ~3,000 元
    districts = Districts(
        region=[f"C{i:04d}" for i in range(COUNTIES)],
        population=population,
        capacity=capacity,
        cost_index=rng.uniform(0.9, 1.3, COUNTIES),
        items=[f"item{j:02d}" for j in range(ITEMS)],
        eligible=eligible,
    )
    return districts, unit_costs


def main() -> None:
    """Time the need, the gap and the simulation over ten pools; print seconds against the goal."""
    districts, unit_costs = synthetic()
    start = time.perf_counter()
    model = TransferModel(districts, unit_costs, floor=1e6, cap=2e9)
    total_gap = float(model.gap.sum())
    table = model.simulate(np.linspace(0.1, 1.2, POOLS) * total_gap)
    one = model.run(0.5 * total_gap)
    seconds = time.perf_counter() - start
    print(f"{COUNTIES:,} counties × {ITEMS} items × {POOLS} pools: {seconds:.3f} s (goal < {GOAL_S:g} s)")
    print(f"  counties with a gap {int((model.gap > 0).sum()):,}, total gap {total_gap / 1e8:,.1f} 亿元")
    row = one.summary
    print(
        f"  half the gap: Gini {row['gini_before']:.4f} → {row['gini_after']:.4f}, coefficient {row['coefficient']:.4f}"
    )
    shown = table[["pool", "coefficient", "gap_closed", "gini_after", "theil_after"]].assign(pool=table["pool"] / 1e8)
    print(shown.rename(columns={"pool": "pool_亿元"}).to_string(index=False, float_format="{:.4f}".format))
    print("OK" if seconds < GOAL_S else "SLOWER THAN THE GOAL")


if __name__ == "__main__":
    main()
