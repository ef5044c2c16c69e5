"""Indicator weights cross-checked against pymcdm, ahpy, hand computations and Saaty's published example."""

from __future__ import annotations

import math

import ahpy
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import weights as pw

from jundeng.appraise.weights import ahp, ahp_check, critic, entropy, equal, fixed, pca
from jundeng.measure._inputs import MeasureError

SEEDS = range(6)
SAATY_SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1.0, 3.0, 5.0, 7.0, 9.0]
RI_1980 = {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}  # ours (Saaty 1980)
RI_2005 = {3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45}  # ahpy's random_index="saaty"


def random_matrix(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(4, 30)), int(rng.integers(2, 8))
    x = rng.lognormal(2.0, 0.8, size=(m, n))
    directions = rng.choice([1, -1], size=n)
    return x, directions


def random_pairwise(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = rng.choice(SAATY_SCALE)
            a[j, i] = 1.0 / a[i, j]
    return a


# ------------------------------------------------------------------------------------------- entropy


@pytest.mark.parametrize("seed", SEEDS)
def test_entropy_sum_matches_pymcdm(seed: int) -> None:
    x, directions = random_matrix(seed)
    assert entropy(x, directions, normalize="sum") == pytest.approx(pw.entropy_weights(x), abs=1e-10)


def test_entropy_minmax_hand_computed() -> None:
    # X = [[1, 10], [2, 30], [4, 20]], directions (+1, −1), m = 3.
    # Column 1 (benefit): z = (x − 1)/3 = (0, 1/3, 1), Σz = 4/3, p = (0, 1/4, 3/4),
    #   e1 = −(¼ ln ¼ + ¾ ln ¾)/ln 3 = 0.5118595, d1 = 0.4881405.
    # Column 2 (cost): z = (30 − x)/20 = (1, 0, 1/2), Σz = 3/2, p = (2/3, 0, 1/3),
    #   e2 = −(⅔ ln ⅔ + ⅓ ln ⅓)/ln 3 = 0.5793802, d2 = 0.4206198.
    # w = d / (d1 + d2) = (0.4881405, 0.4206198) / 0.9087603 = (0.5371499, 0.4628501).
    e1 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(3)
    e2 = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(3)
    d1, d2 = 1 - e1, 1 - e2
    w = entropy([[1, 10], [2, 30], [4, 20]], [1, -1])
    assert w == pytest.approx([d1 / (d1 + d2), d2 / (d1 + d2)], abs=1e-12)
    assert w == pytest.approx([0.5371499, 0.4628501], abs=1e-7)


def test_entropy_constant_columns() -> None:
    x = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 7.0], [4.0, 5.0, 3.0]])
    for how in ("minmax", "sum"):
        w = entropy(x, [1, 1, -1], normalize=how)
        assert w[1] == 0.0 and w.sum() == pytest.approx(1.0)
        assert entropy(np.full((4, 3), 2.0), [1, 1, 1], normalize=how) == pytest.approx([1 / 3] * 3)


def test_entropy_errors() -> None:
    with pytest.raises(MeasureError):
        entropy([[1.0, -2.0], [3.0, 4.0]], [1, 1], normalize="sum")
    with pytest.raises(MeasureError):
        entropy([[1.0, 2.0]], [1, 1])  # one region
    with pytest.raises(MeasureError):
        entropy([[1.0, 2.0], [3.0, 4.0]], [1, 0])
    with pytest.raises(MeasureError):
        entropy([[1.0, np.nan], [3.0, 4.0]], [1, 1])
    with pytest.raises(MeasureError):
        entropy([[1.0, 2.0], [3.0, 4.0]], [1, 1], normalize="zscore")  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------- CRITIC


@pytest.mark.parametrize("seed", SEEDS)
def test_critic_matches_pymcdm(seed: int) -> None:
    x, directions = random_matrix(seed)
    # pymcdm's critic_weights ignores types; negating a cost column makes its min-max (max − x)/(max − min).
    assert critic(x, directions) == pytest.approx(pw.critic_weights(x * directions), abs=1e-10)


def test_critic_constant_column_is_dropped() -> None:
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(12, 3))
    with_constant = np.column_stack([x[:, 0], np.full(12, 3.0), x[:, 1:]])
    w = critic(with_constant, [1, 1, -1, 1])
    assert w[1] == 0.0
    assert np.delete(w, 1) == pytest.approx(critic(x, [1, -1, 1]), abs=1e-14)
    assert critic(np.ones((3, 2)), [1, 1]) == pytest.approx([0.5, 0.5])


# ----------------------------------------------------------------------------------------------- AHP


@pytest.mark.parametrize(("seed", "n"), [(s, n) for s in range(4) for n in (3, 4, 5, 6, 7, 9)])
def test_ahp_matches_ahpy(seed: int, n: int) -> None:
    a = random_pairwise(seed, n)
    names = [f"c{i}" for i in range(n)]
    judgements = {(names[i], names[j]): float(a[i, j]) for i in range(n) for j in range(i + 1, n)}
    compare = ahpy.Compare("criteria", judgements, precision=12, random_index="saaty")
    weights, cr = ahp(a)
    # ahpy squares the matrix until the normalized row sums settle (rounded to `precision` digits);
    # that converges to the same principal eigenvector as numpy's eig, within ~1e-10 here.
    assert weights == pytest.approx([compare.local_weights[c] for c in names], abs=1e-8)
    # ahpy's "saaty" table is Saaty (2005) (RI(3) = 0.52); ours is Saaty (1980) (RI(3) = 0.58): same CI.
    assert cr * RI_1980[n] == pytest.approx(compare.consistency_ratio * RI_2005[n], abs=1e-9)


