"""The hierarchical composite equalization index: indicator → domain → overall, per region, one year.

Pipeline (each step set by the :class:`~jundeng.appraise.method.Method`): impute → winsorize or log →
normalize to scores (100 = best) → weights within each domain (equal, fixed, entropy, CRITIC, PCA) and
between domains (equal, fixed, AHP) → aggregate. With global weights g_j = W_d · w_j:

- arithmetic: S_i = Σ_j g_j s_ij / Σ_j g_j over the indicators region i has;
- geometric:  S_i = exp(Σ_j g_j ln max(s_ij, 1) / Σ_j g_j) (scores floored at 1 so that a zero does not
  annihilate the product); both equal the two-level (domain, then overall) aggregation;
- TOPSIS: domain scores and the overall score are 100 × the TOPSIS closeness of the treated values.

Obstacle degree (障碍度): O_ij = g_j (1 − s_ij/100) / Σ_k g_k (1 − s_ik/100), the share of region i's
shortfall from the best possible score that indicator j causes. Domain contribution: W_d S_id / S_i.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jundeng.appraise import weights as weighting
from jundeng.appraise.closeness import topsis
from jundeng.appraise.method import Method
from jundeng.appraise.normalize import impute, log_skewed, normalize, winsorize
from jundeng.measure._inputs import FloatArray, MeasureError

REQUIRED = ("region", "indicator", "value", "domain", "direction")


@dataclass(frozen=True, eq=False)
class Matrix:
    """The region × indicator matrix of one year with what each column needs."""

    regions: list[str]
    codes: list[str]
    domains: list[str]
    directions: np.ndarray
    values: FloatArray
    previous: FloatArray | None
    targets: FloatArray | None
    left_out: list[str]  # the method's indicators without any value (left out, with a note)


@dataclass(frozen=True, eq=False)
class CompositeResult:
    """Scores, ranks, domain sub-scores, indicator detail and weights, with the method that made them."""

    method: Method
    scores: pd.DataFrame  # region, score, rank, then one column per domain
    indicators: pd.DataFrame  # region, indicator, domain, value, score, weight, imputed, clipped, obstacle
    weights: pd.Series  # global indicator weights g_j (sum 1)
    domain_weights: pd.Series  # W_d (sum 1)
    contributions: pd.DataFrame  # region × domain: W_d S_id / S_i
    left_out: list[str]  # indicators of the method without data (not scored)

    @property
    def version(self) -> str:
        """Return the version of the method that produced the result."""
        return self.method.version


def build_matrix(df: pd.DataFrame, method: Method) -> Matrix:
    """Return the matrix of the method's indicators (in method order) from a long frame of one year."""
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise MeasureError(f"缺少列 {missing}", f"missing columns {missing}")
    codes = [i.code for i in method.indicators]
    data = df[df["indicator"].isin(codes)]
    wide = data.pivot_table(index="region", columns="indicator", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=codes)
    empty = [c for c in codes if wide[c].isna().all()]
    if len(empty) == len(codes):
        raise MeasureError("方法中的指标都没有数据", "none of the method's indicators has data")
    codes = [c for c in codes if c not in empty]
    wide = wide[codes]
    meta = data.drop_duplicates("indicator").set_index("indicator")
    directions = np.array([_direction(meta.loc[c, "direction"]) for c in codes])

    def optional(column: str) -> FloatArray | None:
        if column not in data.columns:
            return None
        pivot = data.pivot_table(index="region", columns="indicator", values=column, aggfunc="first", dropna=False)
        return pivot.reindex(index=wide.index, columns=codes).to_numpy(dtype=np.float64)

    return Matrix(
        regions=[str(r) for r in wide.index],
        codes=codes,
        domains=[str(meta.loc[c, "domain"]) for c in codes],
        directions=directions,
        values=wide.to_numpy(dtype=np.float64),
        previous=optional("previous"),
        targets=optional("target"),
        left_out=empty,
    )


def _direction(value: object) -> int:
    if value in (1, "1", "higher", 1.0):
        return 1
    if value in (-1, "-1", "lower", -1.0):
        return -1
    raise MeasureError(f"方向无效 {value!r}", f"invalid direction {value!r}: higher/lower or +1/−1")


def _indicator_weights(method: Method, matrix: Matrix, treated: FloatArray) -> FloatArray:
    """Return within-domain weights w_j (each domain's weights sum to 1)."""
    result = np.zeros(len(matrix.codes))
    expert = {i.code: i.weight for i in method.indicators}
    fixed = np.array([expert[c] for c in matrix.codes], dtype=np.float64)
    filled = np.where(np.isnan(treated), np.nanmean(treated, axis=0), treated)
    for domain in dict.fromkeys(matrix.domains):
        cols = np.array([d == domain for d in matrix.domains])
        sub, dirs = filled[:, cols], matrix.directions[cols]
        if method.weighting == "equal" or cols.sum() == 1:
            w = weighting.equal(int(cols.sum()))
        elif method.weighting == "fixed":
            w = weighting.fixed(fixed[cols])
        elif method.weighting == "entropy":
            w = weighting.entropy(sub, dirs)
        elif method.weighting == "critic":
            w = weighting.critic(sub, dirs)
        elif method.weighting == "pca":
            w = weighting.pca(sub)
        else:  # ahp applies between domains; within domains it means equal weights
            w = weighting.equal(int(cols.sum()))
        result[cols] = w
    return result


