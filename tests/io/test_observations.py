"""Validation of observation tables: how numbers may be written, counts, blank files and the cap on problems."""

from __future__ import annotations

import polars as pl
import pytest

from jundeng.domain.catalog import Indicator
from jundeng.io.numbers import count_rule, number_expr, parse_number
from jundeng.io.observations import ValidationContext, validate_table
from jundeng.io.tables import Table

INDICATORS = [
    Indicator(code="BEDS", name="每千人口床位数", domain="health", unit="张/千人"),
    Indicator(code="DOCTORS", name="全科医生数", domain="health", unit="人"),
    Indicator(code="MIGRANTS", name="流动人口", domain="health", unit="万人"),
    Indicator(code="NET_SCHOOLS", name="学校净增数", domain="edu", unit="所", valid_min=-50),
    Indicator(code="PER_CAPITA", name="人均体育场地面积", domain="sport", unit="个"),
]
HEADER = ["indicator", "region", "period", "value", "note"]


def context(previous: pl.DataFrame | None = None) -> ValidationContext:
    """The catalogue above, two districts, no dimensions."""
    return ValidationContext(
        indicators={i.code: i for i in INDICATORS}, regions={"440402", "440403"}, dimensions={}, previous=previous
    )


def table(*rows: list[str]) -> Table:
    """A table of ``rows`` under HEADER, numbered from spreadsheet row 2."""
    return Table("t.csv", HEADER, [list(r) for r in rows], list(range(2, len(rows) + 2)))


def one_value(text: str, indicator: str = "BEDS") -> tuple[float | None, list[str]]:
    """Validate one value; return the stored value (None when refused) and the error messages."""
    checked = validate_table(table([indicator, "440402", "2016", text, ""]), context())
    stored = checked.frame["value"].to_list()[0] if not checked.errors else None
    return stored, [f"{p.row}:{p.column}: {p.zh} / {p.en}" for p in checked.errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e309", "2:4: 不是有限的数值: '1e309' / not a finite number: '1e309'"),
        ("inf", "not a finite number: 'inf'"),
        ("-Infinity", "not a finite number: '-Infinity'"),
        ("NaN", "not a finite number: 'NaN'"),
        ("12,34", "2:4: 千位分隔符用法不对: '12,34'"),
        ("1,23,456", "misplaced thousands separator in '1,23,456'"),
        ("4 .1", "not a number: '4 .1'"),
        ("1_000", "not a number: '1_000'"),
        ("１２", "not a number: '１２'"),
        ("0x10", "not a number: '0x10'"),
    ],
)
def test_values_that_are_not_plain_finite_numbers_are_refused(text: str, expected: str) -> None:
    stored, errors = one_value(text)
    assert stored is None and len(errors) == 1 and expected in errors[0], errors


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234", 1234.0), ("1，234,567.5", 1234567.5), ("-1,000", -1000.0), (".5", 0.5), ("2.4e3", 2400.0), ("+7", 7.0)],
)
def test_standard_grouping_signs_and_exponents_are_numbers(text: str, value: float) -> None:
    assert one_value(text) == (value, [])


def test_the_scalar_and_the_column_rules_agree() -> None:
    texts = ["", "1", "-2.5", "1,234", "12,34", "1e309", "-inf", "NaN", "abc", "1.2.3", ".", "1e", "１", "1，000"]
    value, fault = number_expr(pl.col("t"))
    frame = pl.DataFrame({"t": texts}).select(value.alias("v"), fault.alias("f"))
    assert list(zip(frame["v"], frame["f"], strict=True)) == [parse_number(t) for t in texts]


@pytest.mark.parametrize(
    ("indicator", "text", "expected"),
    [
        ("DOCTORS", "-3", "2:4: 计数不能为负: -3 人 / a count cannot be negative: -3 人"),
        ("DOCTORS", "12.5", "2:4: 计数须为整数: 12.5 人 / a count must be a whole number: 12.5 人"),
        ("MIGRANTS", "-0.5", "a count cannot be negative: -0.5 万人"),
        ("NET_SCHOOLS", "2.5", "a count must be a whole number"),
    ],
)
def test_counts_are_whole_and_not_negative(indicator: str, text: str, expected: str) -> None:
    stored, errors = one_value(text, indicator)
    assert stored is None and len(errors) == 1 and expected in errors[0], errors


@pytest.mark.parametrize(
    ("indicator", "text"),
    [("DOCTORS", "12"), ("DOCTORS", "1,200"), ("MIGRANTS", "12.5"), ("NET_SCHOOLS", "-3"), ("PER_CAPITA", "-0.5")],
)
def test_quantities_declared_minimums_and_per_capita_values_are_not_counts(indicator: str, text: str) -> None:
    stored, errors = one_value(text, indicator)
    assert errors == [] and stored is not None


def test_count_rule_follows_the_indicator() -> None:
    rules = {i.code: count_rule(i) for i in INDICATORS}
    assert rules == {
        "BEDS": (False, False),
        "DOCTORS": (True, True),
        "MIGRANTS": (True, False),
        "NET_SCHOOLS": (False, True),
        "PER_CAPITA": (False, False),
    }


def test_a_table_of_blank_values_warns_and_checks_no_jumps() -> None:
    previous = pl.DataFrame(
        {"indicator": ["BEDS"], "region": ["440402"], "period": ["2015"], "disaggregation": [""], "value": [4.0]}
    )
    blank = table(["BEDS", "440402", "2016", "", "公式"], ["BEDS", "440403", "2016", " ", ""])
    checked = validate_table(blank, context(previous))
    assert checked.frame.is_empty() and checked.skipped_empty == 2 and not checked.errors
    assert [str(w) for w in checked.warnings] == [
        "t.csv:2:4: 警告 warning: 所有数据行的数值都为空：没有可导入的值 / "
        "every data row has an empty value: nothing to import"
    ]


def test_jumps_are_checked_when_some_rows_have_no_period() -> None:
    previous = pl.DataFrame(
        {"indicator": ["BEDS"], "region": ["440402"], "period": ["2015"], "disaggregation": [""], "value": [4.0]}
    )
    checked = validate_table(
        table(["BEDS", "440402", "2016", "9", ""], ["BEDS", "440403", "20x", "1", ""]), context(previous)
    )
    assert [(p.row, p.severity) for p in checked.problems] == [(3, "error"), (2, "warning")]


def test_problems_are_capped_with_one_line_counting_the_rest() -> None:
    rows = [[f"NOPE{i}", "440402", "2016", "abc", ""] for i in range(3000)]  # 6000 errors
    checked = validate_table(table(*rows), context())
    assert len(checked.problems) == 1001
    assert [p.row for p in checked.problems[:1000]] == list(range(2, 1002))
    summary = checked.problems[-1]
    assert (summary.file, summary.row, summary.severity) == ("t.csv", 0, "error")
    assert summary.en == "5000 more problems not listed (only the first 1000 are shown)"
