"""Bootstrap intervals: scipy cross-checks, vectorized vs callable paths, strata, seeds and errors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from jundeng.measure._inputs import MeasureError
from jundeng.measure.bootstrap import STATISTICS, bootstrap, jackknife_masks, resample_indices
from jundeng.measure.indices import atkinson, cv, ge, gini, mld, theil


@pytest.fixture
def sample() -> np.ndarray:
    return np.random.default_rng(3).lognormal(0, 0.8, 150)


def theil_decomposition(x: np.ndarray, w: np.ndarray, g: np.ndarray) -> dict[str, float]:
    """Theil T = between + within, written out independently of the package."""
    p = w / w.sum()
    mu = p @ x
    total = float(p @ (x / mu * np.log(x / mu)))
    between = within = 0.0
    for label in np.unique(g):
        in_group = g == label
        share_k = p[in_group].sum()
        mu_k = p[in_group] @ x[in_group] / share_k
        income_share = share_k * mu_k / mu
        between += income_share * math.log(mu_k / mu)
        q = p[in_group] / share_k
        within += income_share * float(q @ (x[in_group] / mu_k * np.log(x[in_group] / mu_k)))
    return {"between": between, "within": within, "total": total}


@pytest.mark.parametrize("method", ["percentile", "BCa"])
def test_mean_interval_matches_scipy(sample: np.ndarray, method: str) -> None:
    reference = stats.bootstrap((sample,), np.mean, n_resamples=4000, method=method, rng=np.random.default_rng(0))
    result = bootstrap(sample, "mean", reps=4000, seed=0, method=method.lower())
    low, high = reference.confidence_interval
    width = high - low
    assert result.low == pytest.approx(low, abs=0.05 * width)
    assert result.high == pytest.approx(high, abs=0.05 * width)
    assert result.std_error == pytest.approx(reference.standard_error, rel=0.05)
    assert result.estimate == pytest.approx(sample.mean())


def test_bca_on_a_skewed_statistic_matches_scipy(sample: np.ndarray) -> None:
    # a different seed from scipy's: agreement is statistical, within a loose tolerance
    def gini_unweighted(data: np.ndarray, axis: int = -1) -> np.ndarray:
        data = np.sort(data, axis=axis)
        n = data.shape[axis]
        i = np.arange(1, n + 1)
        return np.asarray(np.sum((2 * i - n - 1) * data, axis=axis) / (n * np.sum(data, axis=axis)))

    reference = stats.bootstrap((sample,), gini_unweighted, n_resamples=4000, method="BCa", rng=7)
    result = bootstrap(sample, "gini", reps=4000, seed=11)
    low, high = reference.confidence_interval
    assert result.estimate == pytest.approx(float(gini_unweighted(sample)))
    assert result.low == pytest.approx(low, abs=0.1 * (high - low))
    assert result.high == pytest.approx(high, abs=0.1 * (high - low))


@pytest.mark.parametrize(
    ("name", "function"),
    [("gini", gini), ("theil", theil), ("mld", mld), ("cv", cv), ("ge2", lambda x, w: ge(x, 2, w)),
     ("atkinson0.5", lambda x, w: atkinson(x, 0.5, w)), ("atkinson1", lambda x, w: atkinson(x, 1, w)),
     ("mean", lambda x, w: float(np.average(x, weights=w)))],
)  # fmt: skip
def test_vectorized_path_equals_callable_path(name: str, function: Any) -> None:
    rng = np.random.default_rng(8)
    x, w = rng.lognormal(0, 0.7, 80), rng.integers(1, 50, 80).astype(float)
    strata = rng.integers(0, 3, 80)
    fast = bootstrap(x, name, weights=w, strata=strata, reps=300, seed=42)
    slow = bootstrap(x, function, weights=w, strata=strata, reps=300, seed=42)
    assert fast.estimate == pytest.approx(function(x, w), rel=1e-12)
    np.testing.assert_allclose(fast.replicates, slow.replicates, rtol=1e-10, atol=1e-14)
    assert (fast.interval.acceleration, fast.bca_low, fast.bca_high) == pytest.approx(
        (slow.interval.acceleration, slow.bca_low, slow.bca_high), rel=1e-8
    )
    assert (fast.percentile_low, fast.percentile_high) == pytest.approx((slow.percentile_low, slow.percentile_high))
    assert set(STATISTICS) >= {name}


def test_both_methods_reported_and_method_selects(sample: np.ndarray) -> None:
    bca = bootstrap(sample, "theil", reps=500)
    pct = bootstrap(sample, "theil", reps=500, method="percentile")
    np.testing.assert_array_equal(bca.replicates, pct.replicates)
    assert (bca.low, bca.high) == (bca.bca_low, bca.bca_high)
    assert (pct.low, pct.high) == (pct.percentile_low, pct.percentile_high)
    assert (pct.bca_low, pct.bca_high) == (bca.bca_low, bca.bca_high)
    assert np.quantile(bca.replicates, 0.025) == pytest.approx(bca.percentile_low)
    assert bca.std_error == pytest.approx(np.std(bca.replicates, ddof=1))
    assert (bca.level, bca.reps, bca.seed, bca.units, bca.jackknife) == (0.95, 500, 0, 150, 150)
    assert bca.bca_low < bca.estimate < bca.bca_high
    narrow = bootstrap(sample, "theil", reps=500, level=0.5)
    assert narrow.percentile_high - narrow.percentile_low < pct.percentile_high - pct.percentile_low


def test_reproducible_from_the_seed(sample: np.ndarray) -> None:
    first = bootstrap(sample, "gini", reps=200, seed=5)
    again = bootstrap(sample, "gini", reps=200, seed=5)
    other = bootstrap(sample, "gini", reps=200, seed=6)
    np.testing.assert_array_equal(first.replicates, again.replicates)
    assert first == again
    assert not np.array_equal(first.replicates, other.replicates)


def test_stratified_resampling_keeps_stratum_sizes() -> None:
    strata = np.array(["a"] * 5 + ["b"] * 12 + ["c"] * 3)
    members = [np.flatnonzero(strata == s) for s in "abc"]
    rng = np.random.default_rng(0)
    for index in resample_indices(rng, members, 20, 30):
        for group in members:
            assert np.isin(index[:, group], group).all()
    values = np.arange(1.0, 21.0)

    def sizes(x: np.ndarray, w: np.ndarray, g: np.ndarray) -> dict[str, float]:
        return {s: float(np.sum(g == s)) for s in "abc"}

    result = bootstrap(values, sizes, groups=strata, strata=strata, reps=50)
    for label, size in zip("abc", (5, 12, 3), strict=True):
        assert (result[label].replicates == size).all()
    unstratified = bootstrap(values, sizes, groups=strata, reps=50)
    assert unstratified["a"].replicates.std() > 0


def test_decomposition_terms_get_intervals() -> None:
    rng = np.random.default_rng(2)
    groups = np.repeat(["east", "centre", "west"], 40)
    x = rng.lognormal(np.repeat([0.6, 0.2, 0.0], 40), 0.4)
    w = rng.integers(5, 100, 120).astype(float)
    result = bootstrap(x, theil_decomposition, weights=w, groups=groups, strata=groups, reps=400)
    assert result.terms == ("between", "within", "total")
    assert result.statistic == "theil_decomposition"
    assert result["total"].estimate == pytest.approx(theil(x, w))
    np.testing.assert_allclose(
        result["between"].replicates + result["within"].replicates, result["total"].replicates, rtol=1e-12
    )
    for term in result.terms:
        assert result[term].percentile_low < result[term].estimate < result[term].percentile_high
    total = bootstrap(x, "theil", weights=w, strata=groups, reps=400)
    np.testing.assert_allclose(total.replicates, result["total"].replicates, rtol=1e-10)
    with pytest.raises(MeasureError, match="several terms"):
        _ = result.estimate


def test_zero_weight_units_are_absent(sample: np.ndarray) -> None:
    padded = bootstrap(np.append(sample, 99.0), "cv", weights=np.append(np.ones(150), 0.0), reps=100)
    plain = bootstrap(sample, "cv", reps=100)
    np.testing.assert_array_equal(padded.replicates, plain.replicates)
    assert padded.units == 150


def test_grouped_jackknife_above_2000_units() -> None:
    rng = np.random.default_rng(4)
    x = rng.lognormal(0, 1.0, 3000)
    count, masks = jackknife_masks(np.random.default_rng(0), 3000)
    deleted = np.concatenate([~mask for mask in masks])
    assert count == 1000 and deleted.shape == (1000, 3000)
    assert (deleted.sum(axis=0) == 1).all() and set(deleted.sum(axis=1)) == {3}
    result = bootstrap(x, "mean", reps=200)
    assert result.jackknife == 1000
    # exact delete-one acceleration of the mean, for comparison: θ_(i) = (S − x_i)/(n − 1)
    leave_one = (x.sum() - x) / (x.size - 1)
    d = leave_one.mean() - leave_one
    exact = np.sum(d**3) / (6 * np.sum(d**2) ** 1.5)
    assert result.interval.acceleration == pytest.approx(exact, rel=0.3)


def test_weighted_estimate_and_callable_name() -> None:
    x, w = np.array([1.0, 2.0, 3.0, 10.0]), np.array([4.0, 3.0, 2.0, 1.0])
    result = bootstrap(x, "gini", weights=w, reps=50)
    assert result.estimate == pytest.approx(gini(x, w))
    assert bootstrap(x, lambda v, p: float(v.max()), reps=50).terms == ("value",)


def test_bad_input() -> None:
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(MeasureError, match="missing or infinite"):
        bootstrap([1.0, math.nan, 2.0], "gini")
    with pytest.raises(MeasureError, match="statistic must be one of"):
        bootstrap(x, "median")
    with pytest.raises(MeasureError, match="zeros"):
        bootstrap([0.0, 1.0, 2.0], "mld")
    with pytest.raises(MeasureError, match="take no groups"):
        bootstrap(x, "gini", groups=["a", "b", "a"])
    with pytest.raises(MeasureError, match="weights, groups"):
        bootstrap(x, lambda v, w: 1.0, groups=["a", "b", "a"])
    with pytest.raises(MeasureError, match="4 group labels for 3 values"):
        bootstrap(x, "gini", strata=["a", "b", "a", "c"])
    with pytest.raises(MeasureError, match="reps"):
        bootstrap(x, "gini", reps=1)
    with pytest.raises(MeasureError, match="level"):
        bootstrap(x, "gini", level=95)
    with pytest.raises(MeasureError, match="method"):
        bootstrap(x, "gini", method="bootstrap-t")
    with pytest.raises(MeasureError, match="at least 2 units"):
        bootstrap([1.0, 2.0], "gini", weights=[1, 0])
    with pytest.raises(MeasureError, match="undefined in"):
        bootstrap(x, lambda v, w: math.nan if v.min() == v.max() else 1.0, reps=200)
    with pytest.raises(MeasureError, match="terms"):
        bootstrap(x, lambda v, w: {"a": 1.0} if v[0] < 2 else {"b": 1.0}, reps=50)
