"""Uncertainty and sensitivity of the composite index over the methodological choices.

Monte Carlo (OECD-JRC Handbook 2008, §7; Saisana, Saltelli & Tarantola 2005): each replication draws
the indicator weights from a Dirichlet around the chosen global weights g (α_j = c · n · g_j), one of
the alternative normalizations and aggregations, and possibly leaves one indicator out. Replications
are array columns, never a Python loop: for normalization k and weights G (R × n),

    arithmetic   S = (s_k ⊙ M) Gᵀ / (M Gᵀ)              (M = 1 where the region has the indicator)
    geometric    S = exp((ln max(s_k, 1) ⊙ M) Gᵀ / (M Gᵀ))
    TOPSIS       D±² = A± (G ⊙ G)ᵀ, A± = (r − r±)²,  S = 100 · D⁻ / (D⁺ + D⁻)

(r: vector-normalized values, r± the ideal and anti-ideal per direction), so one matrix product
evaluates thousands of replications. Sobol first-order and total indices (SALib, Saltelli sampling)
attribute the variance of the mean absolute rank shift to the choices: normalization, aggregation,
one multiplicative weight factor per domain (uniform on [1 − δ, 1 + δ]) and the indicator left out.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jundeng.appraise.composite import CompositeResult, Matrix, build_matrix, treat
from jundeng.appraise.method import Method
from jundeng.appraise.normalize import normalize
from jundeng.measure._inputs import FloatArray

WEIGHT_SPREAD = 0.25  # δ of the Sobol weight factors


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """Distribution of each region's score and rank over the replications, and the Sobol indices."""

    summary: pd.DataFrame  # region, nominal score and rank, score/rank median, p05, p95
    sobol: pd.DataFrame  # factor, S1, S1_conf, ST, ST_conf
    replications: int


class _Engine:
    """Precomputed normalized matrices for fast evaluation of many weightings at once."""

    def __init__(self, method: Method, matrix: Matrix, treated: FloatArray) -> None:
        self.present = ~np.isnan(treated)
        self.mask = self.present.astype(np.float64)
        self.normalizations = list(method.uncertainty.normalizations)
        self.aggregations = list(method.uncertainty.aggregations)
        self.scores = []
        for name in self.normalizations:
            s = normalize(treated, matrix.directions, name)
            self.scores.append(np.nan_to_num(s) * self.mask)
        self.logs = [np.log(np.maximum(s, 1.0)) * self.mask for s in self.scores]
        filled = np.where(self.present, treated, np.nanmean(treated, axis=0))
        norms = np.sqrt((filled**2).sum(axis=0))
        r = filled / np.where(norms > 0, norms, 1.0)
        best = np.where(matrix.directions > 0, r.max(axis=0), r.min(axis=0))
        worst = np.where(matrix.directions > 0, r.min(axis=0), r.max(axis=0))
        self.to_best, self.to_worst = (r - best) ** 2, (r - worst) ** 2

    def evaluate(self, norm_index: np.ndarray, agg_index: np.ndarray, weights: FloatArray) -> FloatArray:
        """Return scores (regions × replications) for each replication's choices and weights (R × n)."""
        out = np.empty((self.mask.shape[0], weights.shape[0]))
        cover = self.mask @ weights.T
        cover = np.where(cover > 0, cover, np.nan)
        for a, how in enumerate(self.aggregations):
            for k in range(len(self.normalizations)):
                cols = np.flatnonzero((agg_index == a) & ((norm_index == k) | (how == "topsis")))
                if how == "topsis" and k > 0:
                    continue  # TOPSIS uses its own (vector) normalization
                if cols.size == 0:
                    continue
                g = weights[cols]
                if how == "arithmetic":
                    out[:, cols] = (self.scores[k] @ g.T) / cover[:, cols]
                elif how == "geometric":
                    out[:, cols] = np.exp((self.logs[k] @ g.T) / cover[:, cols])
                else:
                    g2 = (g / g.sum(axis=1, keepdims=True)) ** 2
                    plus, minus = np.sqrt(self.to_best @ g2.T), np.sqrt(self.to_worst @ g2.T)
                    total = plus + minus
                    out[:, cols] = 100.0 * np.divide(minus, total, out=np.full_like(total, 50.0), where=total > 0)
        return out


