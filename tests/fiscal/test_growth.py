"""The growth check: spending growth must be higher than (高于) recurrent-revenue growth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from jundeng.fiscal import FiscalError, growth_check, growth_summary


@dataclass
class Row:
    region: str
    year: int
    spending: float
    revenue: float
    spending_growth: float
    revenue_growth: float
    ok: bool | None
    note: str


def rows(*records: tuple[str, int, float, float]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["region", "year", "spending", "revenue"])


def test_growth_boundaries() -> None:
    checks = growth_check(
        rows(
            ("A", 2021, 110, 105),  # out of order on purpose
            ("A", 2020, 100, 100),
            ("A", 2022, 121, 115.5),  # both +10 %: equal is a fail
            ("A", 2024, 130, 120),  # 2023 missing
            ("B", 2020, 100, 0),
            ("B", 2021, 100, 10),  # revenue 0 the year before
            ("B", 2022, 90, 9),  # both −10 %: fail
            ("B", 2023, 90, 8),  # spending flat, revenue falls: pass
        )
    )
    by = {
        (str(r["region"]), int(r["year"])): Row(**{str(k): v for k, v in r.items()})
        for r in checks.to_dict(orient="records")
    }
    assert by["A", 2020].ok is None and "first year" in by["A", 2020].note
    assert by["A", 2021].ok is True
    assert by["A", 2021].spending_growth == pytest.approx(0.10)
    assert by["A", 2021].revenue_growth == pytest.approx(0.05)
    assert by["A", 2022].ok is False
    assert by["A", 2024].ok is None and "previous year missing" in by["A", 2024].note
    assert by["B", 2021].ok is None and "revenue was 0" in by["B", 2021].note
    assert by["B", 2022].ok is False
    assert by["B", 2023].ok is True
    summary = growth_summary(checks).set_index("region")
    assert summary.loc["A", "years_failed"] == [2022]
    assert summary.loc["A", "years_undefined"] == [2020, 2024]
    assert summary["ok"].tolist() == [False, False] and summary.loc["B", "years_failed"] == [2022]
    assert summary.loc["B", "years_checked"] == 2


def test_a_region_with_one_year_is_not_judged() -> None:
    summary = growth_summary(growth_check(rows(("A", 2020, 1, 1))))
    assert summary["ok"].tolist() == [None] and summary["years_checked"].tolist() == [0]


def test_spending_zero_the_year_before_is_undefined() -> None:
    checks = growth_check(rows(("A", 2020, 0, 10), ("A", 2021, 5, 11)))
    assert checks["ok"].tolist() == [None, None] and "spending was 0" in checks["note"].iloc[1]


def test_bad_growth_input_is_refused() -> None:
    with pytest.raises(FiscalError, match="duplicate region and year: A 2020"):
        growth_check(rows(("A", 2020, 1, 1), ("A", 2020, 2, 2)))
    with pytest.raises(FiscalError, match="revenue must be non-negative"):
        growth_check(rows(("A", 2020, 1, -1)))
    with pytest.raises(FiscalError, match="missing required columns revenue"):
        growth_check(pd.DataFrame({"region": ["A"], "year": [2020], "spending": [1.0]}))
