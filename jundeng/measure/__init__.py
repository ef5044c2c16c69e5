"""Gap measurement (pure): inequality indices, decompositions, convergence, floor compliance, inference.

Functions take ``values``, optional population ``weights`` (default equal) and, where it applies,
``groups``; they never touch the database or the web.
"""

from jundeng.measure._inputs import MeasureError
from jundeng.measure.bootstrap import BootstrapResult, bootstrap
from jundeng.measure.convergence import BetaResult, SigmaResult, beta_convergence, sigma_convergence
from jundeng.measure.dagum import DagumResult, dagum
from jundeng.measure.decompose import Decomposition, decompose
from jundeng.measure.floor import FloorResult, floor_compliance
from jundeng.measure.indices import (
    atkinson,
    cv,
    gap_to_best,
    gap_to_mean,
    gap_to_target,
    ge,
    gini,
    max_min_ratio,
    mld,
    quantile_ratio,
    theil,
    value_range,
    weighted_mean,
    weighted_quantile,
)

__all__ = [
    "BetaResult",
    "BootstrapResult",
    "DagumResult",
    "Decomposition",
    "FloorResult",
    "MeasureError",
    "SigmaResult",
    "atkinson",
    "beta_convergence",
    "bootstrap",
    "cv",
    "dagum",
    "decompose",
    "floor_compliance",
    "gap_to_best",
    "gap_to_mean",
    "gap_to_target",
    "ge",
    "gini",
    "sigma_convergence",
    "max_min_ratio",
    "mld",
    "quantile_ratio",
    "theil",
    "value_range",
    "weighted_mean",
    "weighted_quantile",
]
