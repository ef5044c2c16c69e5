"""Regions: load the administrative tree (a CSV or the built-in Zhuhai tree), list it, names and subtrees.

Kept free of pandas, polars and numpy so that ``jundeng regions list`` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jundeng.domain.regions import Population, Region
from jundeng.errors import NotFoundError
from jundeng.store import regions_repo
from jundeng.store.db import Database


def load(db: Database, *, path: str | Path | None = None, user: str) -> tuple[int, int]:
    """Load regions from a CSV (code,name,level,parent,urban_rural,…) or else Zhuhai's; return (inserted, updated)."""
    from jundeng.catalogs import read_regions_csv, zhuhai_regions

    found = read_regions_csv(path) if path else zhuhai_regions()
    with db.session(write=True) as session:
        return regions_repo.load_regions(session, regions=found, user=user)


def regions(db: Database, *, level: str | None = None, under: str | None = None) -> list[Region]:
    """Return the stored regions ordered by code, optionally of one level and/or within a subtree."""
    with db.session() as session:
        return regions_repo.regions(session, level=level, under=under)


def names(db: Database) -> dict[str, str]:
    """Return the name of every stored region by code."""
    return {r.code: r.name for r in regions(db)}


def subtree(db: Database, *, root: str) -> frozenset[str]:
    """Return the codes of ``root`` and every region below it (a district principal's scope)."""
    with db.session() as session:
        return frozenset(regions_repo.subtree_codes(session, root=root))


def population(db: Database) -> list[Population]:
    """Return every stored population figure, ordered by region, year and group."""
    with db.session() as session:
        return regions_repo.population(session)


def boundaries(db: Database, *, city: str | None = None, region: str | None = None) -> dict[str, Any]:
    """Return the county-level boundaries (GeoJSON, WGS84) of ``city``, else of the city ``region`` lies in
    (a district user's), else of the database's only programme (ScopeError when it holds several);
    NotFoundError when none ship (the map is then left out, never another city's)."""
    with db.session() as session:
        if city is None and region is None:
            regions_repo.programme_codes(session, under=None)  # ScopeError: several programmes, none chosen
        stored = regions_repo.regions(session)
    parents = {r.code: r.parent for r in stored}
    cities = [r.code for r in stored if r.level.value == "city"]
    node = region
    while node is not None and node not in cities:
        node = parents.get(node)
    candidates = [city] if city is not None else [node] if node is not None else cities
    for code in candidates:
        data = _boundary_collection(code)
        if data is not None:
            return data
    raise NotFoundError("没有该市的内置边界", "no built-in boundaries for this city")


def has_boundaries(code: str | None) -> bool:
    """Return True when county-level boundaries of the city ``code`` ship with Jundeng."""
    return code is not None and _boundary_source(code) is not None


TOWN_BOUNDARIES = "*-{code}-towns.geojson"  # town-level boundaries of a city, in catalogs/geo (none ship yet)


def has_town_boundaries(code: str | None) -> bool:
    """Return True when town-level boundaries of the city ``code`` ship with Jundeng (none do yet)."""
    return code is not None and _town_file(code) is not None


def town_boundaries(*, city: str, district: str | None = None) -> dict[str, Any]:
    """Return the town-level boundaries (GeoJSON) of ``city``, only those of ``district`` when given;
    NotFoundError (本市暂无乡镇边界) when none ship for the city: never a drawing of the wrong places."""
    path = _town_file(city)
    if path is None:
        raise NotFoundError(
            "本市暂无乡镇边界：地图只能显示到区县", "no town boundaries for this city: the map stops at counties"
        )
    data = _read_json(path)
    if district is not None:
        features = data.get("features", [])
        data["features"] = [f for f in features if str(f.get("id", "")).startswith(district)]
    return data


def _boundary_collection(code: str) -> dict[str, Any] | None:
    from jundeng.catalogs import divisions

    try:  # the city's own file, else the national bundle (every city)
        return divisions.boundary_collection(code)
    except NotFoundError:  # not a division code (a functional zone, a custom top)
        return None


def _boundary_source(code: str) -> str | None:
    from jundeng.catalogs import divisions

    try:
        return divisions.boundary_source(code)
    except NotFoundError:
        return None


def _town_file(code: str) -> Path | None:
    from jundeng.catalogs import divisions

    if not code.isdigit():  # a division code only: never a glob pattern from a request
        return None
    return next(iter(sorted(divisions.GEO.glob(TOWN_BOUNDARIES.format(code=code)))), None)


def _read_json(path: Path) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
