"""TOPSIS cross-checked against pymcdm and a hand computation; the batched kernel against a loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization

import jundeng.appraise.closeness as topsis_module
from jundeng.appraise.closeness import normalize_matrix, topsis, topsis_batch
from jundeng.measure._inputs import MeasureError

SEEDS = range(6)


def random_case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(4, 30)), int(rng.integers(2, 8))
    x = rng.lognormal(2.0, 0.8, size=(m, n))
    w = rng.dirichlet(np.ones(n))
    return x, w, rng.choice([1, -1], size=n)


@pytest.mark.parametrize("seed", SEEDS)
def test_minmax_matches_pymcdm_default(seed: int) -> None:
    x, w, directions = random_case(seed)
    assert topsis(x, w, directions, normalize="minmax") == pytest.approx(TOPSIS()(x, w, directions), abs=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_vector_matches_pymcdm_vector(seed: int) -> None:
    # pymcdm turns a cost column into 1 − r and takes the max as ideal: the same distances as min of r.
    x, w, directions = random_case(seed)
    expected = TOPSIS(vector_normalization)(x, w, directions)
    assert topsis(x, w, directions) == pytest.approx(expected, abs=1e-10)


def test_vector_hand_computed() -> None:
    # Columns (1, 2, 2), (2, 3, 6), (4, 4, 2) have norms 3, 7, 6; the third is a cost; w = (0.5, 0.3, 0.2).
    # r = [1/3 2/7 2/3; 2/3 3/7 2/3; 2/3 6/7 1/3], v = w·r.
    # Ideal v⁺ = (0.5·2/3, 0.3·6/7, 0.2·1/3); anti-ideal v⁻ = (0.5·1/3, 0.3·2/7, 0.2·2/3).
    # Region 1 equals v⁻ on every indicator: D⁻ = 0, C = 0. Region 3 equals v⁺: D⁺ = 0, C = 1.
    # Region 2: D⁺ = sqrt((0.3·3/7)² + (0.2·1/3)²) = 0.1448277, D⁻ = sqrt((0.5·1/3)² + (0.3·1/7)²) = 0.1720887,
    #   C = D⁻/(D⁺ + D⁻) = 0.5430098.
    x = np.array([[1.0, 2.0, 4.0], [2.0, 3.0, 4.0], [2.0, 6.0, 2.0]])
    d_plus = math.hypot(0.3 * 3 / 7, 0.2 / 3)
    d_minus = math.hypot(0.5 / 3, 0.3 / 7)
    c = topsis(x, [0.5, 0.3, 0.2], [1, 1, -1])
    assert c == pytest.approx([0.0, d_minus / (d_plus + d_minus), 1.0], abs=1e-14)
    assert c[1] == pytest.approx(0.5430098, abs=1e-7)
    assert normalize_matrix(x, [1, 1, -1], "vector")[:, 1] == pytest.approx([2 / 7, 3 / 7, 6 / 7])


def test_normalize_matrix_minmax_keeps_orientation() -> None:
    x = np.array([[1.0, 5.0, 3.0], [3.0, 5.0, 1.0], [2.0, 5.0, 2.0]])
    r = normalize_matrix(x, [1, 1, -1], "minmax")
    assert r == pytest.approx(np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [0.5, 1.0, 0.5]]))
    # region 2 is best on both varying indicators (3 is the max; 1 the min of a cost), region 1 worst
    assert topsis(x, [1, 1, 1], [1, 1, -1], normalize="minmax") == pytest.approx([0.0, 1.0, 0.5])


@pytest.mark.parametrize("method", ["vector", "minmax"])
def test_batch_equals_loop(method: str) -> None:
    x, _, directions = random_case(11)
    rng = np.random.default_rng(12)
    weights = rng.dirichlet(np.ones(x.shape[1]), size=200)
    r = normalize_matrix(x, directions, method)  # type: ignore[arg-type]
    loop = np.array([topsis(x, w, directions, normalize=method) for w in weights])  # type: ignore[arg-type]
    assert np.array_equal(topsis_batch(r, weights, directions), loop)
    # one (already normalized) matrix per replication, e.g. resampled or perturbed data
    xs = x[None] * rng.lognormal(0.0, 0.1, size=(50, *x.shape))
    rs = np.stack([normalize_matrix(xi, directions, method) for xi in xs])  # type: ignore[arg-type]
    loop = np.array([topsis(xi, w, directions, normalize=method) for xi, w in zip(xs, weights[:50], strict=True)])  # type: ignore[arg-type]
    assert np.array_equal(topsis_batch(rs, weights[:50], directions), loop)


def test_batch_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    x, _, directions = random_case(3)
    weights = np.random.default_rng(4).dirichlet(np.ones(x.shape[1]), size=37)
    r = normalize_matrix(x, directions)
    whole = topsis_batch(r, weights, directions)
    monkeypatch.setattr(topsis_module, "_CHUNK_ELEMENTS", x.size * 5)  # chunks of 5 replications
    assert np.array_equal(topsis_batch(r, weights, directions), whole)
    assert np.array_equal(topsis_batch(np.repeat(r[None], 37, axis=0), weights, directions), whole)
    assert topsis_batch(r, weights[0], directions).shape == (1, x.shape[0])


def test_errors_and_ties() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(MeasureError):
        topsis(x, [1.0], [1, 1])
    with pytest.raises(MeasureError):
        topsis(x, [0.0, 0.0], [1, 1])
    with pytest.raises(MeasureError):
        topsis(x, [1.0, 1.0], [1, 1], normalize="sum")  # type: ignore[arg-type]
    with pytest.raises(MeasureError):
        topsis_batch(x, np.ones((3, 3)), [1, 1])
    with pytest.raises(MeasureError):
        topsis_batch(np.ones((2, 2, 2)), np.ones((3, 2)), [1, 1])
    with pytest.raises(MeasureError):
        topsis_batch(x, [[1.0, -1.0]], [1, 1])
    assert topsis(np.full((3, 2), 4.0), [0.5, 0.5], [1, -1]) == pytest.approx([0.5] * 3)


# ------------------------------------------------------------------------------------------ properties

cases = st.integers(1, 8).flatmap(
    lambda m: st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (m, n), elements=st.floats(0.1, 1000.0)),
            arrays(np.float64, n, elements=st.floats(0.01, 1.0)),
            st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n),
            arrays(np.float64, n, elements=st.floats(0.001, 1000.0)),
        )
    )
)


@given(cases, st.sampled_from(["vector", "minmax"]))
def test_closeness_in_unit_interval(case: tuple[np.ndarray, ...], method: str) -> None:
    x, w, directions, _ = case
    c = topsis(x, w, directions, normalize=method)  # type: ignore[arg-type]
    assert c.shape == (x.shape[0],)
    assert ((c >= 0) & (c <= 1)).all()


@given(cases)
def test_vector_ranking_invariant_to_column_scaling(case: tuple[np.ndarray, ...]) -> None:
    x, w, directions, scale = case
    before = topsis(x, w, directions)
    after = topsis(x * scale, w, directions)
    assert after == pytest.approx(before, abs=1e-9)
    clear = before[:, None] - before[None, :] > 1e-9  # pairs ordered beyond rounding
    assert (after[:, None] > after[None, :])[clear].all()
