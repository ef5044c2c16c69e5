"""Proportions and means against samplics (independent implementation) and by hand; intervals, deff, judging."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray
from scipy import stats

from jundeng.survey import Design, Estimate, SurveyError, judge, mean, post_stratify, proportion

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # samplics says it is archived; 0.6 is the reference here
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam, SinglePSUEst

Data = dict[str, NDArray[Any]]


def survey_data(seed: int) -> Data:
    """Return 4 strata × 6–10 PSUs × 5–30 respondents, random weights, ~10 % no answer, N_h PSUs per stratum."""
    rng = np.random.default_rng(seed)
    stratum: list[str] = []
    psu: list[str] = []
    size: list[float] = []
    first: list[bool] = []
    for h in range(4):
        n_psu = int(rng.integers(6, 11))
        population = float(n_psu + rng.integers(1, 20))  # N_h PSUs in the population, n_h sampled
        for j in range(n_psu):
            m = int(rng.integers(5, 31))
            stratum += [f"s{h}"] * m
            psu += [f"p{j}"] * m
            size += [population] * m
            first += [True] + [False] * (m - 1)
    n = len(stratum)
    answered = (rng.random(n) > 0.1) | np.array(first)  # every PSU keeps an answer (samplics drops empty PSUs)
    y01 = (rng.random(n) < rng.uniform(0.3, 0.8)).astype(float)
    score = rng.integers(1, 6, n).astype(float)
    return {
        "stratum": np.array(stratum),
        "psu": np.array(psu),
        "size": np.array(size),
        "weight": rng.uniform(1, 8, n),
        "y01": np.where(answered, y01, np.nan),
        "score": np.where(answered, score, np.nan),
        "domain": rng.choice(np.array(["east", "north", "west"]), n),
    }


def samplics_rows(
    param: PopParam, y: NDArray[Any], data: Data, design: Design, domain: bool
) -> list[tuple[float, ...]]:
    """Return (estimate, se, low, high) per domain from samplics, its fpc being 1 − n_h/N_h per stratum."""
    fpc: dict[str | float | int, float | int] = {
        str(label): float(f) for label, f in zip(design.stratum_labels, design.fpc, strict=True)
    }
    estimator = TaylorEstimator(param)
    estimator.estimate(
        y=y,
        samp_weight=data["weight"],
        stratum=pd.Series(data["stratum"]),
        psu=pd.Series(data["psu"]),
        fpc=fpc,
        domain=pd.Series(data["domain"]) if domain else None,
        remove_nan=True,
    )
    parts = (estimator.point_est, estimator.stderror, estimator.lower_ci, estimator.upper_ci)
    keys = sorted(estimator.point_est) if domain else [None]
    rows = []
    for key in keys:
        values = [part[key] if key is not None else part for part in parts]
        if param == PopParam.prop:
            values = [value[1.0] for value in values]
        rows.append(tuple(float(v) for v in values))
    return rows


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("domain", [False, True])
def test_equal_to_samplics(seed: int, domain: bool) -> None:
    data = survey_data(seed)
    design = Design(data["weight"], data["stratum"], data["psu"], data["size"])
    assert (design.fpc > 0).all() and (design.fpc < 1).all()
    cases = (
        (PopParam.prop, data["y01"], proportion(data["y01"], design, domain=data["domain"] if domain else None)),
        (PopParam.mean, data["score"], mean(data["score"], design, domain=data["domain"] if domain else None)),
    )
    for param, y, ours in cases:
        theirs = samplics_rows(param, y, data, design, domain)
        assert [e.group for e in ours] == (["east", "north", "west"] if domain else ["total"])
        for est, (point, se, low, high) in zip(ours, theirs, strict=True):
            assert est.estimate == pytest.approx(point, abs=1e-12)
            assert est.se == pytest.approx(se, abs=1e-12)
            # samplics: logit interval for a proportion, ŷ ± t·se for a mean, t with PSUs − strata df
            assert est.ci_low == pytest.approx(low, abs=1e-10)
            assert est.ci_high == pytest.approx(high, abs=1e-10)


def test_domain_is_a_subpopulation_not_a_separate_sample() -> None:
    data = survey_data(5)
    design = Design(data["weight"], data["stratum"], data["psu"], data["size"])
    east = data["domain"] == "east"
    (whole,) = [e for e in proportion(data["y01"], design, domain=data["domain"]) if e.group == "east"]
    (alone,) = proportion(np.where(east, data["y01"], np.nan), design)  # same thing: other rows stay with z = 0
    assert (whole.estimate, whole.se) == pytest.approx((alone.estimate, alone.se), abs=1e-15)
    keep = np.asarray(east)
    separate = Design(data["weight"][keep], data["stratum"][keep], data["psu"][keep])
    (apart,) = proportion(data["y01"][keep], separate)
    assert apart.estimate == pytest.approx(whole.estimate, abs=1e-12)
    assert abs(apart.se - whole.se) > 1e-4


def test_lonely_certainty_equals_samplics_skip() -> None:
    data = survey_data(7)
    lone = data["stratum"] == "s2"
    data["psu"] = np.where(lone, "p0", data["psu"])
    design = Design(data["weight"], data["stratum"], data["psu"])
    (ours,) = proportion(data["y01"], design, lonely="certainty")
    estimator = TaylorEstimator(PopParam.prop)
    estimator.estimate(
        y=data["y01"],
        samp_weight=data["weight"],
        stratum=pd.Series(data["stratum"]),
        psu=pd.Series(data["psu"]),
        single_psu=SinglePSUEst.skip,
        remove_nan=True,
    )
    assert ours.se == pytest.approx(estimator.stderror[1.0], abs=1e-12)


def test_srs_by_hand() -> None:
    # No strata, no PSUs: every row a PSU; z_i = w_i (y_i − p)/W, V = n/(n − 1) Σ z_i².
    # Equal weights: V = n/(n − 1) · n p(1 − p)/n² = p(1 − p)/(n − 1), and deff = 1 exactly.
    y = np.array([1.0, 0, 1, 1, 0, 0, 1, 1, 1, 0])
    (est,) = proportion(y, Design(np.full(10, 3.0)), min_n=0)
    assert est.estimate == 0.6
    assert est.se == pytest.approx(math.sqrt(0.6 * 0.4 / 9), abs=1e-15)
    assert est.deff == pytest.approx(1.0, abs=1e-12) and est.n_eff == pytest.approx(10.0, abs=1e-10)
    w = np.arange(1.0, 11.0)
    p = float((w * y).sum() / w.sum())
    (weighted,) = proportion(y, Design(w), min_n=0)
    assert weighted.estimate == pytest.approx(p, abs=1e-15)
    expected = 10 / 9 * float((w**2 * (y - p) ** 2).sum()) / float(w.sum()) ** 2
    assert weighted.se**2 == pytest.approx(expected, abs=1e-15)
    # Kish deff against s²/n = Σ w (y − p)²/W / (n − 1), without fpc (no stratum_size)
    assert weighted.deff == pytest.approx(expected / (p * (1 - p) / 9), rel=1e-12)


def test_no_answer_rows_stay_in_the_design() -> None:
    # 12 rows, 2 without an answer: they remain PSUs with z = 0, so V = 12/11 Σ z² (R survey's subset).
    y = np.array([1.0, 0, 1, 1, 0, 0, 1, 1, 1, 0, np.nan, np.nan])
    (est,) = proportion(y, Design(np.ones(12)), min_n=0)
    assert est.n == 10
    assert est.se**2 == pytest.approx(12 / 11 * 10 * 0.24 / 100, abs=1e-15)
    # but the degrees of freedom count the PSUs that answered (samplics drops the rows): 10 − 1
    (wald,) = proportion(y, Design(np.ones(12)), ci="wald", min_n=0)
    assert wald.ci_high == pytest.approx(0.6 + stats.t.ppf(0.975, 9) * est.se, abs=1e-14)


def test_logit_wilson_and_wald_intervals_by_hand() -> None:
    y = np.array([1.0, 0, 1, 1, 0, 0, 1, 1, 1, 0])
    design = Design(np.ones(10))
    p, se, t = 0.6, math.sqrt(0.24 / 9), 2.262157162798205  # t: 97.5 % quantile with 9 df
    assert stats.t.ppf(0.975, 9) == pytest.approx(t, abs=1e-12)
    (logit,) = proportion(y, design, min_n=0)
    half = t * se / (p * (1 - p))
    low, high = 1 / (1 + math.exp(-(math.log(1.5) - half))), 1 / (1 + math.exp(-(math.log(1.5) + half)))
    assert (logit.ci_low, logit.ci_high) == pytest.approx((low, high), abs=1e-14)
    (wilson,) = proportion(y, design, ci="wilson", min_n=0)
    n = p * (1 - p) / se**2  # = 9
    centre, width = (
        (p + t * t / (2 * n)) / (1 + t * t / n),
        t / (1 + t * t / n) * math.sqrt(0.24 / n + t * t / (4 * n * n)),
    )
    assert (wilson.ci_low, wilson.ci_high) == pytest.approx((centre - width, centre + width), abs=1e-14)
    (wald,) = proportion(y, design, ci="wald", min_n=0)
    assert (wald.ci_low, wald.ci_high) == pytest.approx((p - t * se, p + t * se), abs=1e-14)
    (clipped,) = proportion(np.r_[np.ones(9), 0.0], design, ci="wald", min_n=0)
    assert clipped.ci_high == 1.0


def test_p_zero_interval_stays_in_zero_one() -> None:
    (est,) = proportion(np.zeros(20), Design(np.ones(20)))
    assert est.estimate == 0.0 and est.se == 0.0
    assert math.isnan(est.deff) and est.n_eff == 20.0
    t = stats.t.ppf(0.975, 19)
    assert est.ci_low == 0.0
    assert est.ci_high == pytest.approx(t * t / 20 / (1 + t * t / 20), abs=1e-14)  # Wilson with n = 20
    assert 0.0 < est.ci_high < 1.0
    (ones,) = proportion(np.ones(20), Design(np.ones(20)), ci="logit")
    assert ones.ci_high == 1.0 and 0.0 < ones.ci_low < 1.0


def test_mean_by_hand_with_fpc_deff() -> None:
    # Stratified, rows as PSUs, N_h given: V = Σ_h (1 − n_h/N_h) n_h/(n_h − 1) Σ (z_i − z̄_h)².
    y = np.array([2.0, 4, 3, 5, 1, 3])
    w = np.array([1.0, 1, 1, 2, 2, 2])
    stratum = np.array(["a", "a", "a", "b", "b", "b"])
    (est,) = mean(y, Design(w, stratum, stratum_size=np.array([6.0, 6, 6, 30, 30, 30])), min_n=0)
    ybar = float((w * y).sum() / w.sum())
    z = w * (y - ybar) / w.sum()
    v = sum(
        (1 - 3 / size) * 3 / 2 * float(((z[s] - z[s].mean()) ** 2).sum())
        for s, size in ((slice(0, 3), 6), (slice(3, 6), 30))
    )
    assert est.estimate == pytest.approx(ybar, abs=1e-15) and est.se == pytest.approx(math.sqrt(v), abs=1e-15)
    t = stats.t.ppf(0.975, 6 - 2)
    assert (est.ci_low, est.ci_high) == pytest.approx((ybar - t * est.se, ybar + t * est.se), abs=1e-14)
    s2 = 6 / 5 * float((w * (y - ybar) ** 2).sum() / w.sum())
    srs = s2 / 6 * (1 - 6 / w.sum())  # R svymean(deff=TRUE): N̂ = Σ w
    assert est.deff == pytest.approx(v / srs, rel=1e-12) and est.n_eff == pytest.approx(6 / est.deff, rel=1e-12)


def test_domains_sorted_blank_and_empty_groups_and_small_flag() -> None:
    y = np.array([1.0, 0, 1, np.nan, 1, 0])
    domain = np.array(["b", "a", "b", "c", None, "a"], dtype=object)
    groups = proportion(y, Design(np.ones(6)), domain=domain, min_n=2)
    assert [g.group for g in groups] == ["a", "b", "c"]
    a, b, c = groups
    assert (a.estimate, a.n, b.estimate, b.n) == (0.0, 2, 1.0, 2)
    assert c.n == 0 and math.isnan(c.estimate) and c.small
    assert not a.small and not b.small  # n = 2 = min_n; p = 0 or 1: no design effect measured, n_eff = n
    (big,) = proportion(np.r_[np.ones(20), np.zeros(20)], Design(np.ones(40)))
    assert not big.small and big.n == 40
    (few,) = proportion(np.r_[np.ones(10), np.zeros(10)], Design(np.ones(20)))
    assert few.small


def test_bad_answers_and_options_are_refused() -> None:
    design = Design(np.ones(3))
    with pytest.raises(SurveyError, match=r"0 or 1.*row\(s\) 2"):
        proportion([1, 2, 0], design)
    with pytest.raises(SurveyError, match=r"finite.*row\(s\) 3"):
        mean([1, 2, np.inf], design)
    with pytest.raises(SurveyError, match="2 answers for a design of 3 rows"):
        mean([1, 2], design)
    with pytest.raises(SurveyError, match="ci must be one of"):
        proportion([1, 0, 1], design, ci="exact")
    with pytest.raises(SurveyError, match="level must lie"):
        mean([1, 2, 3], design, level=95)


def test_post_stratify_by_hand() -> None:
    # cell a: 1 + 1 = 2 → total 10, factor 5; cell b: 2 + 4 = 6 → total 12, factor 2.
    adjusted = post_stratify([1.0, 2, 1, 4], ["a", "b", "a", "b"], {"a": 10.0, "b": 12.0})
    assert adjusted.tolist() == [5.0, 4.0, 5.0, 8.0]
    with pytest.raises(SurveyError, match="no population total for cell.*: b"):
        post_stratify([1.0, 2], ["a", "b"], {"a": 10.0})
    with pytest.raises(SurveyError, match="total ≤ 0 for: b"):
        post_stratify([1.0, 2], ["a", "b"], {"a": 10.0, "b": 0.0})
    with pytest.raises(SurveyError, match=r"no respondents in cell\(s\): c"):
        post_stratify([1.0, 2], ["a", "b"], {"a": 10.0, "b": 3.0, "c": 4.0})
    with pytest.raises(SurveyError, match=r"row\(s\) 2"):
        post_stratify([1.0, -2], ["a", "b"], {"a": 10.0, "b": 3.0})


def _interval(low: float, high: float) -> Estimate:
    return Estimate("total", (low + high) / 2, 0.01, low, high, 100, 1.0, 100.0, False)


def test_judge_three_outcomes_and_mirrors() -> None:
    assert judge(_interval(0.91, 0.95), ">=", 0.9) == "met"
    assert judge(_interval(0.80, 0.89), ">=", 0.9) == "not_met"
    assert judge(_interval(0.88, 0.93), ">=", 0.9) == "undetermined"
    assert judge(_interval(0.90, 0.93), ">=", 0.9) == "met"
    assert judge(_interval(0.90, 0.93), ">", 0.9) == "undetermined"
    assert judge(_interval(0.85, 0.90), ">", 0.9) == "not_met"
    assert judge(_interval(0.85, 0.90), ">=", 0.9) == "undetermined"
    assert judge(_interval(0.02, 0.04), "<=", 0.05) == "met"
    assert judge(_interval(0.06, 0.08), "<=", 0.05) == "not_met"
    assert judge(_interval(0.04, 0.06), "<", 0.05) == "undetermined"
    assert judge(_interval(0.02, 0.05), "<", 0.05) == "undetermined"
    assert judge(_interval(0.05, 0.07), "<", 0.05) == "not_met"
    assert judge(_interval(math.nan, math.nan), ">=", 0.5) == "undetermined"
    with pytest.raises(SurveyError, match="comparator must be one of"):
        judge(_interval(0.1, 0.2), "==", 0.1)
