"""Floating-catchment scores by hand and against PySAL ``access`` (normalize=False) to 1e-9."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

from jundeng.access import (
    AccessError,
    Locations,
    Pairs,
    e2sfca,
    fca2,
    fca3,
    g2sfca,
    gaussian_weights,
    pairs_from_costs,
    pairs_within,
    region_scores,
    step_weights,
)

STEPS = [(1000.0, 1.0), (2000.0, 0.68), (2500.0, 0.22)]


def _pysal(
    method: str,
    pairs: Pairs,
    demand: np.ndarray,
    supply: np.ndarray,
    max_cost: float | None,
    weight_fn: Callable[[float], float] | None,
) -> np.ndarray:
    """Return PySAL's score per origin (NaN where it has none) for a long cost table built from ``pairs``."""
    origins = [f"o{i}" for i in range(pairs.n_origins)]
    demand_df = pd.DataFrame({"geoid": origins, "pop": demand})
    supply_df = pd.DataFrame({"geoid": [f"d{j}" for j in range(pairs.n_destinations)], "cap": supply})
    cost_df = pd.DataFrame(
        {
            "origin": [origins[i] for i in pairs.origin],
            "dest": [f"d{j}" for j in pairs.destination],
            "cost": pairs.cost,
        }
    )
    with warnings.catch_warnings():  # PySAL's own pandas deprecations (set_index inplace …), not ours
        warnings.simplefilter("ignore")
        series = _pysal_run(method, demand_df, supply_df, cost_df, max_cost, weight_fn)
    return np.asarray(series.reindex(origins), dtype=np.float64)


