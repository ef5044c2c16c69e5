"""Normalizations, winsorizing and imputation of indicator matrices."""

from __future__ import annotations

import numpy as np
import pytest

from jundeng.appraise.normalize import impute, normalize, winsorize
from jundeng.measure import MeasureError


def test_normalizations() -> None:
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, np.nan]])
    minmax = normalize(x, [1, -1], "minmax")
    assert minmax[:, 0] == pytest.approx([0, 100 / 3, 100])
    assert minmax[:, 1][:2] == pytest.approx([100, 0]) and np.isnan(minmax[2, 1])
    assert normalize(x, [1, 1], "rank")[:, 0] == pytest.approx([0, 50, 100])
    z = normalize(x, [1, 1], "zscore")[:, 0]
    assert z.mean() == pytest.approx(100) and z.std() == pytest.approx(10)
    target = normalize(x, [1, -1], "target", targets=np.array([2.0, 10.0]))
    assert target[:, 0] == pytest.approx([50, 100, 100]) and target[1, 1] == pytest.approx(50)
    fixed = normalize(x, [1, 1], "minmax_fixed", goalposts=[(0, 2), (0, 40)])
    assert fixed[:, 0] == pytest.approx([50, 100, 100])
    with pytest.raises(MeasureError, match="directions"):
        normalize(x, [1, 2], "minmax")


def test_winsorize_clips_an_outlier_until_the_rule_holds() -> None:
    column = np.r_[np.linspace(10, 12, 40), 500.0][:, None]
    treated, clipped = winsorize(column, max_share=0.05)
    assert clipped.sum() == 1 and treated.max() == pytest.approx(12.0)
    calm = np.linspace(1, 2, 40)[:, None]
    assert not winsorize(calm)[1].any()


def test_imputation_fills_and_flags() -> None:
    x = np.array([[1.0, np.nan], [3.0, 4.0]])
    filled, flags = impute(x, "mean")
    assert filled[0, 1] == 4.0 and flags[0, 1] and flags.sum() == 1
    last, flags = impute(x, "last", previous=np.array([[0.0, 7.0], [0.0, 0.0]]))
    assert last[0, 1] == 7.0 and flags[0, 1]
