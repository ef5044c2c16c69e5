"""Dagum's Gini decomposition: against an O(n²) reference, by hand, additivity and edge cases."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jundeng.measure._inputs import MeasureError
from jundeng.measure.dagum import dagum
from jundeng.measure.indices import gini


def brute(
    values: Sequence[float] | np.ndarray, groups: Sequence[object] | np.ndarray, weights: Any = None
) -> dict[str, Any]:
    """Dagum (1997) straight from the definitions, with |x_i − x_r| as a full n × n matrix."""
    x = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    w = np.ones(x.size) if weights is None else np.asarray(weights, dtype=float)
    x, g, w = x[w > 0], g[w > 0], w[w > 0]
    labels = sorted(set(g.tolist()))
    total_w, mu = w.sum(), w @ x / w.sum()
    sub = {lab: (x[g == lab], w[g == lab]) for lab in labels}
    big_w = {lab: sub[lab][1].sum() for lab in labels}
    mean = {lab: sub[lab][1] @ sub[lab][0] / big_w[lab] for lab in labels}
    p = {lab: big_w[lab] / total_w for lab in labels}
    s = {lab: p[lab] * mean[lab] / mu for lab in labels}

    def pair(j: object, h: object) -> tuple[float, float, float]:
        (xj, wj), (xh, wh) = sub[j], sub[h]
        diff = xj[:, None] - xh[None, :]
        ww = wj[:, None] * wh[None, :]
        absolute = float(np.sum(ww * np.abs(diff)))
        gross = float(np.sum(ww * np.where(diff > 0, diff, 0.0))) / (big_w[j] * big_w[h])
        trans = float(np.sum(ww * np.where(diff < 0, -diff, 0.0))) / (big_w[j] * big_w[h])
        return absolute, gross, trans

    g_mat = pd.DataFrame(0.0, index=labels, columns=labels)
    d_mat = pd.DataFrame(0.0, index=labels, columns=labels)
    within = net = trans_total = 0.0
    for j in labels:
        absolute, _, _ = pair(j, j)
        g_mat.loc[j, j] = absolute / (2 * big_w[j] ** 2 * mean[j]) if mean[j] > 0 else 0.0
        within += g_mat.loc[j, j] * p[j] * s[j]
    for a, j in enumerate(labels):
        for h in labels[a + 1 :]:
            absolute, d_jh, p_jh = pair(j, h) if mean[j] >= mean[h] else pair(h, j)
            if absolute == 0:
                continue
            g_jh = absolute / (big_w[j] * big_w[h] * (mean[j] + mean[h]))
            big_d = 0.0 if mean[j] == mean[h] else (d_jh - p_jh) / (d_jh + p_jh)
            g_mat.loc[j, h] = g_mat.loc[h, j] = g_jh
            d_mat.loc[j, h] = d_mat.loc[h, j] = big_d
            weight = p[j] * s[h] + p[h] * s[j]
            net += g_jh * weight * big_d
            trans_total += g_jh * weight * (1 - big_d)
    return {"within": within, "net_between": net, "transvariation": trans_total, "G": g_mat, "D": d_mat}


def random_case(seed: int, weighted: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 7))
    n = int(rng.integers(k, 60))
    groups = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])  # every group non-empty
    values = rng.integers(0, 12, n).astype(float) * (1 + groups)  # ties within and across groups
    if seed % 2:
        values = rng.lognormal(0, 1, n) + groups
    weights = rng.uniform(0.1, 10, n) if weighted else None
    return values, groups, weights


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_matches_quadratic_reference(seed: int, weighted: bool) -> None:
    values, groups, weights = random_case(seed, weighted)
    res, ref = dagum(values, groups, weights), brute(values, groups, weights)
    for name in ("within", "net_between", "transvariation"):
        assert getattr(res, name) == pytest.approx(ref[name], abs=1e-10)
    np.testing.assert_allclose(res.gini_between.to_numpy(), ref["G"].to_numpy(), atol=1e-10)
    np.testing.assert_allclose(res.d_matrix.to_numpy(), ref["D"].to_numpy(), atol=1e-10)
    np.testing.assert_allclose(res.gini_within.to_numpy(), np.diag(ref["G"].to_numpy()), atol=1e-10)
    assert res.total == pytest.approx(gini(values, weights), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_additive_and_equal_to_gini(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 2000
    values, groups, weights = rng.gamma(2.0, 3.0, n), rng.choice(list("东中西北"), n), rng.uniform(0, 5, n)
    res = dagum(values, groups, weights)
    assert res.total == pytest.approx(res.within + res.net_between + res.transvariation, abs=1e-12)
    assert res.total == pytest.approx(gini(values, weights), abs=1e-12)
    assert sum(res.shares.values()) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 20) | st.floats(0, 1e3, allow_nan=False, allow_infinity=False),
            st.sampled_from(["a", "b", "c", "d"]),
            st.integers(0, 5) | st.floats(0, 10, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_property_additive_nonnegative(rows: list[tuple[float, str, float]]) -> None:
    values, groups, weights = (list(col) for col in zip(*rows, strict=True))
    x, w = np.array(values, dtype=float), np.array(weights, dtype=float)
    assume(w.sum() > 0 and w @ x > 0 and (w > 0).any())
    assume(w.sum() > 1e-6 and w[w > 0].min() > 1e-6)
    res = dagum(values, groups, weights)
    parts = (res.within, res.net_between, res.transvariation)
    assert all(part >= 0 for part in parts)
    assert res.total == pytest.approx(sum(parts), abs=1e-12)
    assert res.total == pytest.approx(gini(values, weights), abs=1e-12)
    d = res.d_matrix.to_numpy()
    assert ((d >= 0) & (d <= 1)).all()
    np.testing.assert_array_equal(d, d.T)


def test_hand_computed_separated_groups() -> None:
    # A = [1, 2], B = [3, 6], equal weights: μ_A = 1.5, μ_B = 4.5, μ = 3; p_A = p_B = 1/2,
    # s_A = ½·1.5/3 = 1/4, s_B = 3/4.
    # G_AA = (|1−2| + |2−1|) / (2·2²·1.5) = 2/12 = 1/6;  G_BB = (3 + 3) / (2·2²·4.5) = 6/36 = 1/6.
    # G_AB = (2 + 5 + 1 + 4) / (2·2·(1.5 + 4.5)) = 12/24 = 1/2.
    # d_BA = 12/4 = 3, p_BA = 0 (no unit of A above one of B), so D_BA = 1.
    # G_w = ⅙·½·¼ + ⅙·½·¾ = 1/12;  G_nb = ½·(½·¾ + ½·¼)·1 = 1/4;  G_t = 0.
    # G of [1, 2, 3, 6]: 2·(1 + 2 + 5 + 1 + 4 + 3) / (2·4²·3) = 1/3 = 1/12 + 1/4.
    res = dagum([1, 2, 3, 6], ["A", "A", "B", "B"])
    assert res.gini_within.to_dict() == pytest.approx({"A": 1 / 6, "B": 1 / 6})
    assert res.gini_between.loc["A", "B"] == pytest.approx(0.5)
    assert res.d_matrix.loc["B", "A"] == pytest.approx(1.0)
    assert (res.within, res.net_between, res.transvariation) == pytest.approx((1 / 12, 1 / 4, 0.0))
    assert res.total == pytest.approx(1 / 3)


def test_hand_computed_overlapping_groups() -> None:
    # A = [1, 4], B = [2, 6]: μ_A = 2.5, μ_B = 4, μ = 3.25; p = ½ each; s_A = 5/13, s_B = 8/13.
    # G_AA = 2·3 / (2·4·2.5) = 0.3;  G_BB = 2·4 / (2·4·4) = 0.25.
    # G_AB = (|1−2| + |1−6| + |4−2| + |4−6|) / (2·2·6.5) = 10/26 = 5/13.
    # d_BA = ((2−1) + (6−1) + (6−4)) / 4 = 2;  p_BA = (4−2) / 4 = 0.5;  D_BA = 1.5/2.5 = 0.6.
    # G_w = 0.3·½·5/13 + 0.25·½·8/13 = 7/52;  p_A s_B + p_B s_A = ½.
    # G_nb = 5/13·½·0.6 = 3/26;  G_t = 5/13·½·0.4 = 1/13;  G = 7/52 + 6/52 + 4/52 = 17/52,
    # which is the Gini of [1, 2, 4, 6]: 2·17 / (2·4²·3.25).
    res = dagum([1, 4, 2, 6], ["A", "A", "B", "B"])
    assert res.gini_within.to_dict() == pytest.approx({"A": 0.3, "B": 0.25})
    assert res.gini_between.loc["B", "A"] == pytest.approx(5 / 13)
    assert res.d_matrix.loc["A", "B"] == pytest.approx(0.6)
    assert (res.within, res.net_between, res.transvariation) == pytest.approx((7 / 52, 3 / 26, 1 / 13))
    assert res.total == pytest.approx(17 / 52)
    assert res.shares == pytest.approx({"within": 7 / 17, "net_between": 6 / 17, "transvariation": 4 / 17})
    table = res.groups.set_index("label")
    assert table.loc["A", "units"] == 2
    assert table.loc["A", "population_share"] == pytest.approx(0.5)
    assert table.loc["B", "income_share"] == pytest.approx(8 / 13)
    assert table.loc["B", "mean"] == pytest.approx(4.0)
    assert table.loc["A", "gini"] == pytest.approx(0.3)


def test_integer_weights_equal_repeated_units() -> None:
    rng = np.random.default_rng(7)
    values, groups = rng.integers(1, 30, 25).astype(float), rng.integers(0, 4, 25)
    counts = rng.integers(1, 5, 25)
    weighted = dagum(values, groups, counts)
    repeated = dagum(np.repeat(values, counts), np.repeat(groups, counts))
    for name in ("total", "within", "net_between", "transvariation"):
        assert getattr(weighted, name) == pytest.approx(getattr(repeated, name), abs=1e-12)
    pd.testing.assert_frame_equal(weighted.d_matrix, repeated.d_matrix, atol=1e-12)
    pd.testing.assert_frame_equal(weighted.gini_between, repeated.gini_between, atol=1e-12)


def test_single_unit_group_has_zero_within_gini() -> None:
    values, groups = [1.0, 5.0, 2.0, 8.0], ["solo", "x", "x", "x"]
    res = dagum(values, groups)
    assert res.gini_within["solo"] == 0.0
    assert res.within == pytest.approx(brute(values, groups)["within"], abs=1e-12)
    assert res.total == pytest.approx(gini(values), abs=1e-12)


def test_all_equal_values_give_zero() -> None:
    res = dagum([3.0] * 6, [1, 1, 2, 2, 3, 3])
    assert (res.total, res.within, res.net_between, res.transvariation) == (0.0, 0.0, 0.0, 0.0)
    assert (res.d_matrix.to_numpy() == 0).all()
    assert all(math.isnan(v) for v in res.shares.values())


def test_single_group_is_all_within() -> None:
    values = [1.0, 4.0, 9.0, 2.0]
    res = dagum(values, ["only"] * 4)
    assert res.net_between == 0.0 and res.transvariation == 0.0
    assert res.within == pytest.approx(gini(values), abs=1e-12)
    assert res.d_matrix.shape == (1, 1)


def test_zero_weights_drop_units_and_empty_groups() -> None:
    values, groups = [1.0, 7.0, 3.0, 2.0, 9.0, 4.0], ["a", "a", "b", "b", "gone", "gone"]
    weights = [1.0, 0.0, 2.0, 1.0, 0.0, 0.0]
    res = dagum(values, groups, weights)
    kept = dagum([1.0, 3.0, 2.0], ["a", "b", "b"], [1.0, 2.0, 1.0])
    assert list(res.groups["label"]) == ["a", "b"]
    assert list(res.groups["units"]) == [1, 2]
    for name in ("total", "within", "net_between", "transvariation"):
        assert getattr(res, name) == pytest.approx(getattr(kept, name), abs=1e-15)


def test_equal_means_have_zero_affluence() -> None:
    # μ_A = μ_B = 2: d_AB = p_AB, so D_AB = 0 and the whole between-group Gini is transvariation.
    res = dagum([1.0, 3.0, 2.0, 2.0], ["A", "A", "B", "B"])
    assert res.d_matrix.loc["A", "B"] == 0.0
    assert res.net_between == 0.0
    assert res.transvariation > 0
    assert res.total == pytest.approx(gini([1.0, 3.0, 2.0, 2.0]), abs=1e-12)


def test_group_of_zeros() -> None:
    values, groups = [0.0, 0.0, 1.0, 5.0, 2.0], ["z", "z", "p", "p", "q"]
    res, ref = dagum(values, groups), brute(values, groups)
    assert res.gini_within["z"] == 0.0
    assert res.d_matrix.loc["p", "z"] == pytest.approx(1.0)
    for name in ("within", "net_between", "transvariation"):
        assert getattr(res, name) == pytest.approx(ref[name], abs=1e-12)


def test_result_layout() -> None:
    res = dagum([1.0, 2.0, 3.0, 4.0, 8.0, 9.0], ["西部", "西部", "中部", "中部", "东部", "东部"])
    labels = sorted(["西部", "中部", "东部"])
    assert list(res.gini_within.index) == labels
    assert list(res.gini_between.index) == list(res.gini_between.columns) == labels
    np.testing.assert_array_equal(np.diag(res.d_matrix.to_numpy()), 0.0)
    np.testing.assert_allclose(np.diag(res.gini_between.to_numpy()), res.gini_within.to_numpy())
    assert list(res.groups.columns) == ["label", "units", "population_share", "income_share", "mean", "gini"]
    assert res.groups["population_share"].sum() == pytest.approx(1.0)
    assert res.groups["income_share"].sum() == pytest.approx(1.0)
    assert "DagumResult(total=" in repr(res)


def test_nan_is_a_clear_error() -> None:
    with pytest.raises(MeasureError, match="missing or infinite") as info:
        dagum([1.0, float("nan"), 3.0], ["a", "b", "b"])
    assert "缺失" in info.value.zh


@pytest.mark.parametrize(
    ("values", "groups", "weights", "match"),
    [
        ([1.0, -2.0], ["a", "b"], None, "negative"),
        ([1.0, 2.0, 3.0], ["a", "b"], None, "group labels"),
        ([1.0, 2.0], ["a", None], None, "missing group"),
        ([1.0, 2.0], ["a", "b"], [1.0], "weights"),
        ([0.0, 0.0], ["a", "b"], None, "positive mean"),
        ([1.0, 2.0], ["a", "b"], [[1.0, 2.0], [1.0, 1.0]], "one-dimensional"),
    ],
)
def test_bad_inputs(values: list[float], groups: list[object], weights: Any, match: str) -> None:
    with pytest.raises(MeasureError, match=match):
        dagum(values, groups, weights)
