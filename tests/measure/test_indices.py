"""Inequality indices and GE decompositions, cross-checked against PySAL, hand computations and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inequality.gini import Gini
from inequality.theil import Theil, TheilD
from libpysal import examples

from jundeng.measure import (
    MeasureError,
    atkinson,
    cv,
    decompose,
    gap_to_best,
    gap_to_target,
    ge,
    gini,
    max_min_ratio,
    mld,
    quantile_ratio,
    theil,
    value_range,
    weighted_quantile,
)

YEARS = [f"pcgdp{y}" for y in range(1940, 2001, 10)]


@pytest.fixture(scope="module")
def mexico() -> pd.DataFrame:
    return pd.read_csv(examples.get_path("mexico.csv"))


@pytest.mark.parametrize("year", YEARS)
def test_against_pysal_on_mexico(mexico: pd.DataFrame, year: str) -> None:
    x = mexico[year].to_numpy()
    regions = mexico["hanson03"].to_numpy()
    assert gini(x) == pytest.approx(Gini(x).g, abs=1e-10)
    assert theil(x) == pytest.approx(Theil(x).T, abs=1e-10)
    pysal = TheilD(x, regions)
    ours = decompose(x, regions)
    assert ours.total == pytest.approx(pysal.T, abs=1e-10)
    assert ours.between == pytest.approx(float(pysal.bg[0]), abs=1e-10)
    assert ours.within == pytest.approx(float(pysal.wg[0]), abs=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_against_pysal_on_random_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(3, 1, 500)
    groups = rng.integers(0, 10, 500)
    assert gini(x) == pytest.approx(Gini(x).g, abs=1e-10)
    pysal = TheilD(x, groups)
    ours = decompose(x, groups)
    assert (ours.total, ours.between) == pytest.approx((pysal.T, float(pysal.bg[0])), abs=1e-10)


def test_hand_computed_small_case() -> None:
    # x = [1, 2, 3, 6], μ = 3.
    # Gini = Σ_i Σ_j |x_i − x_j| / (2 n² μ): pair differences 1,2,5,1,4,3 → sum over ordered pairs 32
    #      = 32 / (2·16·3) = 1/3.
    x = [1.0, 2.0, 3.0, 6.0]
    assert gini(x) == pytest.approx(1 / 3, abs=1e-12)
    # Theil T = ¼ Σ (x/μ) ln(x/μ) = ¼ [⅓ln⅓ + ⅔ln⅔ + 0 + 2 ln 2]
    expected_t = 0.25 * (1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3) + 2 * math.log(2))
    assert theil(x) == pytest.approx(expected_t, abs=1e-12)
    # MLD = ¼ Σ ln(μ/x) = ¼ [ln 3 + ln 1.5 + 0 + ln 0.5]
    assert mld(x) == pytest.approx(0.25 * (math.log(3) + math.log(1.5) + math.log(0.5)), abs=1e-12)
    # GE(2) = ½ CV², CV² = var/μ² = (¼Σx² − 9)/9 = (12.5 − 9)/9
    assert ge(x, 2) == pytest.approx(0.5 * 3.5 / 9, abs=1e-12)
    assert cv(x) == pytest.approx(math.sqrt(3.5) / 3, abs=1e-12)
    # Atkinson(1) = 1 − geometric mean / μ = 1 − 36^{1/4}/3
    assert atkinson(x, 1) == pytest.approx(1 - 36**0.25 / 3, abs=1e-12)
    # Atkinson(2) = 1 − harmonic mean / μ; HM = 4 / (1 + ½ + ⅓ + ⅙) = 2
    assert atkinson(x, 2) == pytest.approx(1 - 2 / 3, abs=1e-12)
    assert (value_range(x), max_min_ratio(x)) == (5.0, 6.0)
    # groups A = [1, 2] (μ 1.5), B = [3, 6] (μ 4.5); between Theil = ½(0.5 ln 0.5) + ½(1.5 ln 1.5)
    d = decompose(x, ["A", "A", "B", "B"])
    assert d.between == pytest.approx(0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)), abs=1e-12)
    assert d.between + d.within == pytest.approx(d.total, abs=1e-15)


def test_weighted_quantiles_and_gaps() -> None:
    x = np.array([10.0, 20.0, 30.0, 40.0])
    w = np.array([1.0, 1.0, 1.0, 7.0])
    assert weighted_quantile(x, 0.5, w) == 40.0
    assert weighted_quantile(x, 0.5) == float(np.quantile(x, 0.5, method="inverted_cdf"))
    assert quantile_ratio(x, 0.9, 0.1) == 4.0
    assert list(gap_to_best(x)) == [30.0, 20.0, 10.0, 0.0]
    assert list(gap_to_best(x, "lower")) == [0.0, 10.0, 20.0, 30.0]
    assert list(gap_to_target(x, 25.0)) == [15.0, 5.0, 0.0, 0.0]


def test_nested_decomposition_sums_exactly() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    district = rng.integers(0, 3, n)
    town = rng.integers(0, 4, n)  # "town 1" exists in every district: labels are nested by path
    x = rng.lognormal(0, 0.5, n) * (1 + district)
    w = rng.integers(1, 100, n).astype(float)
    for index in ("theil", "mld", 2.0, 0.5):
        d = decompose(x, pd.DataFrame({"district": district, "town": town}), w, index=index)
        assert d.levels is not None
        assert d.levels["value"].sum() == pytest.approx(d.total, abs=1e-12)
        assert len(d.groups) == 12
        one = decompose(x, district, w, index=index)
        assert d.levels["value"].iloc[0] == pytest.approx(one.between, abs=1e-12)


def test_edge_cases_are_explicit() -> None:
    assert gini([5.0]) == 0.0
    assert theil([3.0, 3.0, 3.0]) == pytest.approx(0.0, abs=1e-15)
    assert gini([0.0, 0.0, 4.0]) == pytest.approx(2 / 3)
    assert theil([0.0, 0.0, 4.0]) == pytest.approx(math.log(3))
    with pytest.raises(MeasureError, match="undefined with zeros"):
        mld([0.0, 1.0, 2.0])
    with pytest.raises(MeasureError, match="undefined with zeros"):
        atkinson([0.0, 1.0], 1)
    with pytest.raises(MeasureError, match="负值.*negative"):
        gini([-1.0, 2.0])
    with pytest.raises(MeasureError, match="missing or infinite"):
        theil([1.0, float("nan")])
    with pytest.raises(MeasureError, match="no values"):
        gini([])
    with pytest.raises(MeasureError, match="sum to zero"):
        gini([1.0, 2.0], [0.0, 0.0])
    # zero weights mean the unit is absent
    assert gini([1.0, 2.0, 100.0], [1.0, 1.0, 0.0]) == pytest.approx(gini([1.0, 2.0]))
    # a group with one unit has no within inequality
    d = decompose([1.0, 2.0, 3.0], ["a", "b", "b"])
    assert d.groups.loc[d.groups["group"] == "a", "index"].item() == 0.0


positive = st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=2, max_size=40)


@given(positive, st.floats(0.01, 1000))
@settings(max_examples=60, deadline=None)
def test_scale_invariance(x: list[float], k: float) -> None:
    a = np.array(x)
    for f in (gini, theil, mld, cv):
        assert f(a * k) == pytest.approx(f(a), abs=1e-9)


@given(positive, st.integers(2, 4))
@settings(max_examples=60, deadline=None)
def test_replication_invariance_and_weight_equivalence(x: list[float], times: int) -> None:
    a = np.array(x)
    weights = np.arange(1, a.size + 1, dtype=float)
    repeated = np.repeat(a, weights.astype(int))
    for f in (gini, theil, mld, cv):
        assert f(np.tile(a, times)) == pytest.approx(f(a), abs=1e-9)
        assert f(a, weights) == pytest.approx(f(repeated), abs=1e-9)
    assert atkinson(a, 0.5, weights) == pytest.approx(atkinson(repeated, 0.5), abs=1e-9)


@given(positive, st.lists(st.integers(0, 4), min_size=40, max_size=40), st.floats(-1, 3))
@settings(max_examples=80, deadline=None)
def test_decomposition_is_exactly_additive(x: list[float], labels: list[int], alpha: float) -> None:
    a = np.array(x)
    g = np.array(labels[: a.size])
    d = decompose(a, g, index=round(alpha, 2))
    assert d.between + d.within == pytest.approx(d.total, abs=1e-9)
    assert d.between >= -1e-12 and d.within >= -1e-12


@given(positive)
@settings(max_examples=60, deadline=None)
def test_gini_bounds_and_pigou_dalton(x: list[float]) -> None:
    a = np.sort(np.array(x))
    g = gini(a)
    assert 0.0 <= g < 1.0
    if a[-1] - a[0] > 1e-3:
        transfer = (a[-1] - a[0]) / 4  # from the richest to the poorest, ranks preserved
        b = a.copy()
        b[0] += transfer
        b[-1] -= transfer
        for f in (gini, theil, mld, cv):
            assert f(b) <= f(a) + 1e-12
