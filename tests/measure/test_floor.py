"""Floor compliance (底线均等): FGT incidence, depth and severity of shortfalls from a standard."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jundeng.measure._inputs import MeasureError
from jundeng.measure.floor import fgt, floor_compliance


def test_hand_computed_case() -> None:
    # values 50, 80, 100, 120 against a floor of 100, populations 1, 2, 3, 4 → shares .1, .2, .3, .4
    # normalized shortfalls s = (100 − x)/100 clipped at 0: .5, .2, 0, 0 (100 meets the floor exactly)
    # FGT0 = .1 + .2 = .3; FGT1 = .1·.5 + .2·.2 = .09; FGT2 = .1·.25 + .2·.04 = .033
    # mean absolute shortfall = .1·50 + .2·20 = 9 (= z·FGT1); 2 units and 3 people below
    result = floor_compliance([50, 80, 100, 120], 100, weights=[1, 2, 3, 4])
    assert result.fgt0 == pytest.approx(0.3)
    assert result.fgt1 == pytest.approx(0.09)
    assert result.fgt2 == pytest.approx(0.033)
    assert result.mean_shortfall == pytest.approx(9.0)
    assert (result.units_below, result.population_below) == (2, 3.0)
    assert (result.units, result.population) == (4, 10.0)
    assert result.share_below == result.fgt0
    assert result.units_share_below == 0.5


def test_unweighted_and_fgt_function_agree() -> None:
    values = [50, 80, 100, 120]
    result = floor_compliance(values, 100)
    assert result.fgt0 == pytest.approx(0.5)
    assert result.fgt1 == pytest.approx((0.5 + 0.2) / 4)
    assert result.fgt2 == pytest.approx((0.25 + 0.04) / 4)
    for alpha, expected in ((0, result.fgt0), (1, result.fgt1), (2, result.fgt2)):
        assert fgt(values, 100, alpha) == pytest.approx(expected)
    assert fgt(values, 100, 0.5) == pytest.approx((0.5**0.5 + 0.2**0.5) / 4)


def test_ceiling_for_lower_is_better() -> None:
    # mortality rates 5, 8, 12 against a ceiling of 10: only 12 exceeds it, by 2/10 = .2
    result = floor_compliance([5, 8, 12], 10, direction="lower")
    assert result.fgt0 == pytest.approx(1 / 3)
    assert result.fgt1 == pytest.approx(0.2 / 3)
    assert result.fgt2 == pytest.approx(0.04 / 3)
    assert result.mean_shortfall == pytest.approx(2 / 3)
    assert result.units_below == 1


def test_all_compliant() -> None:
    result = floor_compliance([100, 101, 150], 100)
    assert (result.fgt0, result.fgt1, result.fgt2, result.units_below, result.mean_shortfall) == (0, 0, 0, 0, 0)


def test_zero_weight_units_are_absent() -> None:
    with_zero = floor_compliance([50, 80, 10], 100, weights=[1, 1, 0])
    assert with_zero == floor_compliance([50, 80], 100)


@pytest.mark.parametrize("floor", [0, -1, math.nan, math.inf])
def test_floor_must_be_positive(floor: float) -> None:
    with pytest.raises(MeasureError, match="floor"):
        floor_compliance([1, 2], floor)


def test_bad_inputs() -> None:
    with pytest.raises(MeasureError, match="missing or infinite"):
        floor_compliance([1.0, math.nan], 2)
    with pytest.raises(MeasureError, match="direction"):
        floor_compliance([1.0, 2.0], 2, direction="up")
    with pytest.raises(MeasureError, match="non-negative"):
        floor_compliance([1.0, 2.0], 2, weights=[1, -1])
    with pytest.raises(MeasureError, match="2 weights for 3"):
        floor_compliance([1.0, 2.0, 3.0], 2, weights=[1, 1])
    with pytest.raises(MeasureError, match="alpha"):
        fgt([1.0, 2.0], 2, -1)


values_st = st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(values=values_st, floor=st.floats(0.01, 1000), direction=st.sampled_from(["higher", "lower"]))
def test_fgt_ordering(values: list[float], floor: float, direction: str) -> None:
    # the ordering needs every normalized shortfall s in [0, 1] (then 1[s > 0] ≥ s ≥ s²): under a floor
    # values ≥ 0 ensure it; under a ceiling the excess (x − z)/z stays ≤ 1 only for x ≤ 2z, so clip there
    if direction == "lower":
        values = [min(v, 2 * floor) for v in values]
    result = floor_compliance(values, floor, direction=direction)
    assert 1.0 >= result.fgt0 >= result.fgt1 - 1e-12
    assert result.fgt1 >= result.fgt2 - 1e-12 >= -1e-12


@settings(max_examples=200, deadline=None)
@given(values=values_st, low=st.floats(0.01, 1000), step=st.floats(0, 1000))
def test_fgt_rises_with_the_floor(values: list[float], low: float, step: float) -> None:
    below, above = floor_compliance(values, low), floor_compliance(values, low + step)
    assert above.fgt0 >= below.fgt0
    assert above.fgt1 >= below.fgt1 - 1e-12
    assert above.fgt2 >= below.fgt2 - 1e-12
    assert above.mean_shortfall >= below.mean_shortfall - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.tuples(st.floats(0, 500, allow_nan=False), st.integers(1, 5)), min_size=1, max_size=20),
    floor=st.floats(1, 500),
)
def test_integer_weights_equal_repeated_units(data: list[tuple[float, int]], floor: float) -> None:
    values = [v for v, _ in data]
    counts = [c for _, c in data]
    weighted = floor_compliance(values, floor, weights=counts)
    repeated = floor_compliance(np.repeat(values, counts), floor)
    for name in ("fgt0", "fgt1", "fgt2", "mean_shortfall", "population_below"):
        assert getattr(weighted, name) == pytest.approx(getattr(repeated, name), abs=1e-12)
    assert weighted.population_below == repeated.units_below
