"""Design-based proportions and means with Taylor-linearised standard errors, domains, post-stratification (pure).

A proportion or mean is the ratio estimator ŷ = Σ w_i y_i / Σ w_i over the respondents of a domain; its
linearised variable is z_i = w_i (y_i − ŷ) / Σ w for those rows and 0 for every other row of the design (other
domains, no answer), so that a domain is estimated as a subpopulation of the whole design, never as a
separate sample (Lumley, T. (2010) *Complex Surveys*, §2.3; R ``survey::svymean`` on a subset; samplics
``TaylorEstimator`` with ``domain``). The variance of z is :meth:`jundeng.survey.design.Design.variance`.

Definitions, chosen to equal samplics and R survey:

- quantile: Student t with the design degrees of freedom (PSUs − strata among the rows that answered the
  item, the whole sample, not the domain), as samplics and R ``degf``; every interval uses it;
- mean: ŷ ± t·se (samplics ``mean``);
- proportion, ``ci="logit"`` (default): logit(p) ± t·se/(p(1 − p)) back-transformed (R ``svyciprop``
  ``method="logit"``; equal to samplics ``prop``), Wilson at p = 0 or 1 where the logit is infinite
  (samplics reports [0, 0] or [1, 1] there); ``"wilson"``: Wilson's score interval with the effective sample
  size n' = p(1 − p)/se²; ``"wald"``: p ± t·se clipped to [0, 1];
- deff (Kish; R ``svymean(deff=TRUE)``, samplics computes none): V_design / V_srs with
  V_srs = s²/n · (1 − n/N̂) when the design has ``stratum_size`` (else s²/n, R ``deff="replace"``),
  s² = n/(n − 1) · Σ w (y − ŷ)² / Σ w over the domain's respondents, N̂ = Σ w there (for 0/1 answers
  s²/n = p(1 − p)/(n − 1)); n_eff = n / deff. Where V_srs is 0 (no variation, n < 2) deff is NaN, n_eff = n;
- small: n < ``min_n`` or n_eff < ``min_n`` — flagged, never hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from jundeng.survey.design import Design, FloatArray, SurveyError, shown_rows

CI_METHODS = ("logit", "wilson", "wald")
COMPARATORS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class Estimate:
    """One estimate of a domain: value, standard error, interval, respondents, design effect, small-sample flag."""

    group: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    deff: float
    n_eff: float
    small: bool


def _answers(y: ArrayLike, design: Design, *, binary: bool) -> FloatArray:
    """Return y as floats (NaN = no answer), checking its length, finiteness and, for proportions, 0/1."""
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SurveyError("答案须为数值（缺答为空）", "answers must be numbers (blank for no answer)") from exc
    if values.shape != (design.n,):
        raise SurveyError(
            f"答案个数 {values.size} 与设计的 {design.n} 行不符",
            f"{values.size} answers for a design of {design.n} rows",
        )
    bad = np.isinf(values)
    if binary:
        bad |= ~np.isnan(values) & (values != 0) & (values != 1)
    if bad.any():
        rows = shown_rows(bad)
        zh, en = (
            ("须为 0 或 1（缺答为空）", "must be 0 or 1 (blank for no answer)")
            if binary
            else ("须为有限数", "must be finite")
        )
        raise SurveyError(f"答案{zh}（第 {rows} 行）", f"answers {en} (row(s) {rows})")
    return values


def _groups(domain: ArrayLike | None, n: int) -> list[tuple[str, NDArray[np.bool_]]]:
    """Return (label, rows) per domain value sorted by label, or one ``total``; blank domains belong to none."""
    if domain is None:
        return [("total", np.ones(n, dtype=bool))]
    values = np.asarray(domain, dtype=object)
    if values.shape != (n,):
        raise SurveyError(f"分组个数 {values.size} 与设计的 {n} 行不符", f"{values.size} domain values for {n} rows")
    present = ~np.asarray(pd.isna(values), dtype=bool)
    labels = np.array([str(v) for v in values], dtype=object)
    return [(str(label), present & (labels == label)) for label in sorted(set(labels[present]))]


def _check_options(level: float, min_n: int) -> None:
    if not 0 < level < 1:
        raise SurveyError(f"置信水平须在 0 与 1 之间，而非 {level}", f"level must lie between 0 and 1, not {level}")
    if min_n < 0:
        raise SurveyError(f"最小样本量不能为负：{min_n}", f"min_n cannot be negative: {min_n}")


def wilson(p: float, n_eff: float, q: float) -> tuple[float, float]:
    """Return Wilson's interval (p + q²/2n ± q √(p(1−p)/n + q²/4n²)) / (1 + q²/n) with n the effective size."""
    if not n_eff > 0:
        return 0.0, 1.0
    a = q * q / n_eff
    centre = (p + a / 2) / (1 + a)
    half = q / (1 + a) * math.sqrt(p * (1 - p) / n_eff + a / (4 * n_eff))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def logit_interval(p: float, se: float, q: float) -> tuple[float, float]:
    """Return expit(logit(p) ± q·se/(p(1 − p))) (R ``svyciprop(method="logit")``), for 0 < p < 1."""
    location, scale = math.log(p / (1 - p)), se / (p * (1 - p))
    return float(special.expit(location - q * scale)), float(special.expit(location + q * scale))


