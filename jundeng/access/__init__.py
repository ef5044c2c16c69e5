"""Spatial coverage and floating-catchment accessibility (pure): distances, pairs within reach, scores.

See :mod:`jundeng.access.geometry` (points, great-circle distances, k-d tree pairs within a cutoff),
:mod:`jundeng.access.coverage` (population within reach per region) and :mod:`jundeng.access.fca`
(2SFCA, E2SFCA, Gaussian 2SFCA and 3SFCA scores, per-region population-weighted means).
"""

from jundeng.access.coverage import coverage, covered_mask
from jundeng.access.fca import (
    e2sfca,
    fca2,
    fca3,
    g2sfca,
    gaussian_weights,
    region_scores,
    selection_weights,
    step_weights,
    two_stage,
)
from jundeng.access.geometry import (
    EARTH_RADIUS_M,
    AccessError,
    Locations,
    Pairs,
    chord_radius,
    great_circle,
    nearest,
    nearest_in_pairs,
    pairs_from_costs,
    pairs_within,
)

__all__ = [
    "EARTH_RADIUS_M",
    "AccessError",
    "Locations",
    "Pairs",
    "chord_radius",
    "coverage",
    "covered_mask",
    "e2sfca",
    "fca2",
    "fca3",
    "g2sfca",
    "gaussian_weights",
    "great_circle",
    "nearest",
    "nearest_in_pairs",
    "pairs_from_costs",
    "pairs_within",
    "region_scores",
    "selection_weights",
    "step_weights",
    "two_stage",
]
