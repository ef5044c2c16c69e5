"""Design-based survey estimation (pure): weights, strata, PSUs, FPC, domains, Taylor-linearised SEs.

See :mod:`jundeng.survey.design` (the design and its variance, single-PSU strata) and
:mod:`jundeng.survey.estimate` (proportions, means, intervals, design effects, post-stratification, judging
an estimate against a target).
"""

from jundeng.survey.design import Design, SurveyError
from jundeng.survey.estimate import Estimate, judge, mean, post_stratify, proportion

__all__ = ["Design", "Estimate", "SurveyError", "judge", "mean", "post_stratify", "proportion"]
