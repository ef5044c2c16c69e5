"""Appraisal (pure): target attainment, composite equalization index, weights, uncertainty, scorecards."""

from jundeng.appraise import weights
from jundeng.appraise.attainment import Thresholds, attainment, rollup
from jundeng.appraise.closeness import topsis, topsis_batch
from jundeng.appraise.composite import CompositeResult, composite
from jundeng.appraise.method import Method, parse_method, read_method
from jundeng.appraise.scorecard import scorecard
from jundeng.appraise.uncertainty import Uncertainty, monte_carlo

__all__ = [
    "CompositeResult",
    "Method",
    "Thresholds",
    "Uncertainty",
    "attainment",
    "composite",
    "monte_carlo",
    "parse_method",
    "read_method",
    "rollup",
    "scorecard",
    "topsis",
    "topsis_batch",
    "weights",
]
