"""Shrink county boundaries for the packaged bundle: coordinates on a 0.001° grid (about 100 m), then
Ramer–Douglas–Peucker, vectorised with numpy, that keeps shared borders shared.

A point where the set of rings passing through it changes (three counties meet, a border reaches the coast)
is kept as an anchor; between two anchors a shared border is the same run of points in both rings (one of
them reversed), and the simplification picks the same points in both (distances are computed exactly on the
integer grid, ties go to the smallest coordinates), so neighbouring counties neither gap nor overlap more
than the source did. Used by :mod:`jundeng.catalogs.geo_build` only (a build step, never at run time).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

GRID = 1000  # grid steps per degree: 0.001° ≈ 111 m north–south, 95 m east–west at 30° N
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def quantize(ring: npt.ArrayLike) -> Ints:
    """Return a ring as grid integers, open (the closing point dropped) and without repeated points."""
    points = np.rint(np.asarray(ring, dtype=np.float64)[:, :2] * GRID).astype(np.int64)
    if len(points) == 0:
        return points.reshape(0, 2)
    repeated = np.r_[False, np.all(points[1:] == points[:-1], axis=1)]
    points = points[~repeated]
    if len(points) > 1 and np.array_equal(points[0], points[-1]):
        points = points[:-1]
    found: Ints = points
    return found


def _keys(points: Ints) -> Ints:
    """Return one integer per grid point (longitude and latitude fit in 20 bits each, offset to be positive)."""
    return ((points[:, 0] + 200_000) << 20) | (points[:, 1] + 100_000)


def _anchors(rings: list[Ints]) -> list[npt.NDArray[np.bool_]]:
    """Return, per open ring, which points are anchors: the set of rings through the point differs from
    that through the point before or after it."""
    sizes = np.array([len(r) for r in rings], dtype=np.int64)
    if sizes.sum() == 0:
        return [np.zeros(0, dtype=np.bool_) for _ in rings]
    points = np.concatenate(rings)
    owner = np.repeat(np.arange(len(rings), dtype=np.int64), sizes)
    keys, where = np.unique(_keys(points), return_inverse=True)
    pairs = np.unique(where.astype(np.int64) * len(rings) + owner)  # (point, ring) once each
    mixed = (pairs % len(rings) + 1) * np.int64(2_654_435_761) % np.int64(2**31 - 1)
    signature = np.zeros(len(keys), dtype=np.int64)
    np.add.at(signature, pairs // len(rings), mixed)
    signature = signature * 64 + np.bincount(pairs // len(rings), minlength=len(keys))
    point_signature = signature[where]
    found: list[npt.NDArray[np.bool_]] = []
    start = 0
    for size in sizes:
        own = point_signature[start : start + size]
        start += size
        found.append((own != np.roll(own, 1)) | (own != np.roll(own, -1)))
    return found


def _rotate(ring: Ints, anchors: npt.NDArray[np.bool_]) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Return the ring closed again, starting at its first anchor (else at its smallest point, so that a ring
    shared whole with a neighbour starts at the same point in both), and which of its points must stay."""
    marked = np.flatnonzero(anchors)
    first = int(marked[0]) if len(marked) else int(np.argmin(_keys(ring)))
    ring = np.roll(ring, -first, axis=0)
    keep = np.roll(anchors, -first)
    keep[0] = True
    return np.vstack([ring, ring[:1]]), np.r_[keep, True]


def _rdp(points: Ints, keep: npt.NDArray[np.bool_], tolerance: float) -> npt.NDArray[np.bool_]:
    """Return ``keep`` with the points Ramer–Douglas–Peucker adds between kept points (every ring at once)."""
    keep = keep.copy()
    keys = _keys(points)
    todo = np.flatnonzero(~keep)
    while len(todo):
        kept = np.flatnonzero(keep)
        right = np.searchsorted(kept, todo)
        a, b, p = points[kept[right - 1]], points[kept[right]], points[todo]
        chord = (b - a).astype(np.float64)
        length = np.hypot(chord[:, 0], chord[:, 1])
        cross = np.abs(chord[:, 0] * (p[:, 1] - a[:, 1]) - chord[:, 1] * (p[:, 0] - a[:, 0]))
        to_a = np.hypot(*(p - a).astype(np.float64).T)
        distance: Floats = np.where(length > 0, cross / np.where(length > 0, length, 1.0), to_a)
        order = np.lexsort((keys[todo], -distance, right))
        firsts = order[np.r_[True, right[order][1:] != right[order][:-1]]]
        chosen = firsts[distance[firsts] > tolerance]
        keep[todo[chosen]] = True
        split = np.zeros(len(kept) + 1, dtype=np.bool_)
        split[right[chosen]] = True
        todo = todo[split[right] & ~keep[todo]]
    return keep


def simplify(rings: list[Ints], tolerance: float) -> list[Ints]:
    """Return the rings (grid integers, open) simplified to within ``tolerance`` grid steps and closed; a
    ring left with fewer than 4 points (3 corners and the closing one) comes back empty."""
    anchors = _anchors(rings)
    closed = [_rotate(r, a) if len(r) else (r, a) for r, a in zip(rings, anchors, strict=True)]
    sizes = [len(r) for r, _ in closed]
    if sum(sizes) == 0:
        return [r.reshape(0, 2) for r, _ in closed]
    points = np.concatenate([r for r, _ in closed])
    keep = _rdp(points, np.concatenate([k for _, k in closed]), tolerance)
    out: list[Ints] = []
    start = 0
    for size in sizes:
        ring = points[start : start + size][keep[start : start + size]]
        start += size
        out.append(ring if len(ring) >= 4 else ring[:0])
    return out


def area(ring: Ints) -> float:
    """Return the unsigned area of a closed ring in square grid steps (the shoelace formula)."""
    x, y = ring[:, 0].astype(np.float64), ring[:, 1].astype(np.float64)
    return abs(float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))) / 2.0


__all__ = ["GRID", "area", "quantize", "simplify"]
