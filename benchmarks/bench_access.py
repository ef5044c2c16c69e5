"""Spatial accessibility benchmark: 2SFCA family at city-region scale, bus-stop coverage at province scale.

Usage: python benchmarks/bench_access.py [--small]
Synthetic data (numpy, fixed seed). (a) 100,000 demand points × 10,000 facilities over 100 km × 100 km
(projected metres), 3 km catchment: k-d tree pairs, then 2SFCA, E2SFCA, Gaussian 2SFCA and 3SFCA.
(b) 620,000 villages and 200,000 bus stops in a province-sized lon/lat box: population share within 500 m
(great circle), per county. (c) PySAL ``access`` (normalize=False) against this engine on 5,000 × 500 with
the full cost table: seconds and ratio, and the largest relative difference of the scores.
Goal: (a) and (b) each under 10 s. ``--small`` divides every size by 10.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from jundeng.access import (
    Locations,
    Pairs,
    coverage,
    covered_mask,
    e2sfca,
    fca2,
    fca3,
    g2sfca,
    nearest,
    pairs_from_costs,
    pairs_within,
)

GOAL_S = 10.0
STEPS = [(1_000.0, 1.0), (2_000.0, 0.68), (3_000.0, 0.22)]
SIGMA = 1_500.0
T = TypeVar("T")


def _locations(prefix: str, x: np.ndarray, y: np.ndarray, geographic: bool) -> Locations:
    return Locations([f"{prefix}{i}" for i in range(len(x))], x, y, geographic)


def _timed(label: str, run: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:8.3f} s")
    return seconds, result


def catchment(scale: int, rng: np.random.Generator) -> float:
    """(a) Pairs within 3 km and the four floating-catchment scores; return the total seconds."""
    n_o, n_d, side = 100_000 // scale, 10_000 // scale, 100_000.0 / np.sqrt(scale)
    xo, yo = rng.uniform(0, side, (2, n_o))
    xd, yd = rng.uniform(0, side, (2, n_d))
    origins, destinations = _locations("o", xo, yo, False), _locations("d", xd, yd, False)
    demand, supply = rng.integers(0, 3_000, n_o).astype(float), rng.integers(1, 50, n_d).astype(float)
    print(f"(a) {n_o:,} demand points × {n_d:,} facilities, {side / 1e3:.0f} km square, 3 km catchment")
    total, pairs = _timed("pairs (k-d tree)", lambda: pairs_within(origins, destinations, 3_000.0))
    print(f"  {len(pairs):,} pairs ({len(pairs) / n_o:.1f} per demand point)")
    for label, run in (
        ("2SFCA", lambda: fca2(pairs, demand, supply)),
        ("E2SFCA", lambda: e2sfca(pairs, demand, supply, STEPS)),
        ("G2SFCA", lambda: g2sfca(pairs, demand, supply, SIGMA)),
        ("3SFCA", lambda: fca3(pairs, demand, supply, STEPS)),
    ):
        total += _timed(label, run)[0]
    print(f"  total {total:.3f} s (goal < {GOAL_S:g} s) {'OK' if total < GOAL_S else 'SLOWER THAN THE GOAL'}")
    return total


def bus_coverage(scale: int, rng: np.random.Generator) -> float:
    """(b) Share of village population within 500 m of a bus stop, per county; return the seconds."""
    n_v, n_s = 620_000 // scale, 200_000 // scale
    box = (110.0, 116.0, 24.0, 30.0)  # ~ 600 km × 670 km, a province
    lon, lat = rng.uniform(box[0], box[1], n_v), rng.uniform(box[2], box[3], n_v)
    villages = _locations("v", lon, lat, True)
    # stops cluster near villages (a bus stop is where people are) plus a scatter along roads
    near = rng.choice(n_v, n_s // 2, replace=False)
    s_lon = np.concatenate([lon[near] + rng.normal(0, 0.004, n_s // 2), rng.uniform(box[0], box[1], n_s - n_s // 2)])
    s_lat = np.concatenate([lat[near] + rng.normal(0, 0.004, n_s // 2), rng.uniform(box[2], box[3], n_s - n_s // 2)])
    stops = _locations("s", s_lon, np.clip(s_lat, -90, 90), True)
    population = rng.integers(50, 3_000, n_v).astype(float)
    cell = (np.floor((lon - box[0]) / 0.6) * 10 + np.floor((lat - box[2]) / 0.6)).astype(int)
    county = [f"C{c:03d}" for c in cell]  # a 10 × 10 grid of "counties"
    print(f"(b) {n_v:,} villages × {n_s:,} bus stops, lon/lat box {box}, coverage within 500 m")
    start = time.perf_counter()
    pairs = pairs_within(villages, stops, 500.0)
    table = coverage(county, population, covered_mask(pairs, 500.0))
    seconds = time.perf_counter() - start
    print(f"  pairs + coverage per county        {seconds:8.3f} s ({len(pairs):,} pairs)")
    start = time.perf_counter()
    _, distance = nearest(villages, stops)
    alone = time.perf_counter() - start
    agree = bool(np.array_equal(distance <= 500.0, covered_mask(pairs, 500.0)))
    print(f"  nearest stop alone (k-d tree)      {alone:8.3f} s (same covered villages: {agree})")
    share = float(table["covered"].sum() / table["population"].sum())
    print(f"  population share covered {share:.1%}; counties {len(table)}")
    print(f"  (goal < {GOAL_S:g} s) {'OK' if seconds < GOAL_S else 'SLOWER THAN THE GOAL'}")
    return seconds


def against_pysal(scale: int, rng: np.random.Generator) -> None:
    """(c) PySAL access and this engine on the same full cost table: seconds, ratio, largest difference."""
    from access import Access, weights

    n_o, n_d = 5_000 // scale, 500 // scale
    side = 22_000.0 / np.sqrt(scale)  # same density as (a)
    xo, yo = rng.uniform(0, side, (2, n_o))
    xd, yd = rng.uniform(0, side, (2, n_d))
    i, j = np.repeat(np.arange(n_o), n_d), np.tile(np.arange(n_d), n_o)
    cost = np.hypot(xd[j] - xo[i], yd[j] - yo[i])
    demand, supply = rng.integers(1, 3_000, n_o).astype(float), rng.integers(1, 50, n_d).astype(float)
    ids_o, ids_d = np.array([f"o{k}" for k in range(n_o)]), np.array([f"d{k}" for k in range(n_d)])
    frame = pd.DataFrame({"origin": ids_o[i], "dest": ids_d[j], "cost": cost})
    print(f"(c) PySAL access vs this engine: {n_o:,} × {n_d:,}, full cost table ({len(frame):,} rows), 3 km")
    step_fn = weights.step_fn(dict(STEPS))
    methods: list[tuple[str, str, Callable[[float], float] | None, Callable[[Pairs], np.ndarray]]] = [
        ("2SFCA", "two_stage_fca", None, lambda p: fca2(p, demand, supply)),
        ("E2SFCA", "enhanced_two_stage_fca", step_fn, lambda p: e2sfca(p, demand, supply, STEPS)),
        ("G2SFCA", "two_stage_fca", weights.gaussian(SIGMA), lambda p: g2sfca(p, demand, supply, SIGMA)),
        ("3SFCA", "three_stage_fca", step_fn, lambda p: fca3(p, demand, supply, STEPS)),
    ]
    for label, method, fn, ours in methods:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Access(
                demand_df=pd.DataFrame({"geoid": ids_o, "pop": demand}),
                demand_index="geoid",
                demand_value="pop",
                supply_df=pd.DataFrame({"geoid": ids_d, "cap": supply}),
                supply_index="geoid",
                supply_value="cap",
                cost_df=frame,
                cost_origin="origin",
                cost_dest="dest",
                cost_name="cost",
            )
            extra = {} if fn is None else {"weight_fn": fn}
            result = getattr(model, method)(name="s", max_cost=3_000.0, normalize=False, **extra)
        theirs = np.nan_to_num(result["s_cap"].reindex(ids_o).to_numpy(dtype=float))
        reference = time.perf_counter() - start
        start = time.perf_counter()
        score = ours(pairs_from_costs(i, j, cost, n_o, n_d, 3_000.0))
        mine = time.perf_counter() - start
        diff = float(np.max(np.abs(score - theirs) / np.maximum(np.abs(theirs), 1e-300)))
        ratio = reference / mine
        print(f"  {label:<7} PySAL {reference:7.3f} s, ours {mine:6.3f} s: {ratio:6.0f}× (max rel diff {diff:.1e})")


def main() -> None:
    """Run (a), (b) and (c); print seconds, against the goal, and the ratio to PySAL access."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="every size divided by 10 (a quick run)")
    scale = 10 if parser.parse_args().small else 1
    rng = np.random.default_rng(9)
    catchment(scale, rng)
    bus_coverage(scale, rng)
    against_pysal(scale, rng)


if __name__ == "__main__":
    main()
