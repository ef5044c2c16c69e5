"""Gap measurement (pure): inequality indices, decompositions, convergence, floor compliance, inference.

Functions take ``values``, optional population ``weights`` (default equal) and, where it applies,
``groups``; they never touch the database or the web.
"""

from jundeng.measure._inputs import MeasureError
from jundeng.measure.decompose import Decomposition, decompose
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
    "Decomposition",
    "MeasureError",
    "atkinson",
    "cv",
    "decompose",
    "gap_to_best",
    "gap_to_mean",
    "gap_to_target",
    "ge",
    "gini",
    "max_min_ratio",
    "mld",
    "quantile_ratio",
    "theil",
    "value_range",
    "weighted_mean",
    "weighted_quantile",
]
