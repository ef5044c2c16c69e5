"""Seeded synthetic facilities and population points of the demo city, inside its real district boundaries.

Pure: regions, the villages' resident population and the districts' GeoJSON in, pandas DataFrames out.

* **Population points**: one per village or community (村/居委会) with its 2017 residents. Each town gets a
  centre inside its district's polygons (islands included: 香洲 has 63 parts), near the district's own centre
  for urban towns and farther out for rural ones; its villages scatter around it (σ ≈ 1.2 km urban, 3 km
  rural), every point kept inside the district.
* **Facilities**, so that coverage is plausible and unequal between urban and rural places:
  bus stops (3–6 around an urban community, one with probability 0.55 near a rural village), clinics (a
  community health station per ~10,000 urban residents, a village clinic in 85 % of rural villages, 75 % in
  斗门), schools (one per ~8,000 residents of a town; capacity in seats), fitness sites (90 % of urban, 60 %
  of rural places) and one library branch per town. Capacity: seats for schools, doctors for clinics, 1 for
  a stop, a site or a branch. Opening years run 1995–2017 in urban places and 2008–2017 in rural ones, so that
  rural coverage grows over the plan years.

Every row carries ``SOURCE`` (it holds ``synthetic``) so that screens say the figures are made up; the demo's
access targets (:func:`targets`) say so in their source too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.path import Path as Polygon

from jundeng.domain.catalog import Target
from jundeng.domain.regions import Region

SOURCE = "合成演示设施与人口点 synthetic demo facilities and population points (jundeng demo generator v1)"
SEED = 20170915
METRES_PER_DEGREE = 111_195.0  # of latitude, on the mean sphere
SPREAD_M = {"urban": 1_200.0, "mixed": 2_000.0, "rural": 3_000.0}
CLINIC_RURAL = {"440403": 0.75}  # 斗门: fewer village clinics; elsewhere 0.85
POINT_COLUMNS = ["id", "region", "population", "lon", "lat", "urban_rural"]
FACILITY_COLUMNS = ["id", "category", "capacity", "region", "lon", "lat", "opening_year", "name"]


def _polygons(geometry: Mapping[str, Any]) -> list[Polygon]:
    """Return the outer ring of every part of a (Multi)Polygon as a matplotlib path."""
    parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [Polygon(np.asarray(part[0], dtype=np.float64)) for part in parts]


def _inside(polygons: Sequence[Polygon], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    xy = np.column_stack([lon, lat])
    found = np.zeros(len(xy), dtype=bool)
    for polygon in polygons:
        found |= polygon.contains_points(xy)
    return found


def _scatter(
    rng: np.random.Generator, polygons: Sequence[Polygon], lon: float, lat: float, sigma_m: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return n points around (lon, lat) with a normal spread of ``sigma_m`` metres, all inside the polygons
    (a point that keeps falling outside after 30 tries is put at the centre)."""
    out_lon, out_lat = np.full(n, lon), np.full(n, lat)
    todo = np.arange(n)
    scale = METRES_PER_DEGREE * np.cos(np.radians(lat))
    for _ in range(30):
        if todo.size == 0:
            break
        cand_lon = lon + rng.normal(0.0, sigma_m, todo.size) / scale
        cand_lat = lat + rng.normal(0.0, sigma_m, todo.size) / METRES_PER_DEGREE
        ok = _inside(polygons, cand_lon, cand_lat)
        out_lon[todo[ok]], out_lat[todo[ok]] = cand_lon[ok], cand_lat[ok]
        todo = todo[~ok]
    return out_lon, out_lat


def district_of(regions: Sequence[Region]) -> dict[str, str]:
    """Return the district (the ancestor at district level) of every region below one."""
    by_code = {r.code: r for r in regions}
    found: dict[str, str] = {}
    for region in regions:
        node: Region | None = region
        while node is not None and node.level.value != "district":
            node = by_code.get(node.parent or "")
        if node is not None:
            found[region.code] = node.code
    return found


def _town_centre(
    rng: np.random.Generator, polygons: Sequence[Polygon], centre: tuple[float, float], kind: str
) -> tuple[float, float]:
    """Return a town centre inside the district: within ~6 km of the district centre when urban, 6–18 km out
    otherwise (the largest part of the district when nothing falls inside)."""
    for _ in range(200):
        radius = rng.uniform(0, 6_000) if kind == "urban" else rng.uniform(6_000, 18_000)
        angle = rng.uniform(0, 2 * np.pi)
        lon = centre[0] + radius * np.cos(angle) / (METRES_PER_DEGREE * np.cos(np.radians(centre[1])))
        lat = centre[1] + radius * np.sin(angle) / METRES_PER_DEGREE
        if _inside(polygons, np.array([lon]), np.array([lat]))[0]:
            return float(lon), float(lat)
    biggest = max(polygons, key=lambda p: len(np.asarray(p.vertices)))
    x, y = np.asarray(biggest.vertices, dtype=np.float64).mean(axis=0)
    return float(x), float(y)