def domain_weights(method: Method, domains: list[str]) -> pd.Series:
    """Return W_d for the domains (in order of first appearance in the method): equal, fixed or AHP."""
    if method.domain_weighting == "fixed":
        raw = np.array([method.domain_weights.get(d, 0.0) for d in domains], dtype=np.float64)
        values = weighting.fixed(raw)
    elif method.domain_weighting == "ahp":
        assert method.ahp_matrix is not None
        if len(method.ahp_matrix) != len(domains):
            raise MeasureError(
                f"判断矩阵应为 {len(domains)} 阶（领域 {domains}）",
                f"the AHP matrix must be {len(domains)}×{len(domains)} (domains {domains})",
            )
        values = weighting.ahp_check(np.asarray(method.ahp_matrix), override=method.allow_inconsistent_ahp)
    else:
        values = weighting.equal(len(domains))
    return pd.Series(values, index=domains, name="weight")


def treat(method: Method, matrix: Matrix) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    """Return (treated values, imputed mask, clipped mask) per the method's treatment."""
    values, imputed = impute(matrix.values, method.treatment.impute, matrix.previous)
    clipped = np.zeros(values.shape, dtype=bool)
    if method.treatment.winsorize:
        t = method.treatment
        values, clipped = winsorize(values, t.skew, t.kurtosis, t.max_share)
    if method.treatment.log:
        values, _ = log_skewed(values, method.treatment.skew, method.treatment.kurtosis)
    return values, imputed, clipped


def aggregate(scores: FloatArray, global_weights: FloatArray, how: str) -> FloatArray:
    """Return the weighted arithmetic or geometric mean of each row over its non-missing scores."""
    present = ~np.isnan(scores)
    g = np.where(present, global_weights, 0.0)
    total = g.sum(axis=1)
    if how == "geometric":
        logs = np.where(present, np.log(np.maximum(np.nan_to_num(scores), 1.0)), 0.0)
        result: FloatArray = np.exp((g * logs).sum(axis=1) / np.where(total > 0, total, 1.0))
    else:
        result = (g * np.nan_to_num(scores)).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, result, np.nan)


def composite(df: pd.DataFrame, method: Method) -> CompositeResult:
    """Return the composite index of one year from a long frame (region, indicator, value, domain, direction).

    Optional columns: ``previous`` (last year's value, for ``impute: last``), ``target`` (for the
    ``target`` normalization and ``reference`` is not needed: ``ratio`` uses the column mean).
    """
    matrix = build_matrix(df, method)
    treated, imputed, clipped = treat(method, matrix)
    posts = {i.code: i.goalposts for i in method.indicators}
    goalposts = [posts[c] for c in matrix.codes] if method.normalization == "minmax_fixed" else None
    reference = np.nanmean(treated, axis=0) if method.normalization == "ratio" else None
    scores = normalize(
        treated,
        matrix.directions,
        method.normalization,
        goalposts=goalposts,  # type: ignore[arg-type]
        targets=matrix.targets,
        reference=reference,
    )
    within = _indicator_weights(method, matrix, treated)
    domains = list(dict.fromkeys(matrix.domains))
    dweights = domain_weights(method, domains)
    g = within * dweights.reindex(matrix.domains).to_numpy()
    g = g / g.sum()
    domain_scores = {}
    for d in domains:
        cols = np.array([x == d for x in matrix.domains])
        if method.aggregation == "topsis":
            domain_scores[d] = 100.0 * _topsis(treated[:, cols], within[cols], matrix.directions[cols])
        else:
            domain_scores[d] = aggregate(scores[:, cols], within[cols], method.aggregation)
    if method.aggregation == "topsis":
        overall = 100.0 * _topsis(treated, g, matrix.directions)
    else:
        stacked = np.column_stack([domain_scores[d] for d in domains])
        overall = aggregate(stacked, dweights.to_numpy(), method.aggregation)
    table = pd.DataFrame({"region": matrix.regions, "score": overall})
    table["rank"] = table["score"].rank(ascending=False, method="min").astype("Int64")
    for d in domains:
        table[d] = domain_scores[d]
    shortfall = g * np.clip(1.0 - np.nan_to_num(scores, nan=100.0) / 100.0, 0.0, 1.0)
    sums = shortfall.sum(axis=1, keepdims=True)
    obstacle = np.divide(shortfall, sums, out=np.zeros_like(shortfall), where=sums > 0)
    contrib = pd.DataFrame(
        {d: dweights[d] * domain_scores[d] / np.where(overall > 0, overall, np.nan) for d in domains},
        index=pd.Index(matrix.regions, name="region"),
    )
    long = pd.DataFrame(
        {
            "region": np.repeat(matrix.regions, len(matrix.codes)),
            "indicator": np.tile(matrix.codes, len(matrix.regions)),
            "domain": np.tile(matrix.domains, len(matrix.regions)),
            "value": matrix.values.ravel(),
            "treated": treated.ravel(),
            "score": scores.ravel(),
            "weight": np.tile(g, len(matrix.regions)),
            "imputed": imputed.ravel(),
            "clipped": clipped.ravel(),
            "obstacle": obstacle.ravel(),
        }
    )
    return CompositeResult(
        method=method,
        scores=table.sort_values(["rank", "region"]).reset_index(drop=True),
        indicators=long,
        weights=pd.Series(g, index=matrix.codes, name="weight"),
        domain_weights=dweights,
        contributions=contrib,
        left_out=matrix.left_out,
    )


def _topsis(values: FloatArray, w: FloatArray, directions: np.ndarray) -> FloatArray:
    filled = np.where(np.isnan(values), np.nanmean(values, axis=0), values)
    return np.asarray(topsis(filled, w / w.sum(), directions, normalize="vector"), dtype=np.float64)
