"""Built-in catalogues (YAML) and the demo city's regions and boundaries, shipped with the package.

Provenance and licences: see ``catalogs/README.md``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from jundeng.domain.regions import Region
from jundeng.errors import NotFoundError

HERE = Path(__file__).parent
BUILTIN = {
    "national-13th-fyp": HERE / "national-13th-fyp.yaml",
    "zhuhai": HERE / "zhuhai.yaml",
    "access": HERE / "access-indicators.yaml",  # computed access indicators, a standing list (no plan)
}
ZHUHAI_REGIONS = HERE / "zhuhai" / "regions.csv"
DEMO_PROFILE = HERE / "demo-profile.yaml"
APPRAISAL_METHOD = HERE / "appraisal-zhuhai.yaml"
NATIONAL_METHOD = HERE / "appraisal-national.yaml"  # default method for the national catalogue


def builtin_catalog(name: str) -> Path:
    """Return the path of a built-in catalogue by name (``national-13th-fyp``, ``zhuhai`` or ``access``)."""
    try:
        return BUILTIN[name]
    except KeyError:
        known = ", ".join(BUILTIN)
        raise NotFoundError(
            f"没有名为 {name!r} 的内置目录（已有：{known}）", f"no built-in catalogue {name!r}; known: {known}"
        ) from None


def read_regions_csv(path: str | Path) -> list[Region]:
    """Return the regions in a CSV with columns code,name,level,parent,urban_rural,functional_zone[,zone]."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [
            Region(
                code=row["code"],
                name=row["name"],
                level=row["level"],
                parent=row.get("parent") or None,
                urban_rural=row.get("urban_rural") or "mixed",
                functional_zone=row.get("functional_zone", "0") in ("1", "true", "True"),
                zone=row.get("zone") or None,
            )
            for row in csv.DictReader(handle)
        ]


def zhuhai_regions() -> list[Region]:
    """Return Zhuhai's administrative tree (city, 3 districts, 5 functional zones, 31 towns, 345 villages)."""
    return read_regions_csv(ZHUHAI_REGIONS)