def _pysal_run(
    method: str,
    demand_df: pd.DataFrame,
    supply_df: pd.DataFrame,
    cost_df: pd.DataFrame,
    max_cost: float | None,
    weight_fn: Callable[[float], float] | None,
) -> pd.Series:
    model = Access(
        demand_df=demand_df,
        demand_index="geoid",
        demand_value="pop",
        supply_df=supply_df,
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    kwargs: dict[str, Any] = {"name": "s", "max_cost": max_cost, "normalize": False}
    if weight_fn is not None:
        kwargs["weight_fn"] = weight_fn
    frame: pd.DataFrame = getattr(model, method)(**kwargs)
    return frame["s_cap"]


def _full(origins: Locations, destinations: Locations) -> Pairs:
    """Every origin × destination pair with its Euclidean distance (what PySAL is given)."""
    grid_i, grid_j = np.meshgrid(np.arange(len(origins)), np.arange(len(destinations)), indexing="ij")
    i, j = grid_i.ravel(), grid_j.ravel()
    cost = np.hypot(destinations.x[j] - origins.x[i], destinations.y[j] - origins.y[i])
    return pairs_from_costs(i, j, cost, len(origins), len(destinations))


def _same(ours: np.ndarray, theirs: np.ndarray) -> None:
    """PySAL leaves origins with no pair out (NaN); this engine scores them 0."""
    missing = np.isnan(theirs)
    assert (ours[missing] == 0).all()
    np.testing.assert_allclose(ours[~missing], theirs[~missing], rtol=1e-9, atol=0)


# Fixed example, by hand: origins A(0) 100 people, B(2) 200, C(10) 50; facilities X(1) capacity 3, Y(3) 6.
# Within 1.5: A–X 1, B–X 1, B–Y 1 (A–Y 3 and C are out of reach).
LINE_O = Locations(["A", "B", "C"], np.array([0.0, 2.0, 10.0]), np.zeros(3), False)
LINE_D = Locations(["X", "Y"], np.array([1.0, 3.0]), np.zeros(2), False)
LINE_P, LINE_S = np.array([100.0, 200.0, 50.0]), np.array([3.0, 6.0])


def test_2sfca_by_hand() -> None:
    pairs = pairs_within(LINE_O, LINE_D, 1.5)
    # R_X = 3 / (100 + 200) = 0.01, R_Y = 6 / 200 = 0.03; A_A = R_X, A_B = R_X + R_Y, A_C = 0
    np.testing.assert_allclose(fca2(pairs, LINE_P, LINE_S), [0.01, 0.04, 0.0], rtol=1e-15)
    _same(fca2(pairs, LINE_P, LINE_S), _pysal("two_stage_fca", _full(LINE_O, LINE_D), LINE_P, LINE_S, 1.5, None))


def test_3sfca_and_e2sfca_by_hand() -> None:
    pairs = pairs_within(LINE_O, LINE_D, 1.5)
    # one step: W = 1, G_AX = 1, G_BX = G_BY = 1/2 → R_X = 3 / (100 + 100) = 0.015, R_Y = 6 / 100 = 0.06
    np.testing.assert_allclose(fca3(pairs, LINE_P, LINE_S, [(2.0, 1.0)]), [0.015, 0.0375, 0.0], rtol=1e-15)
    # steps 1 → 1, 2 → 0.5 with every cost exactly 1 (bound inclusive): same as 2SFCA
    np.testing.assert_allclose(e2sfca(pairs, LINE_P, LINE_S, [(1.0, 1.0), (2.0, 0.5)]), [0.01, 0.04, 0.0])
    np.testing.assert_allclose(e2sfca(pairs, LINE_P, LINE_S, [(0.5, 1.0), (2.0, 0.5)]), [0.01, 0.04, 0.0])
    full = _full(LINE_O, LINE_D)
    for steps in ([(2.0, 1.0)], [(1.0, 0.9), (4.0, 0.3)]):
        fn = weights.step_fn(dict(steps))
        _same(
            fca3(pairs_within(LINE_O, LINE_D, 4.0), LINE_P, LINE_S, steps),
            _pysal("three_stage_fca", full, LINE_P, LINE_S, 4.0, fn),
        )


def test_weights_match_pysal_including_bounds() -> None:
    costs = np.array([0.0, 500.0, 999.999, 1000.0, 1000.001, 2000.0, 2400.0, 2500.0, 2500.5, 9000.0])
    fn = weights.step_fn(dict(STEPS))
    assert step_weights(costs, STEPS).tolist() == [fn(c) for c in costs]
    gauss = weights.gaussian(1200.0)
    np.testing.assert_array_equal(gaussian_weights(costs, 1200.0), [gauss(c) for c in costs])


def _random_case(seed: int) -> tuple[Locations, Locations, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xo, yo = rng.uniform(0, 10_000, (2, 300))
    xo[:5] += 50_000  # five remote villages: no facility in reach
    origins = Locations([f"o{i}" for i in range(300)], xo, yo, False)
    xd, yd = rng.uniform(0, 10_000, (2, 40))
    destinations = Locations([f"d{j}" for j in range(40)], xd, yd, False)
    demand = rng.integers(0, 5_000, 300).astype(float)
    demand[rng.choice(300, 30, replace=False)] = 0.0  # some empty points
    supply = rng.integers(0, 20, 40).astype(float)
    supply[3] = 0.0
    return origins, destinations, demand, supply


@pytest.mark.parametrize("seed", [1, 2])
def test_2sfca_family_equals_pysal_on_random_data(seed: int) -> None:
    origins, destinations, demand, supply = _random_case(seed)
    cutoff = 2_500.0
    pairs, full = pairs_within(origins, destinations, cutoff), _full(origins, destinations)
    cases: Sequence[tuple[str, np.ndarray, Callable[[float], float] | None]] = (
        ("two_stage_fca", fca2(pairs, demand, supply), None),
        ("enhanced_two_stage_fca", e2sfca(pairs, demand, supply, STEPS), weights.step_fn(dict(STEPS))),
        ("two_stage_fca", g2sfca(pairs, demand, supply, 1_200.0), weights.gaussian(1_200.0)),
        ("three_stage_fca", fca3(pairs, demand, supply, STEPS), weights.step_fn(dict(STEPS))),
    )
    for method, ours, fn in cases:
        theirs = _pysal(method, full, demand, supply, cutoff, fn)
        assert np.isfinite(theirs[5:]).all() and np.isnan(theirs[:5]).all()
        _same(ours, theirs)
    # 3SFCA with steps reaching past the catchment: PySAL given exactly our pairs (no max_cost)
    wide = [(1500.0, 1.0), (4000.0, 0.5)]
    _same(
        fca3(pairs, demand, supply, wide),
        _pysal("three_stage_fca", pairs, demand, supply, None, weights.step_fn(dict(wide))),
    )


def test_2sfca_distributes_all_supply_within_reach() -> None:
    origins, destinations, demand, supply = _random_case(3)
    pairs = pairs_within(origins, destinations, 2_500.0)
    reached = np.bincount(pairs.destination, weights=demand[pairs.origin], minlength=40) > 0
    for score in (fca2(pairs, demand, supply), fca3(pairs, demand, supply, STEPS)):
        assert float(demand @ score) == pytest.approx(float(supply[reached].sum()), rel=1e-12)


def test_zero_demand_facility_gives_zero_not_infinity() -> None:
    pairs = Pairs(np.array([0, 1]), np.array([0, 1]), np.array([1.0, 1.0]), 2, 2)
    assert fca2(pairs, [0.0, 10.0], [5.0, 5.0]).tolist() == [0.0, 0.5]


def test_region_scores_by_hand() -> None:
    table = region_scores(["b", "a", "b", "c"], [100, 50, 300, 0], [0.01, 0.2, 0.03, 1.0])
    assert table["group"].tolist() == ["a", "b", "c"]
    assert table["score"].iloc[1] == pytest.approx((100 * 0.01 + 300 * 0.03) / 400)
    assert table["score"].iloc[0] == pytest.approx(0.2) and np.isnan(table["score"].iloc[2])
    assert table["population"].tolist() == [50, 400, 0]


def test_invalid_fca_inputs() -> None:
    pairs = pairs_within(LINE_O, LINE_D, 1.5)
    with pytest.raises(AccessError, match="3 values"):
        fca2(pairs, [1.0, 2.0], LINE_S)
    with pytest.raises(AccessError, match="negative or missing supply"):
        fca2(pairs, LINE_P, [1.0, -1.0])
    with pytest.raises(AccessError, match="ascending"):
        step_weights([1.0], [(2.0, 1.0), (1.0, 0.5)])
    with pytest.raises(AccessError, match="non-negative"):
        step_weights([1.0], [(2.0, -1.0)])
    with pytest.raises(AccessError, match="bandwidth"):
        gaussian_weights([1.0], 0.0)
    with pytest.raises(AccessError, match="score"):
        region_scores(["a"], [1.0], [np.nan])