def points(regions: Sequence[Region], residents: Mapping[str, float], boundaries: Mapping[str, Any]) -> pd.DataFrame:
    """Return one population point per village or community with residents (id = region code): region,
    population, lon, lat (WGS84) and urban_rural."""
    rng = np.random.default_rng(SEED)
    districts = district_of(regions)
    shapes = {str(f["id"]): f for f in boundaries.get("features", [])}
    rows: list[dict[str, object]] = []
    for town in (r for r in regions if r.level.value == "town"):
        feature = shapes.get(districts.get(town.code, ""))
        if feature is None:  # a functional zone without a boundary of its own
            continue
        polygons = _polygons(feature["geometry"])
        every = np.vstack([np.asarray(p.vertices, dtype=np.float64) for p in polygons])
        cp = feature.get("properties", {}).get("cp") or list(every.mean(axis=0))
        kind = town.urban_rural.value
        t_lon, t_lat = _town_centre(rng, polygons, (float(cp[0]), float(cp[1])), kind)
        villages = [v for v in regions if v.parent == town.code and residents.get(v.code, 0) > 0]
        for village in villages:
            v_lon, v_lat = _scatter(rng, polygons, t_lon, t_lat, SPREAD_M[village.urban_rural.value], 1)
            rows.append(
                {
                    "id": village.code,
                    "region": village.code,
                    "population": float(residents[village.code]),
                    "lon": round(float(v_lon[0]), 6),
                    "lat": round(float(v_lat[0]), 6),
                    "urban_rural": village.urban_rural.value,
                }
            )
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def facilities(
    regions: Sequence[Region], population_points: pd.DataFrame, boundaries: Mapping[str, Any]
) -> pd.DataFrame:
    """Return the demo's facilities (bus stops, clinics, schools, fitness sites, library branches) around the
    population points, each inside its district: id, category, capacity, region, lon, lat, opening_year, name."""
    rng = np.random.default_rng(SEED + 1)
    districts = district_of(regions)
    names = {r.code: r.name for r in regions}
    parents = {r.code: r.parent for r in regions}
    shapes = {str(f["id"]): _polygons(f["geometry"]) for f in boundaries.get("features", [])}
    rows: list[dict[str, object]] = []

    def add(category: str, point: Mapping[Any, Any], count: int, sigma: float, capacity: float, label: str) -> None:
        polygons = shapes[districts[str(point["region"])]]
        urban_place = point["urban_rural"] == "urban"
        lon, lat = _scatter(rng, polygons, float(point["lon"]), float(point["lat"]), sigma, count)
        for k in range(count):
            rows.append(
                {
                    "id": f"{category}-{point['region']}-{k + 1}",
                    "category": category,
                    "capacity": capacity,
                    "region": point["region"],
                    "lon": round(float(lon[k]), 6),
                    "lat": round(float(lat[k]), 6),
                    "opening_year": int(rng.integers(1995 if urban_place else 2008, 2018)),
                    "name": f"{names.get(str(point['region']), '')}{label}",
                }
            )

    for point in population_points.to_dict(orient="records"):
        urban = point["urban_rural"] == "urban"
        district = districts[str(point["region"])]
        if urban:
            add("bus_stop", point, int(rng.integers(3, 7)), 500.0, 1.0, "公交站")
        elif rng.random() < 0.55:
            add("bus_stop", point, 1, 700.0, 1.0, "公交站")
        if urban:
            stations = max(1, round(float(point["population"]) / 10_000)) if rng.random() < 0.8 else 0
            if stations:
                add("clinic", point, stations, 400.0, float(rng.integers(3, 9)), "社区卫生服务站")
        elif rng.random() < CLINIC_RURAL.get(district, 0.85):
            add("clinic", point, 1, 300.0, float(rng.integers(1, 3)), "村卫生室")
        if rng.random() < (0.9 if urban else 0.6):
            add("fitness", point, 1, 300.0, 1.0, "健身点")
    towns = population_points.assign(town=population_points["region"].map(parents))
    for town, group in towns.groupby("town", sort=True):
        heads = float(group["population"].sum())
        biggest = group.sort_values("population", ascending=False).to_dict(orient="records")
        for k in range(max(1, round(heads / 8_000))):
            add("school", biggest[k % len(biggest)], 1, 600.0, float(rng.integers(6, 25)) * 100, "学校")
        add("library", biggest[0], 1, 200.0, 1.0, f"{names.get(str(town), '')}图书馆分馆")
    frame = pd.DataFrame(rows, columns=FACILITY_COLUMNS)
    frame["id"] = [f"{i}-{n}" for n, i in enumerate(frame["id"], start=1)]  # unique across repeated points
    return frame


def targets() -> list[Target]:
    """Return the demo's access target: 公交站点500米覆盖率 ≥ 75 % in 2017 for the city (synthetic, after the 75 %
    bus-stop coverage standard the plans set)."""
    clause = "合成演示目标：公交站点500米覆盖率不低于75% / synthetic demo target"
    source = {"document": "jundeng-demo", "clause": clause}
    return [
        Target.model_validate(
            {"indicator": "ACC_BUS_STOP_500M", "region": region, "year": 2017, "comparator": ">=", "value": 75}
            | {"source": source}
        )
        for region in ("440400",)
    ]
