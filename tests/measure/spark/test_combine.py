"""Pure checks of the Spark combination step against jundeng.measure (no Spark: fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jundeng.measure import indices as ix
from jundeng.measure._inputs import MeasureError, prepare
from jundeng.measure.dagum import dagum
from jundeng.measure.decompose import decompose
from jundeng.measure.floor import floor_compliance
from jundeng.measure.report import SCALARS
from jundeng.measure.spark import combine as cb
from jundeng.measure.spark.gini import QUANTILES, partition_quantiles, partition_totals


def _data(n: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.choice(["east", "west", "north"], n),
            "b": rng.integers(0, 5, n),
            "x": np.round(rng.lognormal(3, 0.7, n)),  # rounded: many ties
            "w": rng.integers(0, 4, n).astype(float),  # zero weights
        }
    )


def test_scalars_decompositions_groups_and_floor_equal_the_local_functions() -> None:
    df = _data()
    cells = cb.cells_from_frame(df, "x", "w", ["a", "b"], floor=20.0)
    t = cb.totals(cells)
    x, w = df["x"].to_numpy(), df["w"].to_numpy()
    xs, ws = prepare(x, w)
    sorted_pass = {"gini": ix.gini(x, w), "sxx": float(np.dot(ws, (xs - t["WX"] / t["W"]) ** 2))}
    sorted_pass |= {f"q{q}": ix.weighted_quantile(x, q, w) for q in QUANTILES}
    for code, (_zh, _en, func, _stat) in SCALARS.items():
        assert cb.scalar(code, t, sorted_pass, cb.Positions()) == pytest.approx(func(x, w), rel=1e-12), code
    for index in ("theil", "mld"):
        for columns in (["a"], ["a", "b"]):
            total, between, within, levels = cb.decomposition(cells, t, cb.Positions(), columns, index)
            local = decompose(x, df[columns], w, index=index)
            assert (total, between, within) == pytest.approx((local.total, local.between, local.within), rel=1e-12)
            if len(columns) > 1:
                assert levels is not None and local.levels is not None
                pd.testing.assert_frame_equal(levels, local.levels, rtol=1e-12)
    floor = cb.floor_result(t, cb.Positions(), 20.0, "higher", True)
    local_floor = floor_compliance(x, 20.0, w).__dict__
    assert floor.direction == local_floor.pop("direction")
    assert {k: v for k, v in floor.__dict__.items() if k != "direction"} == pytest.approx(local_floor, rel=1e-12)
    groups = cb.group_table(cells, "b", "lower")
    assert groups["units"].tolist() == df.groupby("b").size().tolist()
    assert groups["mean"].to_numpy() == pytest.approx(df.groupby("b").apply(lambda g: np.average(g.x, weights=g.w)))


def test_gini_quantiles_and_dagum_from_partitions_equal_the_whole_sort() -> None:
    df = _data(800, seed=5)
    df = df[df["w"] > 0]
    x, w = df["x"].to_numpy(), df["w"].to_numpy()
    labels = sorted(df["a"].unique())
    codes = pd.Index(labels).get_indexer(df["a"])
    assert len(np.unique(x)) < x.size / 4  # many ties
    for k in (1, 3, 7):
        rng = np.random.default_rng(k)
        order = np.lexsort((rng.random(x.size), x))  # ties in a random order
        pieces = np.array_split(order, k)
        mu = float(np.dot(w, x) / w.sum())
        totals = [partition_totals(x[p], w[p], [codes[p]], [len(labels)], mu) for p in pieces]
        parts = pd.DataFrame([{"pid": i, **t} for i, t in enumerate(totals)])
        assert cb.gini_from_partitions(parts) == pytest.approx(ix.gini(x, w), rel=1e-12)
        assert parts["V"].sum() / w.sum() == pytest.approx(np.average((x - mu) ** 2, weights=w), rel=1e-12)
        offsets = np.concatenate([[0.0], np.cumsum(parts["W"])[:-1]])
        found = [
            (i, q, v)
            for i, p in enumerate(pieces)
            for q, v in partition_quantiles(x[p], w[p], offsets[i], w.sum(), QUANTILES)
        ]
        candidates = pd.DataFrame(found, columns=["pid", "q", "x"])
        for q in QUANTILES:
            assert cb.quantile_from_candidates(candidates, q, x.max()) == ix.weighted_quantile(x, q, w)
        k_groups = len(labels)
        lists = [
            [np.asarray(t["dagum"][: k_groups * k_groups]).reshape(k_groups, k_groups) for t in totals],
            [np.asarray(t["dagum"][k_groups * k_groups : k_groups * k_groups + k_groups]) for t in totals],
            [np.asarray(t["dagum"][k_groups * k_groups + k_groups :]) for t in totals],
        ]
        parts_d = cb.dagum_parts(*cb.dagum_from_partitions(*lists))
        local = dagum(x, df["a"], w)
        expected = (local.total, local.within, local.net_between, local.transvariation)
        got = (parts_d["total"], parts_d["within"], parts_d["net_between"], parts_d["transvariation"])
        assert got == pytest.approx(expected, rel=1e-10)


def test_unweighted_gini_uses_the_kernel_on_unit_weights() -> None:
    x = np.array([1.0, 1.0, 2.0, 2.0, 2.0, 5.0, 9.0, 9.0])
    parts = pd.DataFrame(
        [
            {"pid": 0, **partition_totals(x[:3], np.ones(3), [], [], 0.0)},
            {"pid": 1, **partition_totals(x[3:], np.ones(5), [], [], 0.0)},
        ]
    )
    assert cb.gini_from_partitions(parts) == pytest.approx(ix.gini(x), rel=1e-12)


@pytest.mark.parametrize(
    ("x", "w", "positive", "what"),
    [
        ([1.0, -2.0, 3.0, -1.0], [1.0, 1.0, 0.0, 2.0], False, "CV "),
        ([1.0, 0.0, 3.0, 0.0], [1.0, 1.0, 1.0, 0.0], True, "GE(0) "),
        ([1.0, 2.0, 3.0], [1.0, -1.0, 1.0], False, "Gini "),
        ([0.0, 0.0], [1.0, 1.0], False, ""),
        ([1.0, 2.0], [0.0, 0.0], False, ""),
        ([1.0, np.inf, 2.0], [1.0, 1.0, 1.0], False, ""),
        ([-1.0] * 8 + [5.0], [1.0] * 9, False, "Dagum "),
    ],
)
def test_errors_read_as_the_local_ones(x: list[float], w: list[float], positive: bool, what: str) -> None:
    frame = pd.DataFrame({"x": x, "w": w})
    t = cb.totals(cb.cells_from_frame(frame, "x", "w", []))
    xa, wa = np.array(x), np.array(w)
    ok = wa > 0
    pos = cb.Positions(
        bad_w=tuple(np.flatnonzero(~np.isfinite(wa) | (wa < 0))[:6]),
        bad_x=tuple(np.flatnonzero(~np.isfinite(xa))[:6]),
        neg_all=tuple(np.flatnonzero(xa < 0)[:6]),
        neg_pos=tuple(np.flatnonzero(xa[ok] < 0)[:6]),
    )
    with pytest.raises(MeasureError) as local:
        prepare(xa, wa, positive=positive, what=what)
    with pytest.raises(MeasureError) as ours:
        cb.check_prepare(t, pos, weighted=True, positive=positive, what=what)
    assert str(ours.value) == str(local.value)
