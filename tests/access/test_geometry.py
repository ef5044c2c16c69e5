"""Great-circle distances, k-d tree pairs against brute force, nearest facilities and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from jundeng.access import (
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

R = EARTH_RADIUS_M
Box = tuple[float, float, float, float]


def _vincenty_sphere(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Independent great-circle distance: the Vincenty (atan2) formula on the sphere."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    num = np.hypot(np.cos(p2) * np.sin(dl), np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl))
    den = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return float(R * np.arctan2(num, den))


def _points(rng: np.random.Generator, n: int, geographic: bool, box: Box) -> Locations:
    x = rng.uniform(box[0], box[1], n)
    y = rng.uniform(box[2], box[3], n)
    return Locations([f"p{i}" for i in range(n)], x, y, geographic)


def _brute(origins: Locations, destinations: Locations) -> np.ndarray:
    if origins.geographic:
        return great_circle(origins.x[:, None], origins.y[:, None], destinations.x[None, :], destinations.y[None, :])
    return np.hypot(destinations.x[None, :] - origins.x[:, None], destinations.y[None, :] - origins.y[:, None])


def test_known_great_circle_distances() -> None:
    assert great_circle(0.0, 0.0, 1.0, 0.0) == pytest.approx(2 * np.pi * R / 360, rel=1e-12)
    assert great_circle(0.0, 0.0, 180.0, 0.0) == pytest.approx(np.pi * R, rel=1e-12)
    assert great_circle(10.0, 30.0, -170.0, -30.0) == pytest.approx(np.pi * R, rel=1e-12)  # antipode
    assert great_circle(0.0, 90.0, 123.0, 90.0) == pytest.approx(0.0, abs=1e-6)  # both at the north pole
    beijing_shanghai = float(great_circle(116.4074, 39.9042, 121.4737, 31.2304))
    assert 1_067_000 < beijing_shanghai < 1_068_000
    assert beijing_shanghai == pytest.approx(_vincenty_sphere(116.4074, 39.9042, 121.4737, 31.2304), rel=1e-6)


def test_great_circle_broadcasts_and_agrees_with_vincenty() -> None:
    rng = np.random.default_rng(3)
    lon1, lon2 = rng.uniform(-180, 180, (2, 200))
    lat1, lat2 = rng.uniform(-90, 90, (2, 200))
    ours = great_circle(lon1, lat1, lon2, lat2)
    reference = [_vincenty_sphere(*args) for args in zip(lon1, lat1, lon2, lat2, strict=True)]
    np.testing.assert_allclose(ours, reference, rtol=1e-9, atol=1e-3)
    assert great_circle(lon1[:, None], lat1[:, None], lon2[None, :], lat2[None, :]).shape == (200, 200)


@pytest.mark.parametrize(
    ("geographic", "box", "cutoff"),
    [
        (False, (0.0, 20_000.0, 0.0, 10_000.0), 1_500.0),
        (True, (115.0, 118.0, 39.0, 41.0), 25_000.0),  # around Beijing
        (True, (-180.0, 180.0, -90.0, 90.0), 1_500_000.0),  # the whole globe: dateline and poles
        (True, (170.0, 180.0, 80.0, 90.0), 300_000.0),  # near the pole and the dateline
    ],
)
def test_pairs_within_equals_brute_force(
    geographic: bool, box: tuple[float, float, float, float], cutoff: float
) -> None:
    rng = np.random.default_rng(7)
    origins, destinations = _points(rng, 400, geographic, box), _points(rng, 150, geographic, box)
    pairs = pairs_within(origins, destinations, cutoff)
    full = _brute(origins, destinations)
    i, j = np.nonzero(full <= cutoff)
    assert len(pairs) > 50
    assert set(zip(pairs.origin.tolist(), pairs.destination.tolist(), strict=True)) == set(
        zip(i.tolist(), j.tolist(), strict=True)
    )
    np.testing.assert_allclose(pairs.cost, full[pairs.origin, pairs.destination], rtol=1e-12)
    assert np.all(np.diff(pairs.origin) >= 0)  # sorted by origin
    assert (pairs.n_origins, pairs.n_destinations) == (400, 150)


def test_pairs_within_cutoff_is_inclusive_and_antipodal_cutoff_takes_everything() -> None:
    planar = Locations(["a"], np.array([0.0]), np.array([0.0]), False)
    target = Locations(["b", "c"], np.array([3.0, 3.0]), np.array([4.0, 4.1]), False)
    pairs = pairs_within(planar, target, 5.0)
    assert pairs.destination.tolist() == [0] and pairs.cost.tolist() == [5.0]
    rng = np.random.default_rng(1)
    world_a, world_b = _points(rng, 30, True, (-180, 180, -90, 90)), _points(rng, 20, True, (-180, 180, -90, 90))
    assert len(pairs_within(world_a, world_b, np.pi * R)) == 600
    assert chord_radius(np.pi * R * 2) == 2.0


def test_nearest_equals_brute_force() -> None:
    rng = np.random.default_rng(11)
    for geographic, box in ((True, (-180.0, 180.0, -90.0, 90.0)), (False, (0.0, 5e4, 0.0, 5e4))):
        origins, destinations = _points(rng, 300, geographic, box), _points(rng, 70, geographic, box)
        index, distance = nearest(origins, destinations)
        full = _brute(origins, destinations)
        np.testing.assert_allclose(distance, full.min(axis=1), rtol=1e-12)
        np.testing.assert_allclose(full[np.arange(300), index], full.min(axis=1), rtol=1e-12)
    none = Locations([], np.empty(0), np.empty(0), False)
    index, distance = nearest(origins, none)
    assert (index == -1).all() and np.isinf(distance).all()


def test_nearest_in_pairs_by_hand() -> None:
    pairs = Pairs(np.array([0, 0, 0, 2, 2]), np.array([3, 1, 2, 0, 4]), np.array([5.0, 2.0, 2.0, 7.0, 1.0]), 4, 5)
    index, cost = nearest_in_pairs(pairs)
    assert index.tolist() == [1, -1, 4, -1]  # tie at 2.0 → lowest destination index
    assert cost.tolist() == [2.0, np.inf, 1.0, np.inf]


def test_pairs_from_costs_keeps_cost_up_to_the_cutoff() -> None:
    pairs = pairs_from_costs(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([10.0, 30.0, 30.5]), 2, 2, 30.0)
    assert pairs.origin.tolist() == [0, 0] and pairs.cost.tolist() == [10.0, 30.0]
    assert len(pairs_from_costs(np.array([0]), np.array([0]), np.array([99.0]), 1, 1)) == 1


def test_invalid_inputs_are_refused_with_their_ids() -> None:
    with pytest.raises(AccessError, match="v2"):
        Locations(["v1", "v2"], np.array([116.0, 116.0]), np.array([39.0, 91.0]), True)
    with pytest.raises(AccessError, match="longitude"):
        Locations(["v1"], np.array([181.0]), np.array([0.0]), True)
    with pytest.raises(AccessError, match="s9"):
        Locations(["s9"], np.array([np.nan]), np.array([0.0]), False)
    with pytest.raises(AccessError, match="one value per id"):
        Locations(["a", "b"], np.array([0.0]), np.array([0.0]), False)
    Locations(["far"], np.array([5e6]), np.array([-5e6]), False)  # projected metres have no range
    geo = Locations(["a"], np.array([116.0]), np.array([39.0]), True)
    flat = Locations(["b"], np.array([0.0]), np.array([0.0]), False)
    with pytest.raises(AccessError, match="mix geographic"):
        pairs_within(geo, flat, 1000.0)
    with pytest.raises(AccessError, match="mix geographic"):
        nearest(flat, geo)
    with pytest.raises(AccessError, match="cutoff"):
        pairs_within(geo, geo, -1.0)
    with pytest.raises(AccessError, match="destination index"):
        Pairs(np.array([0]), np.array([2]), np.array([1.0]), 1, 2)
    with pytest.raises(AccessError, match="negative or missing cost"):
        pairs_from_costs(np.array([0]), np.array([0]), np.array([np.nan]), 1, 1, 5.0)
