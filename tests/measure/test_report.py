"""The standard gap table: values, missing data, zeros, intervals, floors and targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jundeng.measure import MeasureError, cv, decompose, gini, theil
from jundeng.measure.report import gap_report


def test_report_values_equal_the_engine_functions(frame: pd.DataFrame) -> None:
    report = gap_report(frame, "value", "pop", by=["district", "urban_rural"])
    summary = report.summary.set_index("measure")["value"]
    assert summary["gini"] == pytest.approx(gini(frame["value"], frame["pop"]), abs=1e-14)
    assert summary["theil"] == pytest.approx(theil(frame["value"], frame["pop"]), abs=1e-14)
    dec = report.decompositions.set_index(["by", "index"])
    expected = decompose(frame["value"], frame["district"], frame["pop"])
    assert dec.loc[("district", "theil"), "between"] == pytest.approx(expected.between, abs=1e-14)
    assert report.nested is not None
    assert report.nested["value"].sum() == pytest.approx(summary["theil"], abs=1e-12)
    dagum = report.dagum.set_index("by").loc["district"]
    assert dagum["within"] + dagum["net_between"] + dagum["transvariation"] == pytest.approx(summary["gini"])
    groups = report.groups[report.groups["by"] == "district"].set_index("group")
    assert groups["gap_to_best"].min() == 0.0
    assert groups["population_share"].sum() == pytest.approx(1.0)


def test_missing_values_are_dropped_and_counted(frame: pd.DataFrame) -> None:
    frame.loc[[0, 5], "value"] = np.nan
    report = gap_report(frame, "value", "pop")
    assert (report.units, report.dropped) == (118, 2)


def test_zeros_leave_out_the_undefined_measures_with_a_note(frame: pd.DataFrame) -> None:
    frame.loc[0, "value"] = 0.0
    report = gap_report(frame, "value", "pop", by="district")
    measures = set(report.summary["measure"])
    assert "gini" in measures and "theil" in measures
    assert "mld" not in measures and "atkinson_1" not in measures
    assert any("MLD" in note or "mld" in note for note in report.notes)


def test_bootstrap_intervals_contain_the_estimate(frame: pd.DataFrame) -> None:
    report = gap_report(frame, "value", "pop", by="district", bootstrap_reps=200, seed=3)
    gini_row = report.summary.set_index("measure").loc[["gini"]].iloc[0]
    assert gini_row["ci_low"] < gini_row["value"] < gini_row["ci_high"]
    theil_row = report.decompositions.set_index(["by", "index"]).loc[[("district", "theil")]].iloc[0]
    assert theil_row["between_ci_low"] <= theil_row["between"] <= theil_row["between_ci_high"]


def test_floor_and_target_rows(frame: pd.DataFrame) -> None:
    report = gap_report(frame, "value", "pop", floor=20.0, target=25.0)
    summary = report.summary.set_index("measure")["value"]
    below = frame["value"] < 20.0
    assert summary["fgt0"] == pytest.approx(frame.loc[below, "pop"].sum() / frame["pop"].sum())
    shortfall = np.maximum(25.0 - frame["value"], 0)
    assert summary["mean_shortfall_to_target"] == pytest.approx(np.average(shortfall, weights=frame["pop"]))


def test_missing_column_is_a_clear_error(frame: pd.DataFrame) -> None:
    with pytest.raises(MeasureError, match="missing columns"):
        gap_report(frame, "value", "population")


def test_within_group_gaps_by_hand() -> None:
    from jundeng.measure.report import within_group_gaps

    frame = pd.DataFrame(
        {
            "value": [10.0, 20.0, 30.0, 5.0, 5.0, 8.0],
            "pop": [1.0, 1.0, 2.0, 1.0, 3.0, 1.0],
            "district": ["A", "A", "A", "B", "B", "C"],
            "urban_rural": ["urban", "rural", "urban", "urban", "rural", "urban"],
        }
    )
    cv_by = within_group_gaps(frame, "value", "district", "pop", "cv")
    assert cv_by["A"] == pytest.approx(cv(frame["value"][:3], frame["pop"][:3]))
    assert cv_by["B"] == pytest.approx(0.0) and np.isnan(cv_by["C"])  # C has one unit
    gap = within_group_gaps(frame, "value", "district", "pop", "urban_rural")
    # A: urban weighted mean (10·1 + 30·2)/3 = 70/3, rural 20 → |70/3 − 20| / (70/3) = 1/7
    assert gap["A"] == pytest.approx(1 / 7)
    assert gap["B"] == pytest.approx(0.0) and np.isnan(gap["C"])  # C has no rural units
