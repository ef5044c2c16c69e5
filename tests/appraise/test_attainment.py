"""Target attainment: status, progress, required pace and projection on hand-computed cases; roll-ups."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jundeng.appraise.attainment import COLUMNS, STATUS_ZH, Thresholds, attainment, rollup
from jundeng.appraise.cascade import cascade_targets
from jundeng.measure._inputs import MeasureError

NAN = math.nan
YEAR = 2024  # the appraisal year of every case below


class Case(NamedTuple):
    code: str
    comparator: str
    target: float | tuple[float, float]  # value, or (low, high) for a range
    target_year: int
    baseline: tuple[float, float]  # (baseline_year, baseline_value), NaN when the target gives none
    history: dict[int, float]  # year → observed value
    status: str
    expect: dict[str, Any]  # further columns, computed by hand in the comment above each case


NB = (NAN, NAN)
CASES = [
    # ≥80 by 2025 from 60 in 2020; 82 in 2024 meets it. A = (82−60)/(80−60) = 1.1, E = 4/5 = 0.8, R = 1.375
    Case("ge_met", ">=", 80, 2025, (2020, 60), {2020: 60, 2024: 82}, "achieved",
         {"met": True, "actual_progress": 1.1, "expected_progress": 0.8, "progress_ratio": 1.375,
          "distance_to_target": 0.0, "required_annual_rate": 0.0, "required_cagr": 0.0}),
    # ≥80 by 2030 from 50 in 2020; 62 in 2024. E = 4/10 = 0.4, A = 12/30 = 0.4, R = 1 ≥ 0.95 → on track.
    # still to go 18 in 6 years: 3/yr, (80/62)^(1/6) − 1; OLS slope (−2·−6 + 2·6)/8 = 3 → 56 + 3·8 = 80
    Case("ge_on_track", ">=", 80, 2030, (2020, 50), {2020: 50, 2022: 56, 2024: 62}, "on_track",
         {"expected_progress": 0.4, "actual_progress": 0.4, "progress_ratio": 1.0, "distance_to_target": 18.0,
          "required_annual_rate": 3.0, "required_cagr": (80 / 62) ** (1 / 6) - 1, "projection": 80.0,
          "projected_met": True}),
    # ≥80 by 2030 from 50 in 2020; 54 in 2024. A = 4/30, R = (4/30)/0.4 = 1/3; trend 1/yr → 60 in 2030 → off track
    Case("ge_off_track", ">=", 80, 2030, (2020, 50), {2020: 50, 2024: 54}, "off_track",
         {"actual_progress": 4 / 30, "progress_ratio": 1 / 3, "projection": 60.0, "projected_met": False,
          "distance_to_target": 26.0, "required_annual_rate": 26 / 6}),
    # ≥80 by 2030 from 50 in 2014: E = 10/16 = 0.625, A = 10/30, R = 0.533 < 0.95, but the recent trend
    # (5/yr from 60 in 2024) projects 90 in 2030 ≥ 80 → on track by projection
    Case("ge_projection", ">=", 80, 2030, (2014, 50), {2022: 50, 2023: 55, 2024: 60}, "on_track",
         {"expected_progress": 0.625, "progress_ratio": (10 / 30) / 0.625, "projection": 90.0, "projected_met": True}),
    # ≥80 by 2030 from 50 in 2020, down to 45: A = −5/30 < 0 → worsening
    Case("ge_worsening", ">=", 80, 2030, (2020, 50), {2020: 50, 2024: 45}, "worsening",
         {"actual_progress": -5 / 30, "distance_to_target": 35.0}),
    # ≥80 by 2023 (deadline passed): E = clip(4/3) = 1, A = 28/30; not met → off track; no years left → rate NaN;
    # OLS through (2020, 50), (2024, 78): slope 7 → 71 at 2023. Binding (see INDICATORS) → binding_missed
    Case("ge_deadline", ">=", 80, 2023, (2020, 50), {2020: 50, 2024: 78}, "off_track",
         {"expected_progress": 1.0, "actual_progress": 28 / 30, "required_annual_rate": NAN, "projection": 71.0,
          "binding": True, "binding_missed": True}),
    # >80: 81 meets it
    Case("gt_met", ">", 80, 2026, (2020, 70), {2024: 81}, "achieved", {"met": True, "distance_to_target": 0.0}),
    # >80: exactly 80 does not; A = (80−70)/(80−70) = 1, E = 4/6 → on track; distance 0 at the boundary
    Case("gt_boundary", ">", 80, 2026, (2020, 70), {2024: 80}, "on_track",
         {"met": False, "actual_progress": 1.0, "progress_ratio": 1.5, "distance_to_target": 0.0}),
    # ≤15 pupils per teacher by 2025 from 18 in 2020; 14.5 in 2024: met, A = (14.5−18)/(15−18) = 7/6
    Case("le_met", "<=", 15, 2025, (2020, 18), {2024: 14.5}, "achieved", {"actual_progress": 7 / 6}),
    # ≤15 by 2030 from 20 in 2020; 18 in 2024: A = −2/−5 = 0.4 = E → on track; needs −0.5/yr,
    # (15/18)^(1/6) − 1 a year; trend −0.5/yr → 15 in 2030 ≤ 15
    Case("le_on_track", "<=", 15, 2030, (2020, 20), {2020: 20, 2024: 18}, "on_track",
         {"actual_progress": 0.4, "progress_ratio": 1.0, "distance_to_target": 3.0, "required_annual_rate": -0.5,
          "required_cagr": (15 / 18) ** (1 / 6) - 1, "projection": 15.0, "projected_met": True}),
    # <10 by 2030 from 12 in 2020, up to 13: A = (13−12)/(10−12) = −0.5 → worsening
    Case("lt_worsening", "<", 10, 2030, (2020, 12), {2020: 12, 2024: 13}, "worsening", {"actual_progress": -0.5}),
    # <10 by 2022 (passed) from 12; 11 in 2024: A = 0.5, not met, deadline passed → off track
    Case("lt_deadline", "<", 10, 2022, (2020, 12), {2024: 11}, "off_track",
         {"actual_progress": 0.5, "distance_to_target": 1.0, "binding_missed": True}),
    # =100 by 2025: 99.6 is within 0.5% of 100 → met, distance 0
    Case("eq_met", "=", 100, 2025, (2020, 90), {2024: 99.6}, "achieved", {"met": True, "distance_to_target": 0.0}),
    # =100 by 2030 from 90; 95: A = 1 − 5/10 = 0.5, E = 0.4, R = 1.25 → on track
    Case("eq_on_track", "=", 100, 2030, (2020, 90), {2024: 95}, "on_track",
         {"actual_progress": 0.5, "progress_ratio": 1.25, "distance_to_target": 5.0, "required_annual_rate": 5 / 6}),
    # =100 by 2030 from 90; overshoot to 112: gap 12 > 10 → A = 1 − 12/10 = −0.2 → worsening
    Case("eq_overshoot", "=", 100, 2030, (2020, 90), {2024: 112}, "worsening",
         {"actual_progress": -0.2, "distance_to_target": 12.0, "required_annual_rate": -2.0}),
    # range 3–4 km: 3.5 is inside
    Case("range_met", "range", (3, 4), 2025, NB, {2022: 5, 2024: 3.5}, "achieved", {"target": "3–4"}),
    # range 3–4 by 2030 from 8 in 2020; 7 in 2024: gaps 4 → 3, A = 0.25, R = 0.625; trend −0.25/yr → 5.5 in 2030,
    # outside → off track; nearest bound 4: (4 − 7)/6 = −0.5/yr
    Case("range_off_track", "range", (3, 4), 2030, (2020, 8), {2020: 8, 2024: 7}, "off_track",
         {"actual_progress": 0.25, "progress_ratio": 0.625, "projection": 5.5, "distance_to_target": 3.0,
          "required_annual_rate": -0.5}),
    # range 3–4 from 3.5 (inside) to 4.5: the baseline met it, the actual does not → worsening, A undefined
    Case("range_worsening", "range", (3, 4), 2030, (2020, 3.5), {2024: 4.5}, "worsening",
         {"actual_progress": NAN, "distance_to_target": 0.5}),
    # no observation at all, and one only after the appraisal year
    Case("none", ">=", 80, 2030, (2020, 50), {}, "no_data", {"actual": NAN, "met": False, "baseline_source": "target",
                                                                  "binding": True, "binding_missed": False}),
    Case("later", ">=", 80, 2030, NB, {2025: 90}, "no_data", {"baseline_source": "none", "binding_missed": False}),
    # no baseline: the earliest observation (40 in 2018) stands in. E = 6/12, A = 12/30 = 0.4, R = 0.8;
    # OLS slope 2 → 46 + 2·9 = 64 < 70 → off track
    Case("no_baseline", ">=", 70, 2030, NB, {2018: 40, 2021: 46, 2024: 52}, "off_track",
         {"baseline_year": 2018, "baseline_value": 40.0, "baseline_source": "observed", "expected_progress": 0.5,
          "progress_ratio": 0.8, "projection": 64.0}),
    # baseline year without value: the 2021 observation (46). E = 3/9, A = 6/24 = 0.25
    Case("baseline_year_only", ">=", 70, 2030, (2021, NAN), {2018: 40, 2021: 46, 2024: 52}, "off_track",
         {"baseline_year": 2021, "baseline_value": 46.0, "expected_progress": 1 / 3, "actual_progress": 0.25}),
    # a single observation and no baseline: no progress, no projection → off track; rate (80 − 50)/6 = 5
    Case("single_no_baseline", ">=", 80, 2030, NB, {2024: 50}, "off_track",
         {"baseline_source": "none", "actual_progress": NAN, "projection": NAN, "required_annual_rate": 5.0}),
    # a single observation with the target's baseline 40 in 2020: A = 0.5, R = 1.25; line through
    # (2020, 40) and (2024, 60) → 90 in 2030
    Case("single_baseline", ">=", 80, 2030, (2020, 40), {2024: 60}, "on_track",
         {"actual_progress": 0.5, "progress_ratio": 1.25, "projection": 90.0}),
    # baseline year = appraisal year: nothing due yet (E = 0) → on track
    Case("nothing_due", ">=", 80, 2030, (2024, 50), {2024: 50}, "on_track",
         {"expected_progress": 0.0, "progress_ratio": NAN}),
]  # fmt: skip

INDICATORS = pd.DataFrame(
    {
        "code": ["ge_deadline", "lt_deadline", "eq_on_track", "none"],
        "direction": ["higher", "lower", "higher", "higher"],
        "kind": ["binding", "binding", "expected", "binding"],  # a binding target without data is not "missed"
        "domain": ["edu", "health", "edu", "edu"],
        "lead_unit": ["教育局", "卫健局", np.nan, np.nan],
    }
)


def frames(cases: list[Case], region: str = "440402") -> tuple[pd.DataFrame, pd.DataFrame]:
    obs = [(c.code, region, y, v) for c in cases for y, v in c.history.items()]
    targets = []
    for c in cases:
        low, high = c.target if isinstance(c.target, tuple) else (NAN, NAN)
        value = NAN if isinstance(c.target, tuple) else c.target
        targets.append((c.code, region, c.target_year, c.comparator, value, low, high, *c.baseline))
    return (
        pd.DataFrame(obs, columns=["indicator", "region", "year", "value"]),
        pd.DataFrame(
            targets,
            columns=[
                "indicator",
                "region",
                "year",
                "comparator",
                "value",
                "low",
                "high",
                "baseline_year",
                "baseline_value",
            ],
        ),  # fmt: skip
    )


def check(row: Any, name: str, expected: Any) -> None:
    got = row[name]
    if isinstance(expected, float) and math.isnan(expected):
        assert pd.isna(got), name
    elif isinstance(expected, float):
        assert got == pytest.approx(expected), name
    else:
        assert got == expected, name


@pytest.fixture(scope="module")
def result() -> pd.DataFrame:
    obs, targets = frames(CASES)
    return attainment(obs, targets, YEAR, indicators=INDICATORS).set_index("indicator")


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_hand_computed_case(result: pd.DataFrame, case: Case) -> None:
    row = result.loc[case.code]
    assert row["status"] == case.status
    assert row["status_zh"] == STATUS_ZH[case.status]
    for name, expected in case.expect.items():
        check(row, name, expected)
    if case.status != "no_data":
        last = max(y for y in case.history if y <= YEAR)
        assert row["actual"] == case.history[last] and row["actual_year"] == last


def test_columns_and_metadata(result: pd.DataFrame) -> None:
    assert list(result.reset_index().columns) == COLUMNS
    assert result.loc["ge_deadline", "domain"] == "edu" and result.loc["lt_deadline", "lead_unit"] == "卫健局"
    assert result.loc["eq_on_track", "direction"] == "higher"  # from the indicator table
    assert result.loc["le_met", "direction"] == "lower" and result.loc["range_met", "direction"] == "band"
    assert not result.loc["le_met", "binding"] and result["domain"].isna()["le_met"]
    assert result["binding_missed"].sum() == 2
    assert result.loc["ge_met", "target"] == 80.0 and result.loc["range_met", "target"] == "3–4"
    for col in ("met", "projected_met", "binding", "binding_missed"):
        assert result[col].dtype == bool


def test_without_indicators_and_tolerance() -> None:
    obs, targets = frames([c for c in CASES if c.code in ("ge_deadline", "eq_met")])
    plain = attainment(obs, targets, YEAR).set_index("indicator")
    assert not plain["binding"].any() and not plain["binding_missed"].any()
    assert plain.loc["eq_met", "direction"] == "band"
    strict = attainment(obs, targets, YEAR, thresholds=Thresholds(equal_tolerance=0.001)).set_index("indicator")
    assert strict.loc["eq_met", "status"] == "on_track"  # 99.6 is 0.4% off: outside 0.1%
    assert strict.loc["eq_met", "distance_to_target"] == pytest.approx(0.4)


def test_on_track_threshold_and_trend_points() -> None:
    obs, targets = frames([c for c in CASES if c.code == "ge_off_track"])
    assert attainment(obs, targets, YEAR, thresholds=Thresholds(on_track=0.3))["status"].iat[0] == "on_track"
    # with 3 points needed, 2 observations give the line through baseline (2020, 50) and actual: the same 60
    three = attainment(obs, targets, YEAR, thresholds=Thresholds(min_points_for_trend=3))
    assert three["projection"].iat[0] == pytest.approx(60.0)


def test_regions_and_years_are_matched() -> None:
    obs = pd.DataFrame({"indicator": ["x", "x"], "region": ["a", "b"], "year": [2024, 2024], "value": [90.0, 10.0]})
    targets = pd.DataFrame(
        {"indicator": ["x", "x"], "region": ["a", "b"], "year": [2030, 2030], "comparator": ["≥", "≥"], "value": 80}
    )
    out = attainment(obs, targets, 2024)
    assert out["status"].tolist() == ["achieved", "off_track"] and out["comparator"].tolist() == [">=", ">="]
    assert attainment(obs, targets, 2023)["status"].tolist() == ["no_data", "no_data"]


def test_empty_targets() -> None:
    obs, targets = frames(CASES[:1])
    out = attainment(obs, targets.iloc[:0], YEAR)
    assert out.empty and list(out.columns) == COLUMNS


def test_rollup_counts_and_rates() -> None:
    result = pd.DataFrame(
        {
            "domain": ["edu", "edu", "edu", "edu", "health", "health", np.nan],
            "status": ["achieved", "on_track", "off_track", "no_data", "worsening", "achieved", "no_data"],
            "binding_missed": [False, False, True, False, True, False, False],
        }
    )
    out = rollup(result, "domain").set_index("domain", drop=False)
    edu = out.loc["edu"]
    # edu: 4 targets, 3 with data; 1 achieved → 1/3; achieved + on track → 2/3
    assert (edu["targets"], edu["with_data"], edu["achieved"], edu["on_track"], edu["off_track"]) == (4, 3, 1, 1, 1)
    assert edu["attainment_rate"] == pytest.approx(1 / 3) and edu["on_track_rate"] == pytest.approx(2 / 3)
    assert edu["binding_missed"] == 1 and edu["no_data"] == 1
    health = out.loc["health"]
    assert (health["worsening"], health["attainment_rate"], health["on_track_rate"]) == (1, 0.5, 0.5)
    nan_group = out[out["domain"].isna()].iloc[0]
    assert nan_group["with_data"] == 0 and math.isnan(nan_group["attainment_rate"])
    assert list(out.columns[1:]) == [
        "targets", "with_data", "achieved", "on_track", "off_track", "worsening", "no_data",
        "attainment_rate", "on_track_rate", "binding_missed",
    ]  # fmt: skip


def test_rollup_of_a_real_result(result: pd.DataFrame) -> None:
    by_region = rollup(result.reset_index(), ["region"])
    assert by_region["targets"].iat[0] == len(CASES)
    assert by_region["no_data"].iat[0] == 2 and by_region["with_data"].iat[0] == len(CASES) - 2
    with pytest.raises(MeasureError, match="nope"):
        rollup(result, "nope")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o, t: (o.drop(columns="value"), t), "value"),
        (lambda o, t: (o, t.drop(columns="comparator")), "comparator"),
        (lambda o, t: (o, t.assign(comparator="≈")), "unknown comparators"),
        (lambda o, t: (o, t.assign(comparator="range", low=5, high=4)), "low <= high"),
        (lambda o, t: (o, t.assign(value=NAN)), "no value"),
        (lambda o, t: (pd.concat([o, o]), t), "several observations"),
        (lambda o, t: (o.assign(value="many"), t), "not numeric"),
        (lambda o, t: (o.assign(year=2020.5), t), "whole years"),
        (lambda o, t: (o, t.assign(baseline_year=2040)), "after its target year"),
    ],
)
def test_bad_inputs(change: Any, message: str) -> None:
    obs, targets = change(*frames(CASES[:2]))
    with pytest.raises(MeasureError, match=message) as err:
        attainment(obs, targets, YEAR)
    assert err.value.zh and err.value.en


def test_bad_indicators_and_thresholds() -> None:
    obs, targets = frames(CASES[:1])
    with pytest.raises(MeasureError, match="code"):
        attainment(obs, targets, YEAR, indicators=pd.DataFrame({"name": ["x"]}))
    with pytest.raises(MeasureError, match="direction"):
        attainment(obs, targets, YEAR, indicators=pd.DataFrame({"code": ["ge_met"], "direction": ["up"]}))
    with pytest.raises(MeasureError, match="repeat"):
        attainment(obs, targets, YEAR, indicators=pd.DataFrame({"code": ["a", "a"]}))
    for bad in ({"on_track": 0}, {"equal_tolerance": -1}, {"min_points_for_trend": 1}):
        with pytest.raises(MeasureError):
            Thresholds(**bad)


# --- properties -------------------------------------------------------------------------------------------------

RANK = {"worsening": 0, "off_track": 1, "on_track": 2, "achieved": 3}
values = st.integers(0, 200).map(float)


@st.composite
def one_sided(draw: st.DrawFn) -> tuple[Case, float]:
    """A ≥/>/≤/< target with a history, and a fraction by which the latest value moves towards the target."""
    comparator = draw(st.sampled_from([">=", ">", "<=", "<"]))
    years = sorted(draw(st.sets(st.integers(2015, 2024), min_size=1, max_size=5)))
    history = {y: draw(values) for y in years}
    baseline = draw(st.sampled_from([NB, (2015.0, draw(values))]))
    case = Case("p", comparator, draw(values), draw(st.integers(2016, 2030)), baseline, history, "", {})
    return case, draw(st.sampled_from([0.25, 0.5, 1.0, 2.0]))


def appraise(case: Case) -> pd.Series:
    return attainment(*frames([case]), YEAR).iloc[0]


@given(one_sided())
def test_moving_towards_the_target_never_worsens_the_status(drawn: tuple[Case, float]) -> None:
    case, fraction = drawn
    last = max(case.history)
    actual, target = case.history[last], float(case.target)  # type: ignore[arg-type]
    before = appraise(case)
    if before["met"]:
        return
    up = 1.0 if case.comparator in (">=", ">") else -1.0
    step = up * max(1.0, round(abs(target - actual) * fraction))  # whole units, possibly past the target
    after = appraise(case._replace(history={**case.history, last: actual + step}))
    assert RANK[after["status"]] >= RANK[before["status"]]
    assert after["distance_to_target"] <= before["distance_to_target"]


@given(
    st.sampled_from([">=", ">", "<=", "<", "=", "range"]),
    values,
    values,
    st.dictionaries(st.integers(2015, 2024), values, min_size=1, max_size=4),
)
def test_a_met_target_is_achieved_with_no_distance(
    comparator: str, a: float, b: float, history: dict[int, float]
) -> None:
    target: float | tuple[float, float] = (min(a, b), max(a, b)) if comparator == "range" else a
    row = appraise(Case("p", comparator, target, 2030, NB, history, "", {}))
    assert row["met"] == (row["status"] == "achieved")
    if row["met"]:
        assert row["distance_to_target"] == 0 and row["required_annual_rate"] == 0
    else:
        assert row["status"] in ("on_track", "off_track", "worsening")
    assert row["expected_progress"] >= 0 or pd.isna(row["expected_progress"])


@given(values, values, st.integers(1, 40))
def test_band_targets_are_met_inside(low: float, width: float, inside: int) -> None:
    case = Case("p", "range", (low, low + width), 2030, NB, {2024: low + width * inside / 40}, "", {})
    assert appraise(case)["status"] == "achieved"
    point = Case("p", "=", low + 1, 2030, NB, {2024: (low + 1) * 1.004}, "", {})
    assert appraise(point)["status"] == "achieved"


def test_targets_cascade_only_down_their_own_subtree() -> None:
    """Two cities in one database: a city's targets never reach the other city's districts (issue 12)."""
    parents = {"420000": None, "420800": "420000", "420802": "420800", "440700": None, "440703": "440700"}
    targets = pd.DataFrame(
        [
            {"indicator": "GER", "region": "420800", "year": 2020, "value": 95.0},  # 荆门市
            {"indicator": "GER", "region": "420000", "year": 2020, "value": 90.0},  # 湖北省
            {"indicator": "BEDS", "region": "420000", "year": 2020, "value": 5.0},
            {"indicator": "GER", "region": "440703", "year": 2020, "value": 99.0},  # 蓬江区's own
            {"indicator": "SCHOOLS", "region": "420800", "year": 2020, "value": 12.0},  # a count
        ]
    )
    goals = cascade_targets(targets, ["420802", "440703"], parents=parents, additive=["SCHOOLS"])
    got = {(r.region, r.indicator): r.value for r in goals.itertuples()}
    assert got == {
        ("420802", "GER"): 95.0,  # the nearest ancestor's (the city's, not the province's)
        ("420802", "BEDS"): 5.0,  # the province's, where the city set none
        ("440703", "GER"): 99.0,  # its own; nothing from Hubei
    }


def test_a_cumulative_target_is_judged_on_the_period_sum_not_one_year() -> None:
    """十三五期间新增就业20万人: 4.1 + 4.3 + 4.0 by 2018 is on track (3 of 5 years, 12.4 of 20), not worsening."""
    observations = pd.DataFrame(
        {"indicator": "EMP", "region": "C", "year": [2015, 2016, 2017, 2018], "value": [4.5, 4.1, 4.3, 4.0]}
    )
    target = {"indicator": "EMP", "region": "C", "year": 2020, "comparator": ">=", "value": 20.0}
    as_value = attainment(observations, pd.DataFrame([target]), 2018)
    assert as_value["status"].iat[0] in ("worsening", "off_track")  # one year's 4.0 against 20
    row = attainment(observations, pd.DataFrame([{**target, "kind": "cumulative", "start_year": 2016}]), 2018).iloc[0]
    assert row["actual"] == pytest.approx(12.4)  # 2015 is before the period
    assert row["expected_progress"] == pytest.approx(3 / 5)
    assert row["actual_progress"] == pytest.approx(12.4 / 20)
    assert row["status"] == "on_track"
    assert row["required_annual_rate"] == pytest.approx((20 - 12.4) / 2)
    late = attainment(observations, pd.DataFrame([{**target, "kind": "cumulative", "start_year": 2016}]), 2020)
    assert late["status"].iat[0] == "off_track"  # the period is over, 12.4 < 20
    gap = observations[observations["year"] != 2017]
    holes = attainment(gap, pd.DataFrame([{**target, "kind": "cumulative", "start_year": 2016}]), 2018)
    assert holes["missing_years"].iat[0] == "2017"


def test_an_average_target_is_not_achieved_before_its_period_ends() -> None:
    observations = pd.DataFrame({"indicator": "R", "region": "C", "year": [2016, 2017], "value": [96.0, 98.0]})
    target = {"indicator": "R", "region": "C", "year": 2020, "comparator": ">=", "value": 95.0}
    target |= {"kind": "average", "start_year": 2016}
    early = attainment(observations, pd.DataFrame([target]), 2017).iloc[0]
    assert early["actual"] == pytest.approx(97.0) and early["status"] == "on_track"
    done = attainment(observations, pd.DataFrame([{**target, "year": 2017}]), 2017).iloc[0]
    assert done["status"] == "achieved"
    low = attainment(observations, pd.DataFrame([{**target, "value": 97.5}]), 2017).iloc[0]
    assert not low["met"] and low["actual"] == pytest.approx(97.0)


def test_derived_actuals_are_marked() -> None:
    observations = pd.DataFrame(
        {"indicator": "X", "region": "C", "year": [2019, 2020], "value": [1.0, 2.0], "derived": [False, True]}
    )
    target = pd.DataFrame([{"indicator": "X", "region": "C", "year": 2020, "comparator": ">=", "value": 2.0}])
    assert bool(attainment(observations, target, 2020)["derived"].iat[0])
    assert not bool(attainment(observations, target, 2019)["derived"].iat[0])
