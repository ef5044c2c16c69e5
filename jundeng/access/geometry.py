"""Points, great-circle distances and sparse origin→destination pairs within a cutoff (pure, no I/O).

Geographic points (WGS84 longitude/latitude in degrees) are measured on the mean sphere of radius
R = 6,371,008.8 m (IUGG mean Earth radius) with the haversine formula (Sinnott, R. W. 1984, "Virtues of the
haversine", Sky and Telescope 68(2):159); projected points in metres with the Euclidean distance. Pairs
within a cutoff are found with a k-d tree (scipy.spatial.cKDTree), so only the pairs within reach are ever
formed: on the sphere the points are put on the unit sphere in 3-D and searched with the chord radius
2·sin(d / 2R), then each pair found gets its exact great-circle distance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from jundeng.errors import JundengError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

EARTH_RADIUS_M = 6_371_008.8
_SLACK = 1e-9  # relative widening of the tree search; the exact distance then decides


class AccessError(JundengError):
    """An input the accessibility engine cannot take, explained in Chinese and English."""


def shown(labels: Sequence[str], mask: ArrayLike) -> str:
    """Return the first five labels where ``mask`` is true, comma-separated (… when more)."""
    where = [str(labels[int(i)]) for i in np.flatnonzero(mask)]
    return ", ".join(where[:5]) + (" …" if len(where) > 5 else "")


@dataclass(frozen=True)
class Locations:
    """Named points: WGS84 longitude ``x`` / latitude ``y`` in degrees when geographic, else metres."""

    ids: list[str]
    x: FloatArray
    y: FloatArray
    geographic: bool

    def __post_init__(self) -> None:
        n = len(self.ids)
        object.__setattr__(self, "x", np.asarray(self.x, dtype=np.float64))
        object.__setattr__(self, "y", np.asarray(self.y, dtype=np.float64))
        if self.x.shape != (n,) or self.y.shape != (n,):
            raise AccessError(f"坐标个数与编号数 {n} 不符", f"coordinates do not have one value per id ({n} ids)")
        bad = ~np.isfinite(self.x) | ~np.isfinite(self.y)
        if bad.any():
            where = shown(self.ids, bad)
            zh, en = f"坐标缺失或非数（{where}）", f"missing or non-numeric coordinates ({where})"
            raise AccessError(zh, en, location=where)
        if self.geographic:
            for mask, zh, en in (
                (np.abs(self.x) > 180, "经度须在 -180 至 180 之间", "longitude must be within -180..180"),
                (np.abs(self.y) > 90, "纬度须在 -90 至 90 之间", "latitude must be within -90..90"),
            ):
                if mask.any():
                    where = shown(self.ids, mask)
                    raise AccessError(f"{zh}（{where}）", f"{en} ({where})", location=where)

    def __len__(self) -> int:
        """Return the number of points."""
        return len(self.ids)


@dataclass(frozen=True)
class Pairs:
    """Sparse origin→destination pairs: indices into the two Locations and a cost (metres or minutes)."""

    origin: IntArray
    destination: IntArray
    cost: FloatArray
    n_origins: int
    n_destinations: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "origin", np.asarray(self.origin, dtype=np.intp))
        object.__setattr__(self, "destination", np.asarray(self.destination, dtype=np.intp))
        object.__setattr__(self, "cost", np.asarray(self.cost, dtype=np.float64))
        p = self.origin.shape
        if self.origin.ndim != 1 or self.destination.shape != p or self.cost.shape != p:
            raise AccessError("起点、终点与成本的个数不一致", "origin, destination and cost differ in length")
        if p[0] and (self.origin.min() < 0 or self.origin.max() >= self.n_origins):
            raise AccessError("起点编号越界", f"an origin index is outside 0..{self.n_origins - 1}")
        if p[0] and (self.destination.min() < 0 or self.destination.max() >= self.n_destinations):
            raise AccessError("终点编号越界", f"a destination index is outside 0..{self.n_destinations - 1}")
        bad = ~np.isfinite(self.cost) | (self.cost < 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            where = f"origin {int(self.origin[k])} → destination {int(self.destination[k])}"
            raise AccessError(f"出行成本为负或缺失（{where}）", f"negative or missing cost ({where})", location=where)

    def __len__(self) -> int:
        """Return the number of pairs."""
        return int(self.origin.shape[0])


def great_circle(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Haversine distance in metres: d = 2R·asin√(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)) (Sinnott 1984)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64)


def _unit_vectors(points: Locations) -> FloatArray:
    """Return the points on the unit sphere in 3-D (x towards 0°E on the equator, z to the north pole)."""
    lam, phi = np.radians(points.x), np.radians(points.y)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def _planar(points: Locations) -> FloatArray:
    return np.column_stack((points.x, points.y))


def _distance(origins: Locations, destinations: Locations, i: IntArray, j: IntArray) -> FloatArray:
    """Return the exact distance in metres of each pair (great circle, or Euclidean when projected)."""
    if origins.geographic:
        return great_circle(origins.x[i], origins.y[i], destinations.x[j], destinations.y[j])
    return np.asarray(np.hypot(destinations.x[j] - origins.x[i], destinations.y[j] - origins.y[i]), dtype=np.float64)


def _same_kind(origins: Locations, destinations: Locations) -> None:
    if origins.geographic != destinations.geographic:
        raise AccessError(
            "起点与设施的坐标类型不同（一为经纬度、一为投影坐标）",
            "origins and destinations mix geographic (lon/lat) and projected coordinates",
        )


def chord_radius(cutoff_m: float) -> float:
    """Return the unit-sphere chord of a great-circle distance: c = 2·sin(d / 2R), capped at 2 (antipode)."""
    return 2.0 if cutoff_m >= np.pi * EARTH_RADIUS_M else float(2 * np.sin(cutoff_m / (2 * EARTH_RADIUS_M)))


def pairs_within(origins: Locations, destinations: Locations, cutoff: float) -> Pairs:
    """Every origin→destination pair at distance ≤ cutoff (metres), found with a k-d tree, sorted by origin."""
    _same_kind(origins, destinations)
    if not np.isfinite(cutoff) or cutoff < 0:
        raise AccessError(f"距离上限须为非负数：{cutoff}", f"the cutoff must be a non-negative number: {cutoff}")
    empty = np.empty(0, dtype=np.intp)
    if len(origins) == 0 or len(destinations) == 0:
        return Pairs(empty, empty, np.empty(0), len(origins), len(destinations))
    if origins.geographic:
        a, b = _unit_vectors(origins), _unit_vectors(destinations)
        radius = chord_radius(cutoff) * (1 + _SLACK) + 1e-15
    else:
        a, b = _planar(origins), _planar(destinations)
        radius = cutoff * (1 + _SLACK) + 1e-9
    found = cKDTree(a).sparse_distance_matrix(cKDTree(b), radius, output_type="ndarray")
    order = np.lexsort((found["j"], found["i"]))
    i = found["i"][order].astype(np.intp)
    j = found["j"][order].astype(np.intp)
    cost = _distance(origins, destinations, i, j)
    keep = cost <= cutoff
    return Pairs(i[keep], j[keep], cost[keep], len(origins), len(destinations))


def pairs_from_costs(
    origin: IntArray,
    destination: IntArray,
    cost: FloatArray,
    n_origins: int,
    n_destinations: int,
    cutoff: float | None = None,
) -> Pairs:
    """Pairs from a given travel-cost table (e.g. road minutes routed elsewhere), keeping cost ≤ cutoff."""
    cost = np.asarray(cost, dtype=np.float64)
    origin, destination = np.asarray(origin, dtype=np.intp), np.asarray(destination, dtype=np.intp)
    if cutoff is not None:
        keep = ~(cost > cutoff)  # NaN stays, so that Pairs reports it
        origin, destination, cost = origin[keep], destination[keep], cost[keep]
    return Pairs(origin, destination, cost, n_origins, n_destinations)


def nearest(origins: Locations, destinations: Locations) -> tuple[IntArray, FloatArray]:
    """Index and distance (m) of the nearest destination of every origin (-1 and inf when there is none)."""
    _same_kind(origins, destinations)
    n = len(origins)
    if len(destinations) == 0 or n == 0:
        return np.full(n, -1, dtype=np.intp), np.full(n, np.inf)
    if origins.geographic:  # the nearest chord is the nearest great circle
        a, b = _unit_vectors(origins), _unit_vectors(destinations)
    else:
        a, b = _planar(origins), _planar(destinations)
    _, index = cKDTree(b).query(a, k=1, workers=-1)
    index = np.asarray(index, dtype=np.intp)
    return index, _distance(origins, destinations, np.arange(n, dtype=np.intp), index)


def nearest_in_pairs(pairs: Pairs) -> tuple[IntArray, FloatArray]:
    """Per origin the cheapest destination among the pairs (lowest index on ties); -1 and inf where none."""
    best = np.full(pairs.n_origins, np.inf)
    np.minimum.at(best, pairs.origin, pairs.cost)
    index = np.full(pairs.n_origins, -1, dtype=np.intp)
    hit = np.flatnonzero(pairs.cost == best[pairs.origin])
    order = np.lexsort((pairs.destination[hit], pairs.origin[hit]))
    o, d = pairs.origin[hit][order], pairs.destination[hit][order]
    first = np.r_[True, o[1:] != o[:-1]] if len(o) else np.zeros(0, dtype=bool)
    index[o[first]] = d[first]
    return index, best
