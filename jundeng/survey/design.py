"""A complex survey design (weights, strata, PSUs, finite population) and its Taylor-linearised variance (pure).

The variance of an estimator whose linearised variable (influence score) is z_i is the with-replacement
"ultimate cluster" estimator between PSUs within strata, with the finite-population correction of each stratum:

    V = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i ∈ h} (z_hi − z̄_h)²,   f_h = n_h / N_h

where z_hi is the total of z over PSU i of stratum h, z̄_h their mean, n_h the number of PSUs sampled in
stratum h and N_h the number of PSUs in the population of stratum h (Wolter, K. (2007) *Introduction to
Variance Estimation*, §6; Lumley, T. (2010) *Complex Surveys*, §2; R ``survey::svyrecvar``; samplics
``TaylorEstimator``, whose ``fpc`` is the per-stratum factor 1 − f_h). Without PSUs every row is its own PSU;
without strata the whole sample is one stratum; without ``stratum_size`` there is no correction (f_h = 0).
PSU labels are nested in strata (the same label in two strata names two PSUs, R ``nest=TRUE``).

A stratum with a single PSU has no within-stratum variance; ``lonely`` says what to do with it:

- ``"error"`` (default): refuse, naming the strata;
- ``"certainty"``: the stratum contributes 0 (R ``options(survey.lonely.psu = "certainty")``; samplics
  ``SinglePSUEst.skip`` — samplics' own ``certainty`` makes the rows of the stratum its PSUs instead);
- ``"adjust"``: the PSU total is centred at the mean PSU total of the whole sample, z̄ = Σ z / Σ_h n_h,
  contributing (1 − f_h)·(z_h1 − z̄)² (R ``survey.lonely.psu = "adjust"``, survey ≥ 4.2; samplics has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jundeng.errors import JundengError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
LONELY = ("error", "certainty", "adjust")


class SurveyError(JundengError):
    """An input the survey engine cannot take, explained in Chinese and English."""


def shown_rows(mask: NDArray[np.bool_]) -> str:
    """Return the 1-based row numbers where ``mask`` holds, the first five and an ellipsis."""
    rows = [str(int(i) + 1) for i in np.flatnonzero(mask)]
    return ", ".join(rows[:5]) + (" …" if len(rows) > 5 else "")


def _shown(labels: Sequence[Any]) -> str:
    items = [str(label) for label in labels]
    return ", ".join(items[:5]) + (" …" if len(items) > 5 else "")


def _codes(values: NDArray[Any], name: str, zh: str) -> tuple[IntArray, NDArray[Any]]:
    """Return integer codes of the labels and the labels, refusing missing ones."""
    missing = np.asarray(pd.isna(values), dtype=bool)
    if missing.any():
        raise SurveyError(f"{zh}缺失（第 {shown_rows(missing)} 行）", f"missing {name} in row(s) {shown_rows(missing)}")
    codes, labels = pd.factorize(pd.Series(values, dtype=object), sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(labels, dtype=object)


@dataclass(frozen=True, eq=False)
class Design:
    """The sampling design of a survey, one value per row: weight, stratum, PSU and stratum population size N_h.

    ``stratum_size`` is the number of PSUs in the population of the row's stratum (constant within a stratum),
    giving f_h = n_h / N_h with n_h the PSUs sampled there; rows with no answer to an item stay in the design.
    """

    weight: FloatArray
    stratum: NDArray[Any] | None = None
    psu: NDArray[Any] | None = None
    stratum_size: FloatArray | None = None
    stratum_codes: IntArray = field(init=False, repr=False, compare=False)
    stratum_labels: NDArray[Any] = field(init=False, repr=False, compare=False)
    psu_codes: IntArray = field(init=False, repr=False, compare=False)
    psu_stratum: IntArray = field(init=False, repr=False, compare=False)
    psu_counts: IntArray = field(init=False, repr=False, compare=False)
    fpc: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weight = np.asarray(self.weight, dtype=np.float64)
        n = weight.shape[0] if weight.ndim == 1 else -1
        if n <= 0:
            raise SurveyError("权数须为非空的一维数组", "weights must be a non-empty one-dimensional array")
        bad = ~np.isfinite(weight) | (weight <= 0)
        if bad.any():
            rows = shown_rows(bad)
            raise SurveyError(
                f"权数须为大于 0 的有限数（第 {rows} 行）", f"weights must be finite and > 0 (row(s) {rows})"
            )
        object.__setattr__(self, "weight", weight)
        for name, array in (("stratum", self.stratum), ("psu", self.psu), ("stratum_size", self.stratum_size)):
            if array is not None and np.asarray(array).shape != (n,):
                raise SurveyError(f"{name} 的行数与权数 {n} 行不符", f"{name} does not have one value per row ({n})")
        if self.stratum is None:
            strata, stratum_labels = np.zeros(n, dtype=np.int64), np.array(["total"], dtype=object)
        else:
            strata, stratum_labels = _codes(np.asarray(self.stratum), "stratum", "层")
        if self.psu is None:
            psus = np.arange(n, dtype=np.int64)
        else:
            psu_codes, _ = _codes(np.asarray(self.psu), "PSU", "初级抽样单元")
            psus = np.unique(np.stack([strata, psu_codes]), axis=1, return_inverse=True)[1].reshape(-1)
        psu_stratum = np.zeros(int(psus.max()) + 1, dtype=np.int64)
        psu_stratum[psus] = strata
        counts = np.bincount(psu_stratum, minlength=len(stratum_labels)).astype(np.int64)
        object.__setattr__(self, "stratum_codes", strata)
        object.__setattr__(self, "stratum_labels", stratum_labels)
        object.__setattr__(self, "psu_codes", psus.astype(np.int64))
        object.__setattr__(self, "psu_stratum", psu_stratum)
        object.__setattr__(self, "psu_counts", counts)
        object.__setattr__(self, "fpc", self._fpc(strata, counts))

    def _fpc(self, strata: IntArray, counts: IntArray) -> FloatArray:
        """Return 1 − n_h / N_h per stratum (1 without ``stratum_size``), checking N_h."""
        if self.stratum_size is None:
            return np.ones(len(counts))
        size = np.asarray(self.stratum_size, dtype=np.float64)
        object.__setattr__(self, "stratum_size", size)
        bad = ~np.isfinite(size) | (size <= 0)
        if bad.any():
            rows = shown_rows(bad)
            raise SurveyError(
                f"层总体规模须为大于 0 的有限数（第 {rows} 行）", f"stratum size must be finite and > 0 (row(s) {rows})"
            )
        per_stratum = np.full(len(counts), np.inf)
        np.minimum.at(per_stratum, strata, size)
        highest = np.full(len(counts), -np.inf)
        np.maximum.at(highest, strata, size)
        varies = (per_stratum != highest)[strata]
        if varies.any():
            rows = shown_rows(varies)
            raise SurveyError(
                f"同一层内的总体规模不一致（第 {rows} 行）", f"stratum size varies within a stratum (row(s) {rows})"
            )
        small = size < counts[strata]
        if small.any():
            rows = shown_rows(small)
            raise SurveyError(
                f"层总体规模小于该层样本 PSU 数（第 {rows} 行）",
                f"stratum size is below the number of PSUs sampled in the stratum (row(s) {rows})",
            )
        return np.asarray(1.0 - counts / per_stratum, dtype=np.float64)

    @property
    def n(self) -> int:
        """Return the number of rows."""
        return int(self.weight.shape[0])

    def lonely_strata(self) -> list[str]:
        """Return the labels of the strata with a single PSU."""
        return [str(label) for label in self.stratum_labels[self.psu_counts == 1]]

    def check_lonely(self, lonely: str) -> None:
        """Refuse an unknown ``lonely`` option, and single-PSU strata when it is ``"error"``."""
        if lonely not in LONELY:
            raise SurveyError(
                f"单 PSU 层的处理方式须为 {'、'.join(LONELY)} 之一，而非 {lonely!r}",
                f"lonely must be one of {', '.join(LONELY)}, not {lonely!r}",
            )
        lonely_labels = self.lonely_strata()
        if lonely == "error" and lonely_labels:
            names = _shown(lonely_labels)
            raise SurveyError(
                f"以下层只有一个初级抽样单元，无法估计方差：{names}（可选 certainty 或 adjust 处理）",
                f"stratum {names} has a single PSU: no variance can be estimated (choose certainty or adjust)",
            )

    def variance(self, z: FloatArray, lonely: str = "error") -> float:
        """Return V = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (z_hi − z̄_h)² of the linearised variable z (module doc)."""
        self.check_lonely(lonely)
        totals = np.bincount(self.psu_codes, weights=z, minlength=len(self.psu_stratum))
        counts = self.psu_counts
        means = np.bincount(self.psu_stratum, weights=totals, minlength=len(counts)) / np.maximum(counts, 1)
        squares = np.bincount(self.psu_stratum, weights=(totals - means[self.psu_stratum]) ** 2, minlength=len(counts))
        several = counts > 1
        between = self.fpc[several] * counts[several] / (counts[several] - 1) * squares[several]
        result = float(between.sum())
        if lonely == "adjust" and (counts == 1).any():
            centre = totals.sum() / len(totals)
            single = counts[self.psu_stratum] == 1
            result += float((self.fpc[self.psu_stratum[single]] * (totals[single] - centre) ** 2).sum())
        return max(result, 0.0)

    def degrees_of_freedom(self, rows: NDArray[np.bool_]) -> int:
        """Return the design degrees of freedom over ``rows``: PSUs − strata among them (at least 1)."""
        psus = np.unique(self.psu_codes[rows]).size
        strata = np.unique(self.stratum_codes[rows]).size
        return max(psus - strata, 1)