def test_ahp_saaty_house_example() -> None:
    # Saaty (1990), EJOR 48, Table 2: criteria for buying a house. Published λmax = 9.669, CR = 0.169.
    third, fifth, sixth, seventh = 1 / 3, 1 / 5, 1 / 6, 1 / 7
    a = np.array(
        [
            [1, 5, 3, 7, 6, 6, third, 1 / 4],
            [fifth, 1, third, 5, 3, 3, fifth, seventh],
            [third, 3, 1, 6, 3, 4, 6, fifth],
            [seventh, fifth, sixth, 1, third, 1 / 4, seventh, 1 / 8],
            [sixth, third, third, 3, 1, 1 / 2, fifth, sixth],
            [sixth, third, 1 / 4, 4, 2, 1, fifth, sixth],
            [3, 5, sixth, 7, 5, 5, 1, 1 / 2],
            [4, 7, 5, 8, 6, 6, 2, 1],
        ]
    )
    weights, cr = ahp(a)
    assert cr == pytest.approx(0.169, abs=5e-4)
    assert cr * 1.41 * 7 + 8 == pytest.approx(9.669, abs=5e-4)  # λmax back from CR
    assert weights @ np.ones(8) == pytest.approx(1.0)
    assert a @ weights == pytest.approx((cr * 1.41 * 7 + 8) * weights, rel=1e-10)  # A w = λmax w
    with pytest.raises(MeasureError, match="CR=0.1691 > 0.1"):
        ahp_check(a)
    assert ahp_check(a, override=True) == pytest.approx(weights)
    assert ahp_check(a, max_cr=0.2) == pytest.approx(weights)


def test_ahp_consistent_and_small() -> None:
    v = np.array([0.5, 0.3, 0.2])
    weights, cr = ahp(np.outer(v, 1 / v))  # a_ij = v_i / v_j is perfectly consistent
    assert weights == pytest.approx(v, abs=1e-12)
    assert cr == pytest.approx(0.0, abs=1e-12)
    for a, expected in (([[1.0, 3.0], [1 / 3, 1.0]], [0.75, 0.25]), ([[1.0]], [1.0])):
        weights, cr = ahp(a)
        assert weights == pytest.approx(expected, abs=1e-12)
        assert cr == 0.0


def test_ahp_rejects_bad_matrices() -> None:
    with pytest.raises(MeasureError, match="互反"):
        ahp([[1.0, 3.0], [0.5, 1.0]])
    with pytest.raises(MeasureError):
        ahp([[1.0, 0.333], [3.0, 1.0]])  # 0.333·3 ≠ 1 within 1e-6
    with pytest.raises(MeasureError):
        ahp([[1.0, -2.0], [-0.5, 1.0]])
    with pytest.raises(MeasureError):
        ahp([[1.0, 2.0, 3.0], [0.5, 1.0, 2.0]])
    with pytest.raises(MeasureError):
        ahp(np.ones((16, 16)))


# ------------------------------------------------------------------------------------ PCA and others


def test_pca_rule_by_hand() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(40, 2))
    x = np.column_stack([base[:, 0], base[:, 0] + 0.3 * rng.normal(size=40), base[:, 1], rng.normal(size=40)])
    lam, u = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    lam, u = lam[::-1], u[:, ::-1]
    k = max(int((lam > 1).sum()), 1)
    score = (np.abs(u[:, :k]) * np.sqrt(lam[:k])) @ (lam[:k] / lam[:k].sum())
    assert pca(x) == pytest.approx(score / score.sum(), abs=1e-12)
    assert pca(x * [1, -3, 10, 0.5] + 7) == pytest.approx(pca(x), abs=1e-10)  # scale, sign and shift free


def test_pca_errors_and_single_column() -> None:
    assert pca([[1.0], [2.0], [4.0]]) == pytest.approx([1.0])
    with pytest.raises(MeasureError):
        pca([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]])


def test_equal_and_fixed() -> None:
    assert equal(4) == pytest.approx([0.25] * 4)
    assert fixed([2, 1, 1]) == pytest.approx([0.5, 0.25, 0.25])
    for bad in ([1, -1], [0, 0], [], [1, np.inf]):
        with pytest.raises(MeasureError):
            fixed(bad)
    with pytest.raises(MeasureError):
        equal(0)


# ------------------------------------------------------------------------------------------ properties

matrices = st.integers(3, 8).flatmap(
    lambda m: st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (m, n), elements=st.floats(0.1, 1000.0)),
            st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n),
        )
    )
)


def _valid(w: np.ndarray, n: int) -> None:
    assert w.shape == (n,)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


@given(matrices)
def test_objective_weights_are_valid(case: tuple[np.ndarray, list[int]]) -> None:
    x, directions = case
    n = x.shape[1]
    _valid(entropy(x, directions), n)
    _valid(entropy(x, directions, normalize="sum"), n)
    _valid(critic(x, directions), n)
    if (x.max(axis=0) > x.min(axis=0)).all():
        _valid(pca(x), n)


@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=10))
def test_fixed_weights_are_valid(values: list[float]) -> None:
    assume(sum(values) > 0)
    _valid(fixed(values), len(values))


@given(
    st.integers(1, 9).flatmap(
        lambda n: st.lists(st.sampled_from(SAATY_SCALE), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2).map(
            lambda u: (n, u)
        )
    )
)
def test_ahp_weights_are_valid(case: tuple[int, list[float]]) -> None:
    n, upper = case
    a = np.ones((n, n))
    a[np.triu_indices(n, 1)] = upper
    a.T[np.triu_indices(n, 1)] = 1 / np.asarray(upper)
    weights, cr = ahp(a)
    _valid(weights, n)
    assert cr >= 0
