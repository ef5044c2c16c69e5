"""Simplifying county borders: a 0.001° grid, then Ramer–Douglas–Peucker that keeps shared borders shared."""

from __future__ import annotations

import numpy as np

from jundeng.catalogs import geo_simplify


def test_quantize_puts_a_ring_on_the_grid_open_and_without_repeats() -> None:
    ring = [[112.0001, 31.0], [112.0004, 31.0], [112.01, 31.0], [112.01, 31.01], [112.0, 31.0]]
    assert geo_simplify.quantize(ring).tolist() == [[112000, 31000], [112010, 31000], [112010, 31010]]


def squares() -> list[list[list[float]]]:
    """Return two 0.1° squares side by side whose shared edge bends out by 5 grid steps in its middle and
    zigzags by one step, walked in opposite directions as neighbours' borders are."""
    edge = [[112.1 + 0.0002 * min(i, 50 - i) + 0.0008 * (i % 2), 31.0 + i * 0.002] for i in range(51)]
    west = [[112.0, 31.0], *edge, [112.0, 31.1], [112.0, 31.0]]
    east = [edge[0], [112.2, 31.0], [112.2, 31.1], *edge[::-1][:-1], edge[0]]
    return [west, east]


def on_edge(ring: np.ndarray) -> set[tuple[int, int]]:
    """Return the points of a simplified ring that lie on the shared edge (between the squares)."""
    return {(int(x), int(y)) for x, y in ring if 112100 <= x <= 112110}


def test_a_shared_border_is_simplified_the_same_way_on_both_sides() -> None:
    """The neighbours' common edge keeps the same points in both rings (its ends and its bend, most of the
    zigzag dropped): no gap, no overlap."""
    west, east = (geo_simplify.quantize(r) for r in squares())
    simple_west, simple_east = geo_simplify.simplify([west, east], tolerance=1.0)
    assert on_edge(simple_west) == on_edge(simple_east)
    assert {(112100, 31000), (112106, 31050), (112100, 31100)} <= on_edge(simple_west)
    assert len(on_edge(simple_west)) < 20 and len(west) == 51 + 2
    assert simple_west[0].tolist() == simple_west[-1].tolist() and simple_east[0].tolist() == simple_east[-1].tolist()


def test_where_three_counties_meet_the_point_stays() -> None:
    """Two counties meet the straight side of a third: the meeting point is kept on that side too (simplified
    alone, the side loses it and a wedge opens between the three)."""
    west = [[112.0, 31.0], [112.1, 31.0], [112.1, 31.05], [112.1, 31.1], [112.0, 31.1], [112.0, 31.0]]
    south = [[112.1, 31.0], [112.2, 31.0], [112.2, 31.05], [112.1, 31.05], [112.1, 31.0]]
    north = [[112.1, 31.05], [112.2, 31.05], [112.2, 31.1], [112.1, 31.1], [112.1, 31.05]]
    rings = [geo_simplify.quantize(r) for r in (west, south, north)]
    meeting = [112100, 31050]
    assert meeting in geo_simplify.simplify(rings, 1.0)[0].tolist()
    assert meeting not in geo_simplify.simplify(rings[:1], 1.0)[0].tolist()


def test_a_ring_smaller_than_the_tolerance_comes_back_empty_and_areas_are_kept() -> None:
    tiny = geo_simplify.quantize([[112.0, 31.0], [112.001, 31.0], [112.001, 31.001], [112.0, 31.0]])
    big = geo_simplify.quantize([[113.0, 31.0], [113.1, 31.0], [113.1, 31.1], [113.0, 31.1], [113.0, 31.0]])
    simple_tiny, simple_big = geo_simplify.simplify([tiny, big], tolerance=1.0)
    assert len(simple_tiny) == 0
    assert geo_simplify.area(simple_big) == 100.0 * 100.0
    assert geo_simplify.area(np.array([[0, 0], [2, 0], [0, 2], [0, 0]])) == 2.0
