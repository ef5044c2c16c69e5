"""Convergence of regional service levels over time: σ-convergence and absolute β-convergence.

σ-convergence asks whether the dispersion across regions falls over time; β-convergence asks whether
regions that started lower grew faster. β-convergence is necessary but not sufficient for
σ-convergence, so the two are reported side by side.

References: Barro, R. J. and Sala-i-Martin, X. (1992) "Convergence", Journal of Political Economy
100(2), 223–251; Sala-i-Martin, X. (1996) "The classical approach to convergence analysis",
Economic Journal 106, 1019–1036.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike

from jundeng.domain.periods import Period, parse_period
from jundeng.measure._inputs import FloatArray, MeasureError, as_values, as_weights, prepare
from jundeng.measure.indices import cv_kernel, ge_kernel, gini_kernel

SIGMA_MEASURES = ("cv", "gini", "theil", "sd_log")
_PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}


@dataclass(frozen=True)
class SigmaResult:
    """Dispersion per period and its linear trend (σ-convergence).

    ``table`` has one row per period: ``period`` (float years), ``dispersion`` and ``units``.
    ``slope`` is the OLS change in dispersion per year; ``ci_low``/``ci_high`` its (1 − significance)
    confidence interval. ``converging`` is True when the slope is negative and ``p_value < significance``.
    With exactly two periods the slope is the two-point difference and its inference is NaN.
    """

    measure: str
    table: pd.DataFrame
    slope: float
    std_error: float
    t_value: float
    p_value: float
    ci_low: float
    ci_high: float
    periods: int
    significance: float
    converging: bool


@dataclass(frozen=True)
class BetaResult:
    """Absolute β-convergence: g_i = a + β ln x_i0 + e_i with g_i = ln(x_iT / x_i0) / T.

    ``speed`` is the implied convergence speed λ = −ln(1 + βT)/T and ``half_life`` = ln 2 / λ, the years
    needed to close half the gap to the common steady state. ``speed`` is NaN when 1 + βT ≤ 0 (the
    regression implies overshooting, where the log-linear model has no speed); ``half_life`` is NaN
    unless λ > 0. ``std_error`` is classical or HC1 (``robust``); p-values and the interval use the
    t distribution with n − 2 degrees of freedom either way.
    """

    beta: float
    std_error: float
    t_value: float
    p_value: float
    ci_low: float
    ci_high: float
    intercept: float
    r_squared: float
    n: int
    years: float
    speed: float
    half_life: float
    weighted: bool
    robust: bool
    significance: float
    converging: bool


def period_to_years(period: Any) -> float:
    """Return a period as float years: 2017 → 2017.0, "2017H2" → 2017.5, "2017Q2" → 2017.25, "2017-03" → 2017 + 2/12.

    Numbers pass through; strings follow :func:`jundeng.domain.periods.parse_period`.
    """
    if isinstance(period, int | float | np.integer | np.floating) and not isinstance(period, bool):
        year = float(period)
        if not math.isfinite(year):
            raise MeasureError("期间缺失", "a missing period")
        return year
    parsed = period if isinstance(period, Period) else _parse(period)
    if parsed.kind == "year":
        return float(parsed.year)
    return parsed.year + (parsed.index - 1) / _PER_YEAR[parsed.kind]


def _parse(period: Any) -> Period:
    try:
        return parse_period(str(period))
    except ValueError:
        raise MeasureError(
            f"期间 {period!r} 无法识别，应为年份数字或 2017、2017H1、2017Q1、2017-03",
            f"cannot read period {period!r}: use a year number or 2017, 2017H1, 2017Q1, 2017-03",
        ) from None


def dispersion(values: ArrayLike, weights: ArrayLike | None = None, measure: str = "cv") -> float:
    """Return one dispersion measure of ``values`` with population weights.

    ``cv``: σ_w/μ_w; ``gini``; ``theil`` (GE(1)); ``sd_log``: sqrt(Σ p_i (ln x_i − Σ p_j ln x_j)²),
    the weighted standard deviation of log values (needs positive values).
    """
    if measure not in SIGMA_MEASURES:
        raise MeasureError(
            f"离散度指标须为 {'、'.join(SIGMA_MEASURES)} 之一", f"measure must be one of {', '.join(SIGMA_MEASURES)}"
        )
    x, w = prepare(values, weights, positive=measure == "sd_log", what=f"{measure} ")
    if measure == "cv":
        return float(cv_kernel(x, w)[0])
    if measure == "theil":
        return float(ge_kernel(x, w, 1.0)[0])
    if measure == "gini":
        order = np.argsort(x, kind="stable")
        return float(gini_kernel(x[order], w[order])[0])
    p = w / w.sum()
    logs = np.log(x)
    return float(np.sqrt(max(float(p @ (logs - p @ logs) ** 2), 0.0)))


def _check_significance(significance: float) -> None:
    if not 0 < significance < 1:
        raise MeasureError("显著性水平须在 0 与 1 之间", "significance must lie between 0 and 1")


def _ols_slope(y: FloatArray, x: FloatArray, significance: float) -> tuple[float, float, float, float, float, float]:
    """Return (slope, se, t, p, ci_low, ci_high) of y on x with an intercept; NaN inference with 2 points."""
    if y.size == 2:
        nan = math.nan
        return float((y[1] - y[0]) / (x[1] - x[0])), nan, nan, nan, nan, nan
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
        low, high = fit.conf_int(alpha=significance)[1]
        return (
            float(fit.params[1]),
            float(fit.bse[1]),
            float(fit.tvalues[1]),
            float(fit.pvalues[1]),
            float(low),
            float(high),
        )


def sigma_convergence(
    df: pd.DataFrame,
    value: str,
    period: str,
    weight: str | None = None,
    measure: str = "cv",
    significance: float = 0.05,
) -> SigmaResult:
    """Return the dispersion of ``value`` across units in each period and its OLS trend.

    Parameters
    ----------
    df : long table with one row per unit and period.
    value, period, weight : column names; ``weight`` holds population weights (None: equal weights).
        Periods are year numbers or strings 2017, 2017H1, 2017Q1, 2017-03 (converted to float years).
    measure : "cv", "gini", "theil" or "sd_log" (see :func:`dispersion`).
    significance : test level; the slope's confidence interval has level 1 − significance.

    Notes
    -----
    D_t = a + b·t + e_t is fitted by OLS over the periods; σ-convergence holds when b < 0 and the
    two-sided p-value of b is below ``significance`` (Sala-i-Martin 1996). At least two periods are needed.
    """
    _check_significance(significance)
    for column in (value, period, *([weight] if weight else [])):
        if column not in df.columns:
            raise MeasureError(f"数据中没有列 {column!r}", f"no column {column!r} in the data")
    years = np.array([period_to_years(p) for p in df[period]], dtype=np.float64)
    rows = []
    for year in np.unique(years):
        part = df[years == year]
        try:
            x = as_values(part[value].to_numpy(dtype=np.float64, na_value=np.nan))
            w = as_weights(None if weight is None else part[weight].to_numpy(dtype=np.float64, na_value=np.nan), x.size)
            rows.append((float(year), dispersion(x, w, measure), int((w > 0).sum())))
        except MeasureError as error:
            raise MeasureError(f"期间 {year:g}：{error.zh}", f"period {year:g}: {error.en}") from None
    if len(rows) < 2:
        raise MeasureError("σ 收敛至少需要两个期间", "sigma convergence needs at least two periods")
    table = pd.DataFrame(rows, columns=["period", "dispersion", "units"])
    fit = _ols_slope(table["dispersion"].to_numpy(), table["period"].to_numpy(), significance)
    slope, se, t, p, low, high = fit
    return SigmaResult(
        measure=measure,
        table=table,
        slope=slope,
        std_error=se,
        t_value=t,
        p_value=p,
        ci_low=low,
        ci_high=high,
        periods=len(rows),
        significance=significance,
        converging=bool(slope < 0 and p < significance),
    )


def beta_convergence(
    initial: ArrayLike,
    final: ArrayLike,
    years: float,
    weights: ArrayLike | None = None,
    *,
    robust: bool = False,
    significance: float = 0.05,
) -> BetaResult:
    """Return absolute β-convergence of units from ``initial`` to ``final`` levels over ``years``.

    Parameters
    ----------
    initial, final : positive levels per unit at the start and the end.
    years : length T of the span (> 0).
    weights : population weights; given, the regression is WLS with these weights, otherwise OLS.
    robust : use HC1 heteroskedasticity-robust standard errors instead of classical ones.
    significance : test level; the interval has level 1 − significance.

    Notes
    -----
    g_i = ln(x_iT / x_i0) / T = a + β ln x_i0 + e_i. β < 0 (significant) is absolute β-convergence;
    the speed λ = −ln(1 + βT) / T and half-life ln 2 / λ follow Barro and Sala-i-Martin (1992), who
    write β = −(1 − e^{−λT}) / T. Units with zero weight are dropped; at least three units are needed.
    """
    _check_significance(significance)
    if not (math.isfinite(years) and years > 0):
        raise MeasureError("年数 T 须为正数", "years must be positive")
    x0, x1 = as_values(initial), as_values(final)
    if x0.size != x1.size:
        raise MeasureError(
            f"期初 {x0.size} 个值、期末 {x1.size} 个值，个数不符", f"{x0.size} initial but {x1.size} final values"
        )
    w = as_weights(weights, x0.size)
    keep = w > 0
    x0, x1, w = x0[keep], x1[keep], w[keep]
    for name_zh, name_en, x in (("期初", "initial", x0), ("期末", "final", x1)):
        if (x <= 0).any():
            raise MeasureError(
                f"β 收敛要求{name_zh}值全部为正（{int((x <= 0).sum())} 个 ≤ 0）",
                f"beta convergence needs positive {name_en} values ({int((x <= 0).sum())} are <= 0)",
            )
    if x0.size < 3:
        raise MeasureError("β 收敛至少需要 3 个单位", "beta convergence needs at least 3 units")
    growth = np.log(x1 / x0) / years
    design = sm.add_constant(np.log(x0), has_constant="add")
    model = sm.OLS(growth, design) if weights is None else sm.WLS(growth, design, weights=w)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = model.fit(cov_type="HC1", use_t=True) if robust else model.fit()
        low, high = fit.conf_int(alpha=significance)[1]
        beta, p = float(fit.params[1]), float(fit.pvalues[1])
        result = (float(fit.bse[1]), float(fit.tvalues[1]), float(fit.params[0]), float(fit.rsquared))
    base = 1.0 + beta * years
    speed = -math.log(base) / years if base > 0 else math.nan
    half_life = math.log(2.0) / speed if speed > 0 else math.nan
    return BetaResult(
        beta=beta,
        std_error=result[0],
        t_value=result[1],
        p_value=p,
        ci_low=float(low),
        ci_high=float(high),
        intercept=result[2],
        r_squared=result[3],
        n=int(x0.size),
        years=float(years),
        speed=speed,
        half_life=half_life,
        weighted=weights is not None,
        robust=robust,
        significance=significance,
        converging=bool(beta < 0 and p < significance),
    )