def _proportion_interval(p: float, se: float, q: float, n_eff: float, ci: str) -> tuple[float, float]:
    """Return the interval of a proportion by the ``ci`` method (module doc)."""
    boundary = p <= 0 or p >= 1
    if ci == "wald":
        return max(p - q * se, 0.0), min(p + q * se, 1.0)
    if ci == "logit" and not boundary:
        return logit_interval(p, se, q)
    size = p * (1 - p) / se**2 if se > 0 and not boundary else n_eff
    return wilson(p, size, q)


def _estimates(
    values: FloatArray,
    design: Design,
    domain: ArrayLike | None,
    *,
    level: float,
    lonely: str,
    min_n: int,
    ci: str | None,
) -> list[Estimate]:
    """Return one :class:`Estimate` per domain of the weighted mean of ``values`` (a proportion when ``ci``)."""
    _check_options(level, min_n)
    design.check_lonely(lonely)
    answered = ~np.isnan(values)
    q = float(stats.t.ppf(1 - (1 - level) / 2, design.degrees_of_freedom(answered))) if answered.any() else math.nan
    result = []
    for label, members in _groups(domain, design.n):
        rows = members & answered
        n = int(rows.sum())
        if n == 0:
            result.append(Estimate(label, math.nan, math.nan, math.nan, math.nan, 0, math.nan, 0.0, True))
            continue
        w, y = design.weight[rows], values[rows]
        total = float(w.sum())
        point = float((w * y).sum() / total)
        z = np.zeros(design.n)
        z[rows] = w * (y - point) / total
        se = math.sqrt(design.variance(z, lonely))
        s2 = float((w * (y - point) ** 2).sum() / total) * n / (n - 1) if n > 1 else 0.0
        srs = s2 / n * (1 - n / total if design.stratum_size is not None and total > n else 1.0)
        deff = se**2 / srs if srs > 0 else math.nan
        n_eff = n / deff if deff > 0 else float(n)
        if ci is None:
            low, high = point - q * se, point + q * se
        else:
            low, high = _proportion_interval(point, se, q, n_eff, ci)
        small = n < min_n or n_eff < min_n
        result.append(Estimate(label, point, se, low, high, n, deff, n_eff, small))
    return result


