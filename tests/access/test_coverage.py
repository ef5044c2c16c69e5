"""Coverage masks and population shares, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from jundeng.access import AccessError, Locations, Pairs, coverage, covered_mask, pairs_within


def test_covered_mask_by_hand() -> None:
    pairs = Pairs(np.array([0, 0, 1, 3]), np.array([0, 1, 1, 0]), np.array([800.0, 400.0, 500.0, 501.0]), 4, 2)
    assert covered_mask(pairs, 500.0).tolist() == [True, True, False, False]  # 500 m is covered, 501 m is not
    assert covered_mask(pairs, 1000.0).tolist() == [True, True, False, True]


def test_coverage_shares_by_hand() -> None:
    villages = Locations(["a", "b", "c", "d"], np.array([0.0, 300.0, 900.0, 5000.0]), np.zeros(4), False)
    stops = Locations(["s"], np.array([0.0]), np.array([400.0]), False)
    # distances: a 400, b 500, c √(900²+400²) ≈ 985, d ≈ 5016
    covered = covered_mask(pairs_within(villages, stops, 1000.0), 500.0)
    table = coverage(["乡甲", "乡乙", "乡甲", "乡乙"], [100, 300, 50, 0], covered)
    assert table["group"].tolist() == ["乡乙", "乡甲"]  # sorted by code point: 乙 U+4E59 < 甲 U+7532
    row = table.set_index("group")
    assert row.loc["乡甲", "population"] == 150 and row.loc["乡甲", "covered"] == 100
    assert row.loc["乡甲", "share"] == pytest.approx(100 / 150)
    assert row.loc["乡乙", "covered"] == 300 and row.loc["乡乙", "share"] == 1.0
    shares = coverage(["x", "y"], [0, 10], [True, False])["share"].to_numpy()
    assert np.isnan(shares[0]) and shares[1] == 0.0
    assert list(table.columns) == ["group", "population", "covered", "share"]


def test_coverage_refuses_bad_population() -> None:
    with pytest.raises(AccessError, match="b"):
        coverage(["a", "b"], [1.0, -2.0], [True, True])
    with pytest.raises(AccessError, match="number 2"):
        coverage(["a", "b"], [1.0], [True, True])
