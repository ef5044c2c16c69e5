"""Floor compliance (底线均等): how many regions, and how far, fall short of a minimum standard.

Equalization of basic public services is first a floor: every region should reach the national or
provincial standard. The Foster–Greer–Thorbecke family measures the incidence, depth and severity of
shortfalls below that floor, weighting each region by its population.

Reference: Foster, J., Greer, J. and Thorbecke, E. (1984) "A class of decomposable poverty measures",
Econometrica 52(3), 761–766.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from jundeng.measure._inputs import FloatArray, MeasureError, as_values, as_weights


@dataclass(frozen=True)
class FloorResult:
    """Shortfalls from a floor (or, with ``direction="lower"``, excesses over a ceiling).

    ``fgt0``: population share below the floor (incidence); ``fgt1``: mean normalized shortfall over the
    whole population (depth); ``fgt2``: mean squared normalized shortfall (severity). ``mean_shortfall``
    is the population-weighted mean of max(0, z − x_i) in the units of the indicator (= z·FGT1).
    ``units`` and ``population`` count the units with positive weight and their total weight.
    """

    floor: float
    direction: str
    fgt0: float
    fgt1: float
    fgt2: float
    units_below: int
    population_below: float
    mean_shortfall: float
    units: int
    population: float

    @property
    def share_below(self) -> float:
        """Population share below the floor (FGT0)."""
        return self.fgt0

    @property
    def units_share_below(self) -> float:
        """Share of units (regions, unweighted) below the floor."""
        return self.units_below / self.units


def _check(values: ArrayLike, floor: float, weights: ArrayLike | None, direction: str) -> tuple[FloatArray, FloatArray]:
    if direction not in ("higher", "lower"):
        raise MeasureError("方向须为 higher 或 lower", "direction must be 'higher' or 'lower'")
    if not (math.isfinite(floor) and floor > 0):
        raise MeasureError(f"底线标准须为正数（收到 {floor}）", f"the floor standard must be positive (got {floor})")
    x = as_values(values)
    w = as_weights(weights, x.size)
    keep = w > 0
    return x[keep], w[keep]


def normalized_shortfall(values: FloatArray, floor: float, direction: str = "higher") -> FloatArray:
    """Return max(0, z − x_i)/z (``higher``: z is a floor) or max(0, x_i − z)/z (``lower``: z is a ceiling)."""
    gap = floor - values if direction == "higher" else values - floor
    result: FloatArray = np.maximum(gap, 0.0) / floor
    return result


def fgt(
    values: ArrayLike, floor: float, alpha: float, weights: ArrayLike | None = None, direction: str = "higher"
) -> float:
    """Return FGT(α) = Σ p_i (max(0, z − x_i)/z)^α with population shares p_i; α = 0 counts x_i < z.

    ``direction="lower"`` measures excess over a ceiling z, max(0, x_i − z)/z, for indicators where
    lower is better (e.g. a mortality rate). Foster, Greer and Thorbecke (1984).
    """
    if not (math.isfinite(alpha) and alpha >= 0):
        raise MeasureError("FGT 的 α 须 ≥ 0", "FGT alpha must be >= 0")
    x, w = _check(values, floor, weights, direction)
    gap = normalized_shortfall(x, floor, direction)
    terms = (gap > 0).astype(np.float64) if alpha == 0 else gap**alpha
    return float(np.dot(w, terms) / w.sum())


def floor_compliance(
    values: ArrayLike, floor: float, weights: ArrayLike | None = None, direction: str = "higher"
) -> FloorResult:
    """Return incidence, depth and severity of shortfalls from the floor standard ``floor``.

    Parameters
    ----------
    values : indicator value per unit (region).
    floor : the standard z > 0, a minimum when ``direction="higher"`` (higher is better) or a maximum
        when ``direction="lower"`` (lower is better, e.g. a mortality rate).
    weights : population weights (None: each unit counts once); units with zero weight are dropped.

    Notes
    -----
    With s_i = max(0, z − x_i)/z (``lower``: max(0, x_i − z)/z) and p_i = w_i/Σw,
    FGT(α) = Σ p_i s_i^α: FGT0 = Σ p_i 1[s_i > 0], FGT1 = Σ p_i s_i, FGT2 = Σ p_i s_i².
    A unit exactly at the standard complies. When every shortfall is at most z (x ≥ 0 under a floor)
    FGT0 ≥ FGT1 ≥ FGT2. Foster, Greer and Thorbecke (1984).
    """
    x, w = _check(values, floor, weights, direction)
    gap = normalized_shortfall(x, floor, direction)
    p = w / w.sum()
    below = gap > 0
    return FloorResult(
        floor=float(floor),
        direction=direction,
        fgt0=float(p[below].sum()),
        fgt1=float(p @ gap),
        fgt2=float(p @ gap**2),
        units_below=int(below.sum()),
        population_below=float(w[below].sum()),
        mean_shortfall=float(p @ gap) * float(floor),
        units=int(x.size),
        population=float(w.sum()),
    )
