"""The national divisions shipped with the package: the tree of any province, city or county."""

from __future__ import annotations

from collections import Counter

import pytest

from jundeng.catalogs import divisions
from jundeng.errors import NotFoundError


def levels(code: str) -> Counter[str]:
    return Counter(r.level.value for r in divisions.tree(code))


def test_the_seed_cities_have_their_published_counts() -> None:
    assert levels("420800") == {"city": 1, "district": 5, "town": 84, "village": 1625}  # 荆门市
    assert levels("4407") == {"city": 1, "district": 7, "town": 82, "village": 1348}  # 江门市
    assert levels("440400") == {"city": 1, "district": 3, "town": 31, "village": 345}  # 珠海市


def test_a_county_can_be_the_top_of_a_programme() -> None:
    found = divisions.tree("420881")
    top = found[0]
    assert (top.code, top.name, top.level.value, top.parent) == ("420881", "钟祥市", "district", None)
    assert Counter(r.level.value for r in found) == {"district": 1, "town": 31, "village": 574}
    assert {r.parent for r in found if r.level.value == "town"} == {"420881"}


def test_a_province_holds_its_cities() -> None:
    found = divisions.tree("44")
    assert found[0].code == "440000" and found[0].name == "广东省"
    cities = [r for r in found if r.level.value == "city"]
    assert len(cities) == 21 and {r.parent for r in cities} == {"440000"}


def test_every_region_hangs_under_its_parent_and_villages_have_a_type() -> None:
    found = divisions.tree("440700")
    codes = {r.code for r in found}
    assert all(r.parent in codes for r in found[1:])
    kinds = Counter(r.urban_rural.value for r in found if r.level.value == "village")
    assert kinds["rural"] > 0 and kinds["urban"] > 0


def test_a_name_may_be_given_and_boundaries_are_found_where_they_ship() -> None:
    assert divisions.tree("420800", name="荆门市（试点）")[0].name == "荆门市（试点）"
    found = divisions.boundaries("420800")
    assert found is not None and found.name == "jingmen-420800.geojson"
    assert divisions.boundaries("4201") is None and divisions.boundaries("420881") is None


@pytest.mark.parametrize("code", ["4", "abc", "4208001", "420000", "9999", "429999"])
def test_a_wrong_code_is_refused_in_both_languages(code: str) -> None:
    with pytest.raises(NotFoundError) as caught:
        divisions.tree(code)
    assert caught.value.zh and caught.value.en


@pytest.mark.parametrize("code", ["4419", "44"])
def test_a_city_without_counties_has_its_towns_under_itself_and_codes_are_unique(code: str) -> None:
    """东莞市 has no county level (its one area has the city's own code): no region appears twice."""
    found = divisions.tree(code)
    assert len({r.code for r in found}) == len(found)
    dongguan_towns = [r for r in found if r.level.value == "town" and r.code.startswith("4419")]
    assert len(dongguan_towns) == 36 and {r.parent for r in dongguan_towns} == {"441900"}


def test_every_shipped_boundary_is_a_county_of_its_city_by_code_and_name() -> None:
    """The map draws a county by its code and name: 京山县 420821 (now 京山市 420882) used to go undrawn."""
    import json

    from jundeng.domain.regions import RegionLevel

    for path in sorted(divisions.GEO.glob("*.geojson")):
        city = path.stem.rsplit("-", 1)[1]
        counties = {r.code: r.name for r in divisions.tree(city) if r.level is RegionLevel.DISTRICT}
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        assert {str(f["id"]): f["properties"]["name"] for f in features}.items() <= counties.items(), path.name


def counties_of(city: str) -> dict[str, str]:
    """Return the counties of a city by code (areas.csv), less development zones (x7x): they have no borders."""
    import csv

    with (divisions.DIVISIONS / "areas.csv").open(encoding="utf-8", newline="") as handle:
        return {
            r["code"]: r["name"]
            for r in csv.DictReader(handle)
            if r["cityCode"] == city and r["code"][4] != "7" and r["code"] != f"{city}00"
        }


@pytest.mark.parametrize("city", ["4201", "4113", "4401", "4208"])  # 武汉, 南阳, 广州, 荆门 (which has its own file)
def test_the_bundle_draws_the_counties_of_any_city(city: str) -> None:
    """Every city has a map now (武汉市 had none): each feature is a county of the city, by code and name,
    a closed polygon, and at least 90% of its counties are drawn."""
    found = divisions.boundary_collection(city, bundled=True)
    assert found is not None and found["type"] == "FeatureCollection"
    counties = counties_of(city)
    drawn = {str(f["id"]): f["properties"]["name"] for f in found["features"]}
    assert drawn.items() <= counties.items() and len(drawn) == len(found["features"])
    assert len(drawn) >= 0.9 * len(counties), sorted(set(counties.values()) - set(drawn.values()))
    for feature in found["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"} and polygons
        assert all(len(ring) >= 4 and ring[0] == ring[-1] for polygon in polygons for ring in polygon)


def test_a_city_with_its_own_file_keeps_it_and_the_bundle_agrees_with_it() -> None:
    """荆门 is drawn from its exact file (full precision), the bundle holding the same counties simplified."""
    own = divisions.boundary_collection("420800")
    bundled = divisions.boundary_collection("4208", bundled=True)
    assert own is not None and bundled is not None and own != bundled
    assert {f["id"] for f in own["features"]} == {f["id"] for f in bundled["features"]}
    assert divisions.boundary_source("420800") == "jingmen-420800.geojson"
    assert divisions.boundary_source("4201") == "counties.json.gz (武汉市)"
    assert divisions.boundary_source("4101") == "counties.json.gz (郑州市)"
    for nothing in ("441900", "420881", "42"):  # 东莞市 (no counties), a county, a province
        assert divisions.boundary_collection(nothing) is None and divisions.boundary_source(nothing) is None


def test_the_bundle_holds_nearly_every_county_of_china_under_its_own_city() -> None:
    """Across the bundle, every feature is a county of the city it is filed under (by code and name), no
    county twice; at least 95% of the counties of all cities are drawn."""
    import csv
    import json

    with (divisions.DIVISIONS / "areas.csv").open(encoding="utf-8", newline="") as handle:
        areas = list(csv.DictReader(handle))
    names = {r["code"]: r["name"] for r in areas}
    real = {r["code"] for r in areas if r["code"][4] != "7" and r["code"] != f"{r['cityCode']}00"}
    seen: list[str] = []
    for city, raw in divisions._bundle().items():
        features = json.loads(raw)["features"]
        assert all(str(f["id"])[:4] == city[:4] and f["properties"]["name"] == names[f["id"]] for f in features)
        seen += [str(f["id"]) for f in features]
    assert len(seen) == len(set(seen)) and set(seen) <= real
    rate = len(seen) / len(real)
    assert rate >= 0.95, f"{rate:.1%} of {len(real)} counties drawn"
    assert len(divisions._bundle()) >= 330  # of 342 cities: not 东莞, 中山, 儋州 (no counties), 三沙
