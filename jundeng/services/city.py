"""Set up a programme for any province, city or county of China in one step (``jundeng city init CODE``).

The tree comes from the national divisions shipped with the package (:mod:`jundeng.catalogs.divisions`);
the default catalogue is the national 13th five-year list, loaded when the database has none yet. Running it
again changes nothing; a second city goes beside the first (each programme is its own subtree).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jundeng.store import catalog_repo, regions_repo
from jundeng.store.db import Database

DEFAULT_CATALOG = "national-13th-fyp"


@dataclass
class CitySetUp:
    """What ``city init`` did: the programme's top region, how many regions of each level it holds, what was
    written, whether the default catalogue was loaded, where its boundaries are, and how long it took."""

    code: str
    name: str
    level: str
    regions: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    catalog_loaded: bool = False
    boundaries: str | None = None  # where the map comes from: jingmen-420800.geojson, counties.json.gz (武汉市)
    zones: list[str] = field(default_factory=list)
    seconds: float = 0.0


def init(db: Database, *, code: str, name: str | None = None, zones: str | Path | None = None, user: str) -> CitySetUp:
    """Load the tree of the programme topped by ``code`` (a province, city or county) with the functional zones
    of a zones file, and the default catalogue when none is loaded yet; return what was done. A bad zones file
    is refused with located problems before anything is written."""
    from jundeng.catalogs import divisions
    from jundeng.io.zones import place_zones, read_zones
    from jundeng.services import catalog, methods

    start = time.perf_counter()
    found = divisions.tree(code, name=name)
    zones = zones if zones is not None else divisions.zones_file(code)
    declared = read_zones(zones, found) if zones is not None else []
    if declared:
        placed = {r.code: r for r in place_zones(found, declared)}
        found = [placed.pop(r.code, r) for r in found] + list(placed.values())
    with db.session(write=True) as session:
        stored = regions_repo.region(session, code=found[0].code)
        if stored is not None and stored.parent is not None:  # a county of a city already set up stays in it
            found[0] = found[0].model_copy(update={"parent": stored.parent})
        inserted, updated = regions_repo.load_regions(session, regions=found, user=user)
        has_catalog = bool(catalog_repo.known_codes(session)["known_domains"])
    if not has_catalog:
        catalog.load_file(db, source=DEFAULT_CATALOG, user=user, bind_plan=False)  # a standing list: any year
    top = found[0]
    methods.store_default(db, under=top.code, user=user)  # the national method, chosen when the programme has none
    return CitySetUp(
        code=top.code,
        name=top.name,
        level=top.level.value,
        regions=dict(Counter(r.level.value for r in found if not r.functional_zone)),
        inserted=inserted,
        updated=updated,
        catalog_loaded=not has_catalog,
        boundaries=divisions.boundary_source(code),
        zones=[z.code for z in declared],
        seconds=time.perf_counter() - start,
    )