def _ranks(scores: FloatArray) -> np.ndarray:
    """Return 1-based descending ranks per column (ties broken by order)."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[0] + 1)[:, None], axis=0)
    return ranks


def _draw_weights(
    rng: np.random.Generator, g: FloatArray, reps: int, concentration: float, drop_share: float, drop: bool
) -> FloatArray:
    alpha = np.maximum(concentration * g.size * g, 1e-3)
    weights = rng.dirichlet(alpha, size=reps)
    if drop and g.size > 1:
        dropped = rng.random(reps) < drop_share
        which = rng.integers(0, g.size, reps)
        weights[np.flatnonzero(dropped), which[dropped]] = 0.0
        weights /= weights.sum(axis=1, keepdims=True)
    return weights


def monte_carlo(df: pd.DataFrame, method: Method, nominal: CompositeResult) -> Uncertainty:
    """Return the score and rank distributions of every region and the Sobol indices of the choices."""
    spec = method.uncertainty
    matrix = build_matrix(df, method)
    treated, _, _ = treat(method, matrix)
    engine = _Engine(method, matrix, treated)
    g = nominal.weights.reindex(matrix.codes).to_numpy()
    rng = np.random.default_rng(spec.seed)
    reps = spec.replications
    drop_one = spec.leave_one_out and len(matrix.codes) > 1  # a single indicator cannot be left out
    weights = _draw_weights(rng, g, reps, spec.concentration, spec.leave_one_out_share, drop_one)
    norm_index = rng.integers(0, len(engine.normalizations), reps)
    agg_index = rng.integers(0, len(engine.aggregations), reps)
    scores = engine.evaluate(norm_index, agg_index, weights)
    ranks = _ranks(np.nan_to_num(scores, nan=-np.inf))
    nominal_scores = nominal.scores.set_index("region").reindex(matrix.regions)
    with warnings.catch_warnings():  # a region no replication can score (a single indicator left out): NaN
        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
        spread = (
            np.nanmedian(scores, axis=1),
            np.nanpercentile(scores, 5, axis=1),
            np.nanpercentile(scores, 95, axis=1),
        )
    summary = pd.DataFrame(
        {
            "region": matrix.regions,
            "score": nominal_scores["score"].to_numpy(),
            "rank": nominal_scores["rank"].to_numpy(),
            "score_median": spread[0],
            "score_p05": spread[1],
            "score_p95": spread[2],
            "rank_median": np.median(ranks, axis=1),
            "rank_p05": np.percentile(ranks, 5, axis=1),
            "rank_p95": np.percentile(ranks, 95, axis=1),
        }
    )
    sobol = _sobol(engine, matrix, nominal, method)
    return Uncertainty(summary=summary.sort_values("rank").reset_index(drop=True), sobol=sobol, replications=reps)


def _sobol(engine: _Engine, matrix: Matrix, nominal: CompositeResult, method: Method) -> pd.DataFrame:
    """Return first-order and total Sobol indices of the choices on the mean absolute rank shift."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    domains = list(nominal.domain_weights.index)
    n = len(matrix.codes)
    names = ["normalization", "aggregation", *[f"weight:{d}" for d in domains]]
    bounds: list[list[float]] = [[0.0, len(engine.normalizations)], [0.0, len(engine.aggregations)]]
    bounds += [[1 - WEIGHT_SPREAD, 1 + WEIGHT_SPREAD]] * len(domains)
    drop_one = method.uncertainty.leave_one_out and n > 1  # a single indicator cannot be left out
    if drop_one:
        names.append("leave_one_out")
        bounds.append([0.0, n + 1.0])
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    samples = sobol_sample.sample(problem, method.uncertainty.sobol_samples, seed=method.uncertainty.seed)
    norm_index = np.minimum(samples[:, 0].astype(int), len(engine.normalizations) - 1)
    agg_index = np.minimum(samples[:, 1].astype(int), len(engine.aggregations) - 1)
    domain_of = np.array([domains.index(d) for d in matrix.domains])
    g = nominal.weights.reindex(matrix.codes).to_numpy()
    weights = g[None, :] * samples[:, 2 : 2 + len(domains)][:, domain_of]
    if drop_one:
        left = np.minimum(samples[:, -1].astype(int), n)
        rows = np.flatnonzero(left < n)
        weights[rows, left[rows]] = 0.0
    weights /= weights.sum(axis=1, keepdims=True)
    scores = engine.evaluate(norm_index, agg_index, weights)
    nominal_rank = nominal.scores.set_index("region")["rank"].reindex(matrix.regions).to_numpy(dtype=float)
    shift = np.nanmean(np.abs(_ranks(np.nan_to_num(scores, nan=-np.inf)) - nominal_rank[:, None]), axis=0)
    if np.nanstd(shift) == 0:  # the ranking never moves: no variance to attribute
        zeros = np.zeros(len(names))
        return pd.DataFrame({"factor": names, "S1": zeros, "S1_conf": zeros, "ST": zeros, "ST_conf": zeros})
    result = sobol_analyze.analyze(problem, shift, seed=method.uncertainty.seed, calc_second_order=True)
    return pd.DataFrame(
        {
            "factor": names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
