"""The survey design: validation, the linearised variance by hand, single-PSU strata as R survey treats them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jundeng.survey import Design, SurveyError, proportion


def test_weights_must_be_positive_and_finite_naming_rows() -> None:
    with pytest.raises(SurveyError, match=r"row\(s\) 2, 4"):
        Design(np.array([1.0, 0.0, 2.0, np.nan]))
    with pytest.raises(SurveyError, match="one value per row"):
        Design(np.ones(3), stratum=np.array(["a", "b"]))


def test_missing_stratum_or_psu_label_is_refused() -> None:
    with pytest.raises(SurveyError, match=r"missing stratum in row\(s\) 3"):
        Design(np.ones(3), stratum=np.array(["a", "b", None], dtype=object))
    with pytest.raises(SurveyError, match=r"missing PSU in row\(s\) 1"):
        Design(np.ones(2), psu=np.array([np.nan, 1.0]))


def test_stratum_size_checks() -> None:
    stratum = np.array(["a", "a", "a", "b", "b"])
    psu = np.array([1, 2, 3, 1, 2])
    with pytest.raises(SurveyError, match=r"below the number of PSUs.*row\(s\) 1, 2, 3"):
        Design(np.ones(5), stratum, psu, np.array([2.0, 2, 2, 5, 5]))
    with pytest.raises(SurveyError, match=r"varies within a stratum.*row\(s\) 4, 5"):
        Design(np.ones(5), stratum, psu, np.array([9.0, 9, 9, 5, 6]))
    with pytest.raises(SurveyError, match=r"finite and > 0.*row\(s\) 4"):
        Design(np.ones(5), stratum, psu, np.array([9.0, 9, 9, -1, 5]))
    design = Design(np.ones(5), stratum, psu, np.array([6.0, 6, 6, 8, 8]))
    assert design.fpc.tolist() == [1 - 3 / 6, 1 - 2 / 8]


def test_psu_labels_are_nested_in_strata() -> None:
    design = Design(np.ones(4), np.array(["a", "a", "b", "b"]), np.array([1, 2, 1, 2]))
    assert design.psu_counts.tolist() == [2, 2]
    assert design.lonely_strata() == []


def test_one_stratum_two_psus_by_hand() -> None:
    # PSU A: (w, y) = (1, 1), (2, 0); PSU B: (1, 1), (1, 1). W = 5, p = 3/5.
    # z = w (y − p) / W: A: 0.08, −0.24 → t_A = −0.16; B: 0.08, 0.08 → t_B = 0.16; mean 0.
    # V = 2/(2 − 1) · (0.16² + 0.16²) = 0.1024; with N = 4 PSUs, (1 − 2/4) · 0.1024 = 0.0512.
    w, y = np.array([1.0, 2, 1, 1]), np.array([1.0, 0, 1, 1])
    psu = np.array(["A", "A", "B", "B"])
    (est,) = proportion(y, Design(w, psu=psu), min_n=0)
    assert est.estimate == pytest.approx(0.6, abs=1e-15)
    assert est.se == pytest.approx(math.sqrt(0.1024), abs=1e-15)
    (fpc,) = proportion(y, Design(w, stratum=np.zeros(4), psu=psu, stratum_size=np.full(4, 4.0)), min_n=0)
    assert fpc.se == pytest.approx(math.sqrt(0.0512), abs=1e-15)
    census = Design(w, psu=psu, stratum_size=np.full(4, 2.0))  # every PSU taken: no sampling variance
    assert proportion(y, census, min_n=0)[0].se == 0.0


# Tiny lonely case: stratum A has PSUs 1 = {(1, 1), (1, 0)} and 2 = {(1, 1)}; stratum B one PSU 3 = {(2, 1), (2, 0)}.
# W = 7, p = 4/7; PSU totals of z = w (y − p)/W: t1 = −1/49, t2 = 3/49, t3 = −2/49 (sum 0).
# Stratum A: 2/(2 − 1) · ((−2/49)² + (2/49)²) = 16/2401.
# R survey.lonely.psu = "certainty": B adds 0 → 16/2401; "adjust": B adds (t3 − Σt/3)² = 4/2401 → 20/2401.
LONELY_W = np.array([1.0, 1, 1, 2, 2])
LONELY_Y = np.array([1.0, 0, 1, 1, 0])
LONELY_DESIGN = Design(LONELY_W, np.array(["A", "A", "A", "B", "B"]), np.array([1, 1, 2, 3, 3]))


def test_lonely_psu_error_names_the_stratum() -> None:
    assert LONELY_DESIGN.lonely_strata() == ["B"]
    with pytest.raises(SurveyError, match="stratum B has a single PSU") as caught:
        proportion(LONELY_Y, LONELY_DESIGN)
    assert "B" in caught.value.zh
    with pytest.raises(SurveyError, match="lonely must be one of"):
        proportion(LONELY_Y, LONELY_DESIGN, lonely="average")


def test_lonely_psu_certainty_and_adjust_by_hand() -> None:
    (certainty,) = proportion(LONELY_Y, LONELY_DESIGN, lonely="certainty", min_n=0)
    (adjust,) = proportion(LONELY_Y, LONELY_DESIGN, lonely="adjust", min_n=0)
    assert certainty.estimate == pytest.approx(4 / 7, abs=1e-15)
    assert certainty.se**2 == pytest.approx(16 / 2401, abs=1e-15)
    assert adjust.se**2 == pytest.approx(20 / 2401, abs=1e-15)


def test_lonely_adjust_takes_the_finite_population_correction() -> None:
    # B has N = 4 PSUs, one sampled: its adjusted contribution is scaled by 1 − 1/4; A is without correction (N huge).
    size = np.array([1e300, 1e300, 1e300, 4.0, 4.0])
    design = Design(LONELY_W, LONELY_DESIGN.stratum, LONELY_DESIGN.psu, size)
    (adjust,) = proportion(LONELY_Y, design, lonely="adjust", min_n=0)
    assert adjust.se**2 == pytest.approx(16 / 2401 + 0.75 * 4 / 2401, rel=1e-12)


def test_rows_are_psus_without_psu_and_one_row_strata_are_lonely() -> None:
    design = Design(np.ones(3), stratum=np.array(["a", "a", "b"]))
    assert design.psu_counts.tolist() == [2, 1]
    assert design.lonely_strata() == ["b"]


def test_degrees_of_freedom_count_psus_with_rows() -> None:
    design = Design(np.ones(6), np.array([1, 1, 1, 2, 2, 2]), np.array([1, 2, 3, 1, 2, 2]))
    assert design.degrees_of_freedom(np.ones(6, dtype=bool)) == 5 - 2
    assert design.degrees_of_freedom(np.array([True, True, False, True, False, False])) == 3 - 2