def proportion(
    y: ArrayLike,
    design: Design,
    *,
    domain: ArrayLike | None = None,
    level: float = 0.95,
    ci: str = "logit",
    lonely: str = "error",
    min_n: int = 30,
) -> list[Estimate]:
    """Return p = Σ w y / Σ w of 0/1 answers per domain (NaN = no answer) with linearised SE (module doc)."""
    if ci not in CI_METHODS:
        raise SurveyError(
            f"区间方法须为 {'、'.join(CI_METHODS)} 之一，而非 {ci!r}",
            f"ci must be one of {', '.join(CI_METHODS)}, not {ci!r}",
        )
    values = _answers(y, design, binary=True)
    return _estimates(values, design, domain, level=level, lonely=lonely, min_n=min_n, ci=ci)


def mean(
    y: ArrayLike,
    design: Design,
    *,
    domain: ArrayLike | None = None,
    level: float = 0.95,
    lonely: str = "error",
    min_n: int = 30,
) -> list[Estimate]:
    """Return ȳ = Σ w y / Σ w per domain (NaN = no answer), se by linearisation, interval ȳ ± t·se."""
    values = _answers(y, design, binary=False)
    return _estimates(values, design, domain, level=level, lonely=lonely, min_n=min_n, ci=None)


def post_stratify(weight: ArrayLike, cells: ArrayLike, totals: Mapping[str, float]) -> FloatArray:
    """Return w_i · T_c / Σ_{j ∈ c} w_j for row i in cell c, so each cell's weights sum to its known total T_c."""
    w = np.asarray(weight, dtype=np.float64)
    bad = ~np.isfinite(w) | (w <= 0)
    if bad.any():
        rows = shown_rows(bad)
        raise SurveyError(f"权数须为大于 0 的有限数（第 {rows} 行）", f"weights must be finite and > 0 (row(s) {rows})")
    raw = np.asarray(cells, dtype=object)
    if raw.shape != w.shape:
        raise SurveyError(
            f"事后分层单元个数 {raw.size} 与权数 {w.size} 个不符", f"{raw.size} cells for {w.size} weights"
        )
    missing = np.asarray(pd.isna(raw), dtype=bool)
    if missing.any():
        rows = shown_rows(missing)
        raise SurveyError(f"事后分层单元缺失（第 {rows} 行）", f"missing post-stratification cell in row(s) {rows}")
    labels = np.array([str(c) for c in raw], dtype=object)
    known = {str(k): float(v) for k, v in totals.items()}
    checks = (
        (sorted(set(labels) - set(known)), "以下单元没有总体总数", "no population total for cell(s)"),
        (sorted(k for k, v in known.items() if not (math.isfinite(v) and v > 0)), "总体总数须大于 0", "total ≤ 0 for"),
        (sorted(set(known) - set(labels)), "以下单元没有应答者", "no respondents in cell(s)"),
    )
    for names, zh, en in checks:
        if names:
            shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
            raise SurveyError(f"{zh}：{shown}", f"{en}: {shown}")
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object))
    sums = np.bincount(codes, weights=w)
    factor = np.array([known[str(u)] for u in uniques]) / sums
    return np.asarray(w * factor[codes], dtype=np.float64)


def judge(estimate: Estimate, comparator: str, target: float) -> str:
    """Return ``met`` when the whole interval satisfies ``estimate comparator target``, ``not_met`` when none of it."""
    if comparator not in COMPARATORS:
        raise SurveyError(
            f"比较符须为 {' '.join(COMPARATORS)} 之一，而非 {comparator!r}",
            f"comparator must be one of {' '.join(COMPARATORS)}, not {comparator!r}",
        )
    low, high = estimate.ci_low, estimate.ci_high
    if math.isnan(low) or math.isnan(high) or math.isnan(target):
        return "undetermined"
    outcomes = {
        ">=": (low >= target, high < target),
        ">": (low > target, high <= target),
        "<=": (high <= target, low > target),
        "<": (high < target, low >= target),
    }
    met, not_met = outcomes[comparator]
    return "met" if met else "not_met" if not_met else "undetermined"
