"""The appraisal methodology: a versioned YAML file stored with every result.

The version is the SHA-256 of the methodology's canonical JSON, so any change in a choice, a weight or
a goalpost gives a new version, and a stored result can always be recomputed from its own method.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from jundeng.errors import JundengError
from jundeng.io.yaml_files import parse_model, read_text

Normalization = Literal["minmax", "minmax_fixed", "zscore", "rank", "target", "ratio"]
Weighting = Literal["equal", "fixed", "ahp", "entropy", "critic", "pca"]
Aggregation = Literal["arithmetic", "geometric", "topsis"]


DEFAULT_NORMALIZATIONS: tuple[Normalization, ...] = ("minmax", "zscore", "rank")
DEFAULT_AGGREGATIONS: tuple[Aggregation, ...] = ("arithmetic", "geometric")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


GapMeasure = Literal["cv", "gini", "theil", "urban_rural"]


class IndicatorChoice(_Model):
    """An indicator in the index, with its expert weight and fixed goalposts (both optional).

    A *gap indicator* scores a region by the inequality inside it: with ``gap_of`` set, the value of
    ``code`` for a region is ``gap_measure`` (population-weighted CV, Gini or Theil, or the relative
    urban/rural gap |urban − rural| / urban of the weighted means) of indicator ``gap_of`` across the
    region's units at ``gap_level``; lower is better, and ``domain`` must be given.
    """

    code: str
    weight: float = Field(default=1.0, ge=0)
    goalposts: tuple[float, float] | None = None
    gap_of: str | None = None
    gap_measure: GapMeasure = "cv"
    gap_level: Literal["town", "village"] = "village"
    domain: str | None = None

    @model_validator(mode="after")
    def _gap(self) -> IndicatorChoice:
        if self.gap_of is not None and not self.domain:
            raise JundengError("差距指标须给出领域", "a gap indicator needs a domain")
        return self


class Treatment(_Model):
    """Data treatment before normalization.

    ``winsorize``: a column whose |skewness| > ``skew`` and kurtosis > ``kurtosis`` (the rule of the
    JRC/COINr composite indicator practice) has its most extreme values clipped, one at a time, until the
    rule no longer holds or ``max_share`` of the units were clipped. ``log``: columns still breaking the
    rule are log-transformed instead (positive columns only). ``impute``: ``none`` leaves gaps (weights are
    renormalized over the indicators a region has), ``mean`` fills with the year's mean, ``last`` with the
    region's latest earlier value; imputed cells are flagged.
    """

    winsorize: bool = True
    skew: float = 2.0
    kurtosis: float = 3.5
    max_share: float = Field(default=0.05, ge=0, le=0.5)
    log: bool = False
    impute: Literal["none", "mean", "last"] = "last"


class Uncertainty(_Model):
    """Monte Carlo over the methodological choices, and the Sobol sensitivity analysis.

    Each replication draws the weights from a Dirichlet around the chosen weights (concentration
    ``concentration`` × weights × number of indicators), one of ``normalizations``, one of
    ``aggregations`` and, when ``leave_one_out``, possibly drops one indicator (probability
    ``leave_one_out_share``).
    """

    replications: int = Field(default=1000, ge=10, le=1_000_000)
    concentration: float = Field(default=50.0, gt=0)
    normalizations: list[Normalization] = Field(default_factory=lambda: list(DEFAULT_NORMALIZATIONS))
    aggregations: list[Aggregation] = Field(default_factory=lambda: list(DEFAULT_AGGREGATIONS))
    leave_one_out: bool = True
    leave_one_out_share: float = Field(default=0.5, ge=0, le=1)
    sobol_samples: int = Field(default=256, ge=16)
    seed: int = 1


class Method(_Model):
    """An appraisal methodology: indicators, treatment, normalization, weights and aggregation."""

    name: str
    name_en: str | None = None  # the name on English pages (left out of the version when absent)
    description: str | None = None
    indicators: list[IndicatorChoice]
    treatment: Treatment = Treatment()
    normalization: Normalization = "minmax"
    weighting: Weighting = "equal"
    domain_weighting: Literal["equal", "fixed", "ahp"] = "equal"
    domain_weights: dict[str, float] = Field(default_factory=dict)
    ahp_matrix: list[list[float]] | None = None
    allow_inconsistent_ahp: bool = False
    aggregation: Aggregation = "arithmetic"
    uncertainty: Uncertainty = Uncertainty()
    zones: bool = False  # functional zones are appraised, ranked among themselves (``--level zone``)

    @model_validator(mode="after")
    def _consistent(self) -> Method:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise JundengError("指标重复", "indicators are listed twice")
        if not codes:
            raise JundengError("没有指标", "no indicators")
        if self.normalization == "minmax_fixed" and any(i.goalposts is None for i in self.indicators):
            raise JundengError("固定阈值归一化须为每个指标给出阈值", "minmax_fixed needs goalposts for every indicator")
        if self.domain_weighting == "ahp" and self.ahp_matrix is None:
            raise JundengError("层次分析法须给出判断矩阵", "domain_weighting ahp needs ahp_matrix")
        return self

    @property
    def version(self) -> str:
        """Return the method's version: the first 12 hex digits of the SHA-256 of its canonical JSON."""
        canonical = json.dumps(self._dump(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def to_yaml(self) -> str:
        """Return the method as YAML (what is stored with every result)."""
        return yaml.safe_dump(self._dump(), allow_unicode=True, sort_keys=False)

    def _dump(self) -> dict[str, object]:
        """Return the method as plain data, without an absent English name (versions from before it stay)."""
        return self.model_dump(mode="json", exclude={"name_en"} if self.name_en is None else None)


def parse_method(text: str, name: str = "<method>") -> Method:
    """Return the Method in YAML ``text``; raise InputError with located problems."""
    return parse_model(text, name, Method)[0]


def read_method(path: str | Path) -> Method:
    """Return the Method in the YAML file at ``path``."""
    return parse_method(read_text(path), str(path))
