"""Gap measurement benchmark: PySAL ``inequality`` against Jundeng in one run, then national scale.

Usage: python benchmarks/bench_measure.py [--quick]
Prints seconds and the ratio PySAL / Jundeng at n = 1e3, 1e4, 1e5 (Gini; Theil decomposed by 10 groups),
then Jundeng alone at 1e6 and 1e7 weighted units, Dagum, the bootstrap, and a gap report over every
village of China with a village → county → city → province nested Theil decomposition.
Goals (issue 3, 2-core machine): 1e7 units Gini+Theil+MLD+decomposition by 30 groups ≤ 3 s; Dagum 10
groups on 1e6 ≤ 5 s; bootstrap 1,000 × Gini on 1e5 ≤ 10 s; national report ≤ 5 s.
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jundeng.measure import bootstrap, dagum, decompose, gini, mld, theil
from jundeng.measure.report import gap_report

VILLAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "regions" / "villages.csv.gz"


def best_of(func: Callable[[], Any], repeat: int = 3) -> float:
    """Return the fastest of ``repeat`` timings of ``func`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def versus_pysal(sizes: list[int]) -> None:
    from inequality.gini import Gini
    from inequality.theil import TheilD

    print("PySAL inequality vs Jundeng (unweighted, best of 3)")
    print(f"{'n':>9} {'measure':<22} {'PySAL s':>9} {'Jundeng s':>10} {'ratio':>7}")
    for n in sizes:
        rng = np.random.default_rng(n)
        x = rng.lognormal(0, 0.8, n)
        groups = rng.integers(0, 10, n)
        for label, theirs, ours in (
            ("Gini", partial(Gini, x), partial(gini, x)),
            ("Theil by 10 groups", partial(TheilD, x, groups), partial(decompose, x, groups)),
        ):
            t_pysal, t_ours = best_of(theirs), best_of(ours)
            print(f"{n:>9,} {label:<22} {t_pysal:>9.4f} {t_ours:>10.4f} {t_pysal / t_ours:>6.1f}x")


def large(sizes: list[int]) -> None:
    print("\nJundeng at scale (population-weighted units)")
    for n in sizes:
        rng = np.random.default_rng(7)
        x = rng.lognormal(0, 0.7, n)
        w = rng.integers(1, 5000, n).astype(float)
        g = rng.integers(0, 30, n)
        parts = {
            "Gini": partial(gini, x, w),
            "Theil T": partial(theil, x, w),
            "MLD": partial(mld, x, w),
            "Theil by 30 groups": partial(decompose, x, g, w),
        }
        timings = {name: best_of(func, 2) for name, func in parts.items()}
        detail = ", ".join(f"{k} {v:.2f}" for k, v in timings.items())
        print(f"{n:>11,} units: all four {sum(timings.values()):.2f} s ({detail}); goal at 1e7 ≤ 3 s")


def dagum_and_bootstrap(quick: bool) -> None:
    rng = np.random.default_rng(3)
    n = 100_000 if quick else 1_000_000
    x, w, g = rng.lognormal(0, 0.7, n), rng.integers(1, 5000, n).astype(float), rng.integers(0, 10, n)
    print(f"\nDagum, 10 groups, {n:,} weighted units: {best_of(lambda: dagum(x, g, w), 2):.2f} s (goal ≤ 5 s at 1e6)")
    m = 100_000
    xb, wb = x[:m], w[:m]
    reps = 200 if quick else 1000
    seconds = best_of(lambda: bootstrap(xb, "gini", wb, reps=reps, seed=1), 1)
    print(f"Bootstrap, {reps} × Gini (BCa) on {m:,} units: {seconds:.2f} s (goal ≤ 10 s for 1,000)")


def national() -> None:
    if VILLAGES.exists():
        with gzip.open(VILLAGES, "rt", encoding="utf-8") as handle:
            codes = pd.read_csv(handle, usecols=["code"], dtype=str)["code"]
        source = "real codes from shared/data/regions"
    else:  # a synthetic tree of the same shape: 31 provinces, 342 cities, 2,978 counties, 620,573 villages
        rng = np.random.default_rng(11)
        county = rng.integers(0, 2978, 620_573)
        codes = pd.Series([f"{c // 96 + 11:02d}{c % 96:04d}{i:06d}" for i, c in enumerate(county)])
        source = "synthetic tree"
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "province": codes.str[:2],
            "city": codes.str[:4],
            "county": codes.str[:6],
            "value": rng.lognormal(4, 0.5, len(codes)),
            "population": rng.integers(200, 6000, len(codes)).astype(float),
        }
    )
    start = time.perf_counter()
    report = gap_report(frame, "value", "population", by=["province", "city", "county"])
    seconds = time.perf_counter() - start
    assert report.nested is not None
    parts = ", ".join(f"{r.component} {r.share:.1%}" for r in report.nested.itertuples())
    print(f"\nNational gap report, {len(frame):,} villages ({source}): {seconds:.2f} s (goal ≤ 5 s)")
    print(f"  nested Theil: {parts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    versus_pysal([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    large([100_000] if args.quick else [1_000_000, 10_000_000])
    dagum_and_bootstrap(args.quick)
    national()


if __name__ == "__main__":
    main()
