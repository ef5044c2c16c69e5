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
    (a district user's), else of the first stored city that has them; NotFoundError when none ship (the map is
    then left out, never another city's)."""
    import json

    from jundeng.catalogs import divisions

    with db.session() as session:
        stored = regions_repo.regions(session)
    parents = {r.code: r.parent for r in stored}
    cities = [r.code for r in stored if r.level.value == "city"]
    node = region
    while node is not None and node not in cities:
        node = parents.get(node)
    candidates = [city] if city is not None else [node] if node is not None else cities
    for code in candidates:
        try:
            path = divisions.boundaries(code)
        except NotFoundError:
            path = None
        if path is not None:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
    raise NotFoundError("没有该市的内置边界", "no built-in boundaries for this city")
