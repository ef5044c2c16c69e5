"""Allocation of a pool over the gaps (below, equal to and above the total gap), floors and caps, and the
inequality of resources per head before and after."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jundeng.fiscal import FiscalError, allocate, districts_from_frame, transfer_model
from jundeng.measure import cv, gini, theil

GAPS = [100.0, 50.0, 0.0, 10.0]  # Σ = 160


@pytest.mark.parametrize(
    ("pool", "coefficient", "transfer", "unspent"),
    [
        (0.0, 0.0, [0, 0, 0, 0], 0.0),
        (80.0, 0.5, [50, 25, 0, 5], 0.0),  # below the total gap
        (160.0, 1.0, [100, 50, 0, 10], 0.0),  # equal to it
        (200.0, 1.0, [100, 50, 0, 10], 40.0),  # above it: the coefficient stops at 1
    ],
)
def test_allocation_is_gap_times_coefficient(
    pool: float, coefficient: float, transfer: list[float], unspent: float
) -> None:
    result = allocate(GAPS, pool)
    assert result.coefficient == pytest.approx(coefficient)
    assert result.transfer.tolist() == pytest.approx(transfer)
    assert result.unspent == pytest.approx(unspent)


def test_no_gap_means_no_transfer() -> None:
    result = allocate([0.0, 0.0], 1000.0)
    assert result.coefficient == 0.0 and result.transfer.tolist() == [0, 0] and result.unspent == 1000.0


def test_a_cap_frees_money_for_the_others() -> None:
    # without the cap: c = 0.5 → 50, 25, 5; A held at 40 frees 10: 40 + 50c + 10c = 80 → c = 2/3
    result = allocate([100.0, 50.0, 10.0], 80.0, cap=40.0)
    assert result.coefficient == pytest.approx(2 / 3)
    assert result.transfer.tolist() == pytest.approx([40, 100 / 3, 20 / 3])
    assert result.transfer.sum() == pytest.approx(80)


def test_a_pool_above_the_capped_gaps_is_left_unspent() -> None:
    result = allocate([100.0, 50.0, 10.0], 200.0, cap=40.0)
    assert result.transfer.tolist() == [40, 40, 10] and result.unspent == pytest.approx(110)


def test_a_floor_is_taken_from_the_others() -> None:
    # lo = 20, 20, 10 (C's floor is its whole gap): 100c + 50c + 10 = 80 → c = 7/15
    result = allocate([100.0, 50.0, 10.0], 80.0, floor=20.0)
    assert result.coefficient == pytest.approx(7 / 15)
    assert result.transfer.tolist() == pytest.approx([700 / 15, 350 / 15, 10])


def test_floors_beyond_the_pool_are_scaled_down() -> None:
    result = allocate([100.0, 50.0, 10.0], 25.0, floor=20.0)  # Σ floors = 50 > 25
    assert result.coefficient == 0.0 and result.transfer.tolist() == pytest.approx([10, 10, 5])


def test_floor_and_cap_together() -> None:
    # lo = 20, 20, 0; hi = 60, 50, 0; pool 100: A capped at 60 once c ≥ 0.6, so 60 + 50c = 100 → c = 0.8
    result = allocate([100.0, 50.0, 0.0], 100.0, floor=20.0, cap=60.0)
    assert result.transfer.tolist() == pytest.approx([60, 40, 0]) and result.coefficient == pytest.approx(0.8)
    result = allocate([100.0, 50.0, 0.0], 50.0, floor=20.0, cap=60.0)  # B's floor binds: 100c + 20 = 50
    assert result.transfer.tolist() == pytest.approx([30, 20, 0]) and result.coefficient == pytest.approx(0.3)


def test_floors_and_caps_never_overspend_random_cases() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        gap = rng.choice([0.0, 1.0], size=30, p=[0.3, 0.7]) * rng.uniform(0, 1000, 30)
        floor = float(rng.uniform(0, 200)) if rng.random() < 0.7 else None
        cap = (floor or 0.0) + float(rng.uniform(0, 600)) if rng.random() < 0.7 else None
        pool = float(rng.uniform(0, 1.2 * gap.sum()))
        t = allocate(gap, pool, floor=floor, cap=cap).transfer
        lo = np.where(gap > 0, np.minimum(floor or 0, gap), 0)
        hi = np.where(gap > 0, np.minimum(np.inf if cap is None else cap, gap), 0)
        assert t.sum() <= pool + 1e-6
        assert (t <= hi + 1e-9).all()
        if pool >= lo.sum():
            assert (t >= lo - 1e-9).all()
            assert t.sum() == pytest.approx(min(pool, hi.sum()))


def test_bad_pool_floor_and_cap_are_refused() -> None:
    with pytest.raises(FiscalError, match="the pool must be a non-negative number"):
        allocate(GAPS, -1.0)
    with pytest.raises(FiscalError, match="floor 50 is above the cap 10"):
        allocate(GAPS, 10.0, floor=50.0, cap=10.0)
    with pytest.raises(FiscalError, match="cap must be a non-negative"):
        allocate(GAPS, 10.0, cap=-1.0)


def districts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "population": [100.0, 200.0, 50.0],
            "capacity": [1000.0, 500.0, 5000.0],
            "cost_index": [1.0, 1.2, 1.0],
            "dibao": [10.0, 30.0, 0.0],
            "school": [20.0, 10.0, 5.0],
        }
    )


def test_transfer_model_by_hand_and_inequality_from_measure() -> None:
    model = transfer_model(districts_from_frame(districts()), {"dibao": 100.0, "school": 50.0})
    result = model.run(2350.0)  # gaps 1000, 3700, 0: Σ 4700 → c = 0.5
    regions = result.regions
    assert regions["need"].tolist() == [2000, 4200, 250]
    assert regions["gap"].tolist() == [1000, 3700, 0]
    assert regions["transfer"].tolist() == pytest.approx([500, 1850, 0])
    assert regions["per_capita_before"].tolist() == [10, 2.5, 100]
    assert regions["per_capita_after"].tolist() == pytest.approx([15, 11.75, 100])
    s = result.summary
    assert s["coefficient"] == pytest.approx(0.5) and s["gap_closed"] == pytest.approx(0.5)
    pop = [100, 200, 50]
    assert s["gini_before"] == pytest.approx(gini([10, 2.5, 100], pop))
    assert s["gini_after"] == pytest.approx(gini([15, 11.75, 100], pop))
    assert s["theil_after"] == pytest.approx(theil([15, 11.75, 100], pop))
    assert s["cv_after"] == pytest.approx(cv([15, 11.75, 100], pop))
    assert s["gini_after"] < s["gini_before"]


def test_simulation_has_one_row_per_pool() -> None:
    model = transfer_model(districts_from_frame(districts()), {"dibao": 100.0, "school": 50.0})
    table = model.simulate([0.0, 2350.0, 4700.0, 9000.0])
    assert table["pool"].tolist() == [0, 2350, 4700, 9000]
    assert table["coefficient"].tolist() == pytest.approx([0, 0.5, 1, 1])
    assert table["gap_closed"].tolist() == pytest.approx([0, 0.5, 1, 1])
    assert table["unspent"].tolist() == pytest.approx([0, 0, 0, 4300])
    assert table["gini_before"].nunique() == 1 and table["gini_after"].is_monotonic_decreasing


def test_transfers_on_the_districts_own_share() -> None:
    # the city pays half of dibao: own needs 1,500, 2,400 (1.2 × (1,500 + 500)), 250 → gaps 500, 1,900, 0
    costs = {"dibao": 100.0, "school": 50.0}
    model = transfer_model(districts_from_frame(districts()), costs, city_share={"dibao": 0.5}, basis="district")
    result = model.run(1200.0)
    assert result.regions["need"].tolist() == [2000, 4200, 250]
    assert result.regions["need_district"].tolist() == pytest.approx([1500, 2400, 250])
    assert result.regions["gap"].tolist() == pytest.approx([500, 1900, 0])
    assert result.regions["transfer"].tolist() == pytest.approx([250, 950, 0])
    assert result.summary["total_need_district"] == pytest.approx(4150)
