"""Composite index: a hand-computed case, methods and versions, normalizations, uncertainty, reproduction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jundeng.appraise.closeness import topsis
from jundeng.appraise.composite import composite
from jundeng.appraise.method import Method, parse_method
from jundeng.appraise.uncertainty import _Engine, monte_carlo
from jundeng.errors import InputError

HAND = pd.DataFrame(
    {
        "region": ["r1", "r2", "r3"] * 3,
        "indicator": ["i1"] * 3 + ["i2"] * 3 + ["i3"] * 3,
        "value": [10, 20, 30, 5, 5, 10, 1, 2, 3],
        "domain": ["A"] * 6 + ["B"] * 3,
        "direction": ["higher"] * 6 + ["lower"] * 3,
    }
)


def method(**changes: object) -> Method:
    base: dict[str, object] = {
        "name": "hand",
        "indicators": [{"code": "i1"}, {"code": "i2"}, {"code": "i3"}],
        "treatment": {"winsorize": False, "impute": "none"},
        "domain_weighting": "fixed",
        "domain_weights": {"A": 0.6, "B": 0.4},
        "uncertainty": {"replications": 200, "sobol_samples": 16},
    }
    return Method.model_validate(base | changes)


def test_hand_computed_composite() -> None:
    # min-max scores: i1 [0, 50, 100], i2 [0, 0, 100], i3 (lower is better) [100, 50, 0]
    # domain A (equal weights): r1 0, r2 25, r3 100; domain B: r1 100, r2 50, r3 0
    # overall 0.6·A + 0.4·B: r1 40, r2 35, r3 60 → ranks r3, r1, r2
    result = composite(HAND, method())
    scores = result.scores.set_index("region")
    assert scores["score"].to_dict() == pytest.approx({"r1": 40.0, "r2": 35.0, "r3": 60.0})
    assert scores["rank"].to_dict() == {"r3": 1, "r1": 2, "r2": 3}
    assert scores["A"].to_dict() == pytest.approx({"r1": 0.0, "r2": 25.0, "r3": 100.0})
    assert result.weights.to_dict() == pytest.approx({"i1": 0.3, "i2": 0.3, "i3": 0.4})
    # obstacles of r1: shortfalls (1, 1, 0) × weights (0.3, 0.3, 0.4) → (0.5, 0.5, 0)
    r1 = result.indicators[result.indicators["region"] == "r1"].set_index("indicator")["obstacle"]
    assert r1.to_dict() == pytest.approx({"i1": 0.5, "i2": 0.5, "i3": 0.0})
    # contributions of r3: 0.6·100 / 60 = 1 from A, 0 from B
    assert result.contributions.loc["r3"].to_dict() == pytest.approx({"A": 1.0, "B": 0.0})


def test_geometric_and_topsis_aggregation() -> None:
    geo = composite(HAND, method(aggregation="geometric")).scores.set_index("region")["score"]
    # r3: A = exp(½ ln 100 + ½ ln 100) = 100, B = max(0, 1) = 1 → exp(0.6 ln 100 + 0.4 ln 1) = 100^0.6
    assert geo["r3"] == pytest.approx(100**0.6)
    top = composite(HAND, method(aggregation="topsis"))
    values = HAND.pivot(index="region", columns="indicator", values="value").to_numpy()
    expected = 100 * topsis(values, [0.3, 0.3, 0.4], [1, 1, -1], normalize="vector")
    assert top.scores.set_index("region").loc[["r1", "r2", "r3"], "score"].to_numpy() == pytest.approx(expected)


def test_missing_values_renormalize_the_weights() -> None:
    data = HAND.copy()
    data.loc[(data["region"] == "r2") & (data["indicator"] == "i2"), "value"] = np.nan
    result = composite(data, method())
    a = result.scores.set_index("region")["A"]
    assert a["r2"] == pytest.approx(50.0)  # only i1 (score 50) counts in domain A


def test_method_version_changes_with_any_choice() -> None:
    a, b = method(), method(domain_weights={"A": 0.5, "B": 0.5})
    assert a.version != b.version
    assert parse_method(a.to_yaml()).version == a.version
    assert len(a.version) == 12


def test_method_file_errors_are_located() -> None:
    with pytest.raises(InputError, match=r"m.yaml:3:16: 字段 normalization"):
        parse_method("name: x\nindicators: [{code: a}]\nnormalization: minimax\n", "m.yaml")


def test_monte_carlo_engine_reproduces_the_nominal_scores() -> None:
    rng = np.random.default_rng(2)
    regions, codes = [f"r{i}" for i in range(30)], [f"i{j}" for j in range(6)]
    data = pd.DataFrame(
        [
            {"region": r, "indicator": c, "value": rng.uniform(10, 90), "domain": "AB"[j % 2], "direction": "higher"}
            for r in regions
            for j, c in enumerate(codes)
        ]
    )
    m = Method.model_validate(
        {"name": "mc", "indicators": [{"code": c} for c in codes], "treatment": {"winsorize": False}}
    )
    nominal = composite(data, m)
    from jundeng.appraise.composite import build_matrix, treat

    matrix = build_matrix(data, m)
    treated, _, _ = treat(m, matrix)
    engine = _Engine(m, matrix, treated)
    g = nominal.weights.to_numpy()[None, :]
    arithmetic = engine.evaluate(np.array([0]), np.array([0]), g)[:, 0]
    expected = nominal.scores.set_index("region").reindex(matrix.regions)["score"].to_numpy()
    assert arithmetic == pytest.approx(expected, abs=1e-9)
    spread = monte_carlo(data, m, nominal)
    summary = spread.summary.set_index("region")
    assert (summary["rank_p05"] <= summary["rank"]).all() and (summary["rank"] <= summary["rank_p95"]).all()
    assert set(spread.sobol["factor"]) >= {"normalization", "aggregation", "leave_one_out"}


def test_monte_carlo_without_alternatives_keeps_the_ranking() -> None:
    m = method(
        uncertainty={
            "replications": 100,
            "concentration": 1e6,
            "normalizations": ["minmax"],
            "aggregations": ["arithmetic"],
            "leave_one_out": False,
            "sobol_samples": 16,
        }
    )
    nominal = composite(HAND, m)
    summary = monte_carlo(HAND, m, nominal).summary.set_index("region")
    assert (summary["rank_p05"] == summary["rank"]).all() and (summary["rank_p95"] == summary["rank"]).all()


def test_monte_carlo_with_a_single_indicator_does_not_leave_it_out() -> None:
    """One indicator with data (a new city's first year): leaving it out used to divide by zero."""
    one = HAND[HAND["indicator"] == "i1"]
    m = method(indicators=[{"code": "i1"}], domain_weighting="equal", domain_weights={})
    nominal = composite(one, m)
    spread = monte_carlo(one, m, nominal)
    summary = spread.summary.set_index("region")
    assert summary["score_median"].notna().all() and list(summary["rank"]) == [1, 2, 3]
    assert "leave_one_out" not in set(spread.sobol["factor"])


def test_topsis_engine_matches_topsis() -> None:
    m = method(uncertainty={"aggregations": ["topsis"], "normalizations": ["minmax"], "sobol_samples": 16})
    from jundeng.appraise.composite import build_matrix, treat

    matrix = build_matrix(HAND, m)
    treated, _, _ = treat(m, matrix)
    engine = _Engine(m, matrix, treated)
    w = np.array([[0.3, 0.3, 0.4], [0.1, 0.2, 0.7]])
    got = engine.evaluate(np.array([0, 0]), np.array([0, 0]), w)
    for r in range(2):
        assert got[:, r] == pytest.approx(100 * topsis(treated, w[r], [1, 1, -1], normalize="vector"))
