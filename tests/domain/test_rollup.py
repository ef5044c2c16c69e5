"""Roll-up of town values to counties and the city, checked against hand-computed sums and ratios."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jundeng.domain.catalog import Aggregation, Indicator
from jundeng.domain.rollup import derive

REGIONS = pd.DataFrame(
    [
        ("C", "city", None, False, None),
        ("D1", "district", "C", False, None),
        ("D2", "district", "C", False, None),
        ("Z", "district", "C", True, None),
        ("T1", "town", "D1", False, "Z"),
        ("T2", "town", "D1", False, None),
        ("T3", "town", "D2", False, "Z"),
    ],
    columns=["code", "level", "parent", "functional_zone", "zone"],
)


def _values(rows: list[tuple[str, str, int, float, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "region", "year", "value", "numerator", "denominator"])


def _at(frame: pd.DataFrame, region: str, indicator: str = "X", year: int = 2020) -> pd.Series:
    found = frame[(frame["region"] == region) & (frame["indicator"] == indicator) & (frame["year"] == year)]
    assert len(found) == 1, found
    return found.iloc[0]


def test_sum_goes_up_every_level_and_through_the_zone_overlay() -> None:
    values = _values(
        [("X", "T1", 2020, 10, None, None), ("X", "T2", 2020, 20, None, None), ("X", "T3", 2020, 5, None, None)]
    )
    out = derive(values, REGIONS, {"X": Aggregation.SUM})
    assert _at(out, "D1")["value"] == 30 and bool(_at(out, "D1")["derived"])
    assert _at(out, "D2")["value"] == 5
    assert _at(out, "C")["value"] == 35  # the zone is not a child: each person is counted once
    assert _at(out, "Z")["value"] == 15  # T1 + T3, its own view
    assert not bool(_at(out, "T1")["derived"])


def test_a_reported_value_is_never_overridden() -> None:
    values = _values(
        [("X", "T1", 2020, 10, None, None), ("X", "T2", 2020, 20, None, None), ("X", "D1", 2020, 99, None, None)]
    )
    out = derive(values, REGIONS, {"X": Aggregation.SUM})
    assert _at(out, "D1")["value"] == 99 and not bool(_at(out, "D1")["derived"])


def test_nothing_is_derived_from_part_of_the_children() -> None:
    values = _values([("X", "T1", 2020, 10, None, None)])
    out = derive(values, REGIONS, {"X": Aggregation.SUM})
    assert set(out["region"]) == {"T1"}


def test_ratio_sums_numerators_and_denominators() -> None:
    values = _values([("X", "T1", 2020, 50.0, 1, 2), ("X", "T2", 2020, 90.0, 9, 10), ("X", "T3", 2020, 100.0, 3, 3)])
    out = derive(values, REGIONS, {"X": Aggregation.RATIO}, scales={"X": 100.0})
    assert _at(out, "D1")["value"] == pytest.approx(100 * 10 / 12)  # not the mean of 50 and 90
    assert _at(out, "C")["value"] == pytest.approx(100 * 13 / 15)
    assert _at(out, "C")["numerator"] == 13


def test_mean_is_weighted_by_resident_population() -> None:
    values = _values([("X", "T1", 2020, 10, None, None), ("X", "T2", 2020, 40, None, None)])
    population = pd.DataFrame({"region": ["T1", "T2"], "year": [2020, 2020], "resident": [3000.0, 1000.0]})
    out = derive(values, REGIONS, {"X": Aggregation.MEAN}, population=population)
    assert _at(out, "D1")["value"] == pytest.approx((10 * 3000 + 40 * 1000) / 4000)
    without = derive(values, REGIONS, {"X": Aggregation.MEAN})
    assert "D1" not in set(without["region"])  # no weights, no mean


def test_none_never_derives_and_default_rules_follow_the_unit() -> None:
    values = _values([("X", "T1", 2020, 10, None, None), ("X", "T2", 2020, 20, None, None)])
    assert set(derive(values, REGIONS, {"X": Aggregation.NONE})["region"]) == {"T1", "T2"}
    count = Indicator(code="A", name="新增就业", domain="d", unit="人")
    rate = Indicator(code="B", name="参保率", domain="d", unit="%", numerator="参保", denominator="应保")
    plain = Indicator(code="C", name="巩固率", domain="d", unit="%")
    assert (count.rollup, rate.rollup, plain.rollup) == (Aggregation.SUM, Aggregation.RATIO, Aggregation.NONE)
    assert (
        Indicator(code="E", name="低保标准", domain="d", unit="元", aggregation="weighted_mean").rollup
        is Aggregation.MEAN
    )


def test_years_are_derived_separately() -> None:
    values = _values(
        [("X", "T1", 2019, 1, None, None), ("X", "T2", 2019, 2, None, None), ("X", "T1", 2020, 3, None, None)]
    )
    out = derive(values, REGIONS, {"X": Aggregation.SUM})
    assert _at(out, "D1", year=2019)["value"] == 3
    assert not ((out["region"] == "D1") & (out["year"] == 2020)).any()
    assert math.isnan(float(_at(out, "D1", year=2019)["numerator"]))


def test_mean_up_two_levels_uses_the_towns_summed_population() -> None:
    """Population reported for the towns only: the city's mean weights each county by the sum of its towns."""
    values = _values(
        [("X", "T1", 2020, 10, None, None), ("X", "T2", 2020, 40, None, None), ("X", "T3", 2020, 20, None, None)]
    )
    population = pd.DataFrame({"region": ["T1", "T2", "T3"], "year": 2020, "resident": [3000.0, 1000.0, 4000.0]})
    out = derive(values, REGIONS, {"X": Aggregation.MEAN}, population=population)
    assert _at(out, "C")["value"] == pytest.approx((10 * 3000 + 40 * 1000 + 20 * 4000) / 8000)
