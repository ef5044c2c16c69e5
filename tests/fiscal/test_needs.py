"""Standard need and fiscal gap, by hand, and the districts' input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jundeng.errors import JundengError
from jundeng.fiscal import (
    Districts,
    FiscalError,
    districts_from_frame,
    fiscal_gap,
    needs_table,
    standard_need,
    unit_cost_vector,
)

COSTS = {"dibao": 8280.0, "school": 1000.0}


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["A", "B"],
            "population": [1000.0, 500.0],
            "capacity": [50_000.0, 70_000.0],
            "cost_index": [1.0, 1.5],
            "dibao": [10.0, 5.0],
            "school": [20.0, 0.0],
        }
    )


def test_need_is_cost_index_times_unit_costs_times_eligible() -> None:
    need = standard_need([[10, 20], [5, 0]], [8280, 1000], [1.0, 1.5])
    assert need.tolist() == [10 * 8280 + 20 * 1000, 1.5 * 5 * 8280]  # 102,800 and 62,100


def test_need_without_cost_index_is_plain_cost() -> None:
    assert standard_need([[2, 3]], [10, 100]).tolist() == [320.0]


def test_gap_is_need_above_capacity_never_negative() -> None:
    assert fiscal_gap([102_800, 62_100, 10], [50_000, 70_000, 10]).tolist() == [52_800, 0, 0]


def test_needs_table_from_a_frame() -> None:
    table = needs_table(districts_from_frame(frame()), COSTS)
    assert table["need"].tolist() == [102_800, 62_100]
    assert table["gap"].tolist() == [52_800, 0]
    assert table["need_per_capita"].tolist() == [102.8, 124.2]
    assert table["coverage"].iloc[0] == pytest.approx(50_000 / 102_800)


def test_cost_index_defaults_to_one() -> None:
    data = frame().drop(columns="cost_index")
    assert needs_table(districts_from_frame(data), COSTS)["need"].tolist() == [102_800, 41_400]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("population", -1.0, "negative or missing population"),
        ("population", 0.0, "zero population"),
        ("capacity", -5.0, "negative or missing capacity"),
        ("dibao", -2.0, "negative or missing eligible"),
        ("cost_index", 0.0, "cost index must be > 0"),
    ],
)
def test_bad_districts_are_refused_naming_the_region(column: str, value: float, words: str) -> None:
    data = frame()
    data.loc[1, column] = value
    with pytest.raises(FiscalError) as refused:
        districts_from_frame(data)
    assert words in refused.value.en and "B" in refused.value.en
    assert isinstance(refused.value, JundengError) and refused.value.location == "region B"


def test_unknown_item_and_missing_cost_are_refused() -> None:
    with pytest.raises(FiscalError, match="unknown.*school"):
        unit_cost_vector(["dibao", "school"], {"dibao": 1.0})
    with pytest.raises(FiscalError, match="missing or negative unit cost: dibao"):
        unit_cost_vector(["dibao"], {"dibao": float("nan")})
    with pytest.raises(FiscalError, match="unknown"):
        needs_table(districts_from_frame(frame()), {"dibao": 1.0})


def test_districts_need_one_value_each() -> None:
    with pytest.raises(FiscalError):
        Districts(["A"], np.ones(2), np.ones(1), np.ones(1), [], np.zeros((1, 0)))
    with pytest.raises(FiscalError, match="no districts"):
        Districts([], np.ones(0), np.ones(0), np.ones(0), [], np.zeros((0, 0)))


def test_the_districts_own_need_by_spending_responsibility() -> None:
    # the city pays half of dibao and none of school: A 10×8,280×0.5 + 20×1,000 = 61,400; B 1.5×5×8,280×0.5
    table = needs_table(districts_from_frame(frame()), COSTS, {"dibao": 0.5})
    assert table["need_district"].tolist() == [61_400.0, 31_050.0]
    assert table["need_city"].tolist() == [41_400.0, 31_050.0]
    assert table["gap"].tolist() == [52_800.0, 0.0]  # on the whole need by default
    own = needs_table(districts_from_frame(frame()), COSTS, {"dibao": 0.5}, basis="district")
    assert own["gap"].tolist() == [11_400.0, 0.0]  # 61,400 − 50,000: the city funds its half directly
    assert own["coverage"].tolist() == pytest.approx([50_000 / 61_400, 70_000 / 31_050])


def test_a_city_share_outside_zero_one_and_an_unknown_basis_are_refused() -> None:
    with pytest.raises(FiscalError, match="between 0 and 1: dibao"):
        needs_table(districts_from_frame(frame()), COSTS, {"dibao": 1.5})
    with pytest.raises(FiscalError, match="basis must be total or district"):
        needs_table(districts_from_frame(frame()), COSTS, basis="city")
