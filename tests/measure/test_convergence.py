"""σ- and β-convergence, cross-checked against scipy.stats.linregress and numpy least squares."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from jundeng.measure._inputs import MeasureError
from jundeng.measure.convergence import beta_convergence, dispersion, period_to_years, sigma_convergence
from jundeng.measure.indices import cv, gini, theil

# ------------------------------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("period", "years"),
    [(2017, 2017.0), (2017.0, 2017.0), (np.int64(2017), 2017.0), ("2017", 2017.0), ("2017.0", 2017.0),
     ("2017H2", 2017.5), ("2017Q2", 2017.25), ("2017-03", 2017 + 2 / 12)],
)  # fmt: skip
def test_period_to_years(period: object, years: float) -> None:
    assert period_to_years(period) == pytest.approx(years)


@pytest.mark.parametrize("period", ["soon", "2017Q5", math.nan, None])
def test_bad_period(period: object) -> None:
    with pytest.raises(MeasureError):
        period_to_years(period)


# ------------------------------------------------------------------------------------------ sigma


def panel(seed: int = 0, periods: int = 6, units: int = 12, shrink: float = 0.1) -> pd.DataFrame:
    """Units whose log levels draw together over time (dispersion falls by ``shrink`` a year, plus noise)."""
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.5, units)
    pop = rng.integers(10, 500, units)
    rows = []
    for t in range(periods):
        spread = max(1.0 - shrink * t, 0.1) * (1 + rng.normal(0, 0.02))
        for i in range(units):
            rows.append({"year": 2015 + t, "region": i, "value": 100 * math.exp(spread * base[i]), "pop": pop[i]})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("measure", ["cv", "gini", "theil", "sd_log"])
def test_sigma_table_and_slope_match_linregress(measure: str) -> None:
    df = panel()
    result = sigma_convergence(df, "value", "year", weight="pop", measure=measure)
    expected = []
    for _, part in df.groupby("year"):
        x, w = part["value"].to_numpy(), part["pop"].to_numpy()
        if measure == "sd_log":
            p = w / w.sum()
            expected.append(math.sqrt(p @ (np.log(x) - p @ np.log(x)) ** 2))
        else:
            expected.append({"cv": cv, "gini": gini, "theil": theil}[measure](x, w))
    assert list(result.table.columns) == ["period", "dispersion", "units"]
    np.testing.assert_allclose(result.table["dispersion"], expected, rtol=1e-12)
    assert result.table["units"].tolist() == [12] * 6
    reference = stats.linregress(result.table["period"], result.table["dispersion"])
    assert result.slope == pytest.approx(reference.slope, rel=1e-10)
    assert result.std_error == pytest.approx(reference.stderr, rel=1e-8)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-6)
    half = stats.t.ppf(0.975, 4) * reference.stderr
    assert (result.ci_low, result.ci_high) == pytest.approx((reference.slope - half, reference.slope + half))
    assert result.t_value == pytest.approx(reference.slope / reference.stderr)
    assert result.converging and result.slope < 0 and result.periods == 6


def test_sigma_not_converging_when_dispersion_grows() -> None:
    result = sigma_convergence(panel(shrink=-0.1), "value", "year")
    assert result.slope > 0 and not result.converging


def test_sigma_significance_is_a_parameter() -> None:
    df = panel(seed=2, shrink=0.01)
    loose = sigma_convergence(df, "value", "year", significance=0.999)
    strict = sigma_convergence(df, "value", "year", significance=1e-12)
    assert loose.slope == strict.slope
    assert not strict.converging
    assert loose.converging == (loose.slope < 0)
    assert loose.ci_high - loose.ci_low < strict.ci_high - strict.ci_low


def test_sigma_string_periods_and_unweighted() -> None:
    df = panel()
    numeric = sigma_convergence(df, "value", "year")
    df["year"] = df["year"].astype(str)
    as_text = sigma_convergence(df, "value", "year")
    pd.testing.assert_frame_equal(numeric.table, as_text.table)
    assert as_text.table["period"].tolist() == [2015.0, 2016.0, 2017.0, 2018.0, 2019.0, 2020.0]
    assert as_text.table["dispersion"].iloc[0] == pytest.approx(cv(df[df["year"] == "2015"]["value"]))


def test_sigma_half_years_are_spaced_by_half() -> None:
    df = pd.DataFrame({"period": ["2020H1"] * 3 + ["2020H2"] * 3 + ["2021H1"] * 3, "v": [1, 2, 3, 1, 2, 2.5, 1, 2, 2]})
    result = sigma_convergence(df, "v", "period")
    assert result.table["period"].tolist() == [2020.0, 2020.5, 2021.0]
    reference = stats.linregress([2020.0, 2020.5, 2021.0], result.table["dispersion"])
    assert result.slope == pytest.approx(reference.slope)


def test_sigma_two_periods_has_slope_but_no_inference() -> None:
    df = panel(periods=2)
    result = sigma_convergence(df, "value", "year")
    d = result.table["dispersion"]
    assert result.slope == pytest.approx(d.iloc[1] - d.iloc[0])
    assert math.isnan(result.std_error) and math.isnan(result.p_value)
    assert not result.converging


def test_sigma_errors() -> None:
    df = panel()
    with pytest.raises(MeasureError, match="two periods"):
        sigma_convergence(df[df["year"] == 2015], "value", "year")
    with pytest.raises(MeasureError, match="no column 'pop2'"):
        sigma_convergence(df, "value", "year", weight="pop2")
    with pytest.raises(MeasureError, match="measure must be one of"):
        sigma_convergence(df, "value", "year", measure="range")
    with pytest.raises(MeasureError, match="significance"):
        sigma_convergence(df, "value", "year", significance=0)
    df.loc[3, "value"] = np.nan
    with pytest.raises(MeasureError, match="period 2015: 1 missing"):
        sigma_convergence(df, "value", "year")
    zero = panel()
    zero.loc[0, "value"] = 0.0
    with pytest.raises(MeasureError, match="period 2015"):
        sigma_convergence(zero, "value", "year", measure="sd_log")


def test_dispersion_matches_indices() -> None:
    x, w = [1.0, 2.0, 4.0, 8.0], [1, 2, 1, 3]
    assert dispersion(x, w, "gini") == pytest.approx(gini(x, w))
    assert dispersion(x, w, "theil") == pytest.approx(theil(x, w))
    # sd of log2-spaced values 0, ln2, 2ln2, 3ln2 with equal weights: ln2·sqrt(1.25)
    assert dispersion(x, None, "sd_log") == pytest.approx(math.log(2) * math.sqrt(1.25))


# ------------------------------------------------------------------------------------------ beta


def test_beta_worked_example() -> None:
    # x0 = 1, 2, 4 and x1 = 2, 3, 4 over T = 1 year: g = ln 2, ln 1.5, 0 on ln x0 = 0, ln 2, 2 ln 2.
    # Centered regressor d = −ln 2, 0, ln 2, so β = Σ d g / Σ d² = (−ln2·ln2 + ln2·0) / (2 ln²2) = −1/2.
    # Speed λ = −ln(1 − 1/2)/1 = ln 2, half-life ln 2/λ = 1 year.
    result = beta_convergence([1, 2, 4], [2, 3, 4], years=1)
    assert result.beta == pytest.approx(-0.5)
    assert result.speed == pytest.approx(math.log(2))
    assert result.half_life == pytest.approx(1.0)
    assert result.intercept == pytest.approx((math.log(2) + math.log(1.5)) / 3 + 0.5 * math.log(2))
    assert result.n == 3 and not result.weighted and not result.robust


def lstsq_fit(x0: np.ndarray, x1: np.ndarray, years: float, w: np.ndarray) -> dict[str, float]:
    """Independent WLS by least squares on √w-scaled rows: coefficients, classical and HC1 SEs, R²."""
    g = np.log(x1 / x0) / years
    design = np.column_stack([np.ones_like(x0), np.log(x0)])
    root = np.sqrt(w)
    coef = np.linalg.lstsq(design * root[:, None], g * root, rcond=None)[0]
    resid = g - design @ coef
    n = len(g)
    bread = np.linalg.inv(design.T @ (design * w[:, None]))
    classical = np.sum(w * resid**2) / (n - 2) * bread
    meat = (design * (w * resid)[:, None]).T @ (design * (w * resid)[:, None])
    hc1 = bread @ meat @ bread * n / (n - 2)
    g_bar = np.average(g, weights=w)
    r2 = 1 - np.sum(w * resid**2) / np.sum(w * (g - g_bar) ** 2)
    return {"a": coef[0], "b": coef[1], "se": math.sqrt(classical[1, 1]), "hc1": math.sqrt(hc1[1, 1]), "r2": r2}


@pytest.mark.parametrize("weighted", [False, True])
def test_beta_matches_lstsq(weighted: bool) -> None:
    rng = np.random.default_rng(5)
    x0 = rng.lognormal(3, 0.6, 31)
    x1 = x0 * np.exp(0.3 - 0.05 * np.log(x0) * 10 + rng.normal(0, 0.1, 31))
    pop = rng.uniform(1, 10, 31)
    w = pop if weighted else np.ones(31)
    ref = lstsq_fit(x0, x1, 10, w)
    result = beta_convergence(x0, x1, 10, weights=pop if weighted else None)
    assert result.beta == pytest.approx(ref["b"], rel=1e-10)
    assert result.intercept == pytest.approx(ref["a"], rel=1e-10)
    assert result.std_error == pytest.approx(ref["se"], rel=1e-8)
    assert result.r_squared == pytest.approx(ref["r2"], rel=1e-8)
    assert result.t_value == pytest.approx(ref["b"] / ref["se"], rel=1e-8)
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(ref["b"] / ref["se"]), 29), rel=1e-6)
    half = stats.t.ppf(0.975, 29) * ref["se"]
    assert (result.ci_low, result.ci_high) == pytest.approx((ref["b"] - half, ref["b"] + half))
    assert result.converging and result.weighted == weighted
    robust = beta_convergence(x0, x1, 10, weights=pop if weighted else None, robust=True)
    assert robust.beta == pytest.approx(result.beta)
    assert robust.std_error == pytest.approx(ref["hc1"], rel=1e-8)
    assert robust.p_value == pytest.approx(2 * stats.t.sf(abs(ref["b"] / ref["hc1"]), 29), rel=1e-6)
    assert robust.speed == pytest.approx(-math.log(1 + result.beta * 10) / 10)
    assert robust.half_life == pytest.approx(math.log(2) / robust.speed)


def test_beta_overshooting_has_no_speed() -> None:
    # β < −1/T: 1 + βT ≤ 0, the log-linear speed is undefined
    result = beta_convergence([1, 2, 4, 8], [9, 5, 4, 2], years=1)
    assert result.beta < -1
    assert math.isnan(result.speed) and math.isnan(result.half_life)


def test_beta_divergence_has_no_half_life() -> None:
    result = beta_convergence([1, 2, 4, 8], [1.1, 2.5, 5.5, 12], years=2)
    assert result.beta > 0 and result.speed < 0
    assert math.isnan(result.half_life) and not result.converging


def test_beta_zero_weight_units_are_dropped() -> None:
    full = beta_convergence([1, 2, 4, 8, 3], [2, 3, 4.5, 9, 100], years=5, weights=[1, 2, 3, 1, 0])
    assert full == beta_convergence([1, 2, 4, 8], [2, 3, 4.5, 9], years=5, weights=[1, 2, 3, 1])
    assert full.n == 4


def test_beta_errors() -> None:
    with pytest.raises(MeasureError, match="positive initial"):
        beta_convergence([1, 0, 3], [1, 2, 3], 5)
    with pytest.raises(MeasureError, match="positive final"):
        beta_convergence([1, 2, 3], [1, -2, 3], 5)
    with pytest.raises(MeasureError, match="missing or infinite"):
        beta_convergence([1, math.nan, 3], [1, 2, 3], 5)
    with pytest.raises(MeasureError, match="years"):
        beta_convergence([1, 2, 3], [1, 2, 3], 0)
    with pytest.raises(MeasureError, match="3 initial but 2 final"):
        beta_convergence([1, 2, 3], [1, 2], 5)
    with pytest.raises(MeasureError, match="at least 3 units"):
        beta_convergence([1, 2], [1, 2], 5)
