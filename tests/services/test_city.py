"""``city init``: any city or county in seconds; two cities in one database stay apart."""

from __future__ import annotations

from typing import Any

import pytest

from jundeng.errors import NotFoundError
from jundeng.services import catalog, city, regions
from jundeng.store.db import Database


def test_two_cities_in_one_database_each_get_their_own_tree(empty_db: Database) -> None:
    jingmen = city.init(empty_db, code="420800", user="office")
    assert jingmen.catalog_loaded and jingmen.inserted == 1715 + 3 and jingmen.level == "city"  # and 3 zones
    assert jingmen.regions["district"] == 5 and len(jingmen.zones) == 3
    assert jingmen.boundaries == "jingmen-420800.geojson"
    jiangmen = city.init(empty_db, code="440700", user="office")
    assert not jiangmen.catalog_loaded and jiangmen.regions == {"city": 1, "district": 7, "town": 82, "village": 1348}
    towns = regions.regions(empty_db, level="town", under="440700")
    assert len(towns) == 82 and all(t.code.startswith("4407") for t in towns)
    assert len(regions.regions(empty_db, level="town", under="420800")) == 84
    assert len(catalog.read(empty_db).domains) == 8  # the national list, loaded once


def test_running_it_again_changes_nothing(empty_db: Database) -> None:
    city.init(empty_db, code="420881", user="office")
    again = city.init(empty_db, code="420881", user="office")
    assert (again.inserted, again.updated, again.catalog_loaded) == (0, 0, False)
    assert again.name == "钟祥市" and again.level == "district" and again.regions["town"] == 31


def ids(data: dict[str, Any]) -> set[str]:
    """Return the city prefixes of a GeoJSON's features."""
    return {str(f["id"])[:4] for f in data["features"]}


def test_each_city_gets_its_own_map(empty_db: Database) -> None:
    """The map of a Jiangmen user is Jiangmen's, never another city's (it used to be Zhuhai's for everyone)."""
    city.init(empty_db, code="420800", user="office")
    city.init(empty_db, code="440700", user="office")
    assert ids(regions.boundaries(empty_db, city="440700")) == {"4407"}
    assert ids(regions.boundaries(empty_db, region="440703")) == {"4407"}  # a 蓬江区 user
    assert ids(regions.boundaries(empty_db, region="420802001")) == {"4208"}  # a town of 东宝区
    wuhan = regions.boundaries(empty_db, city="420100")  # 武汉市: no file of its own, the bundle's (none before)
    assert ids(wuhan) == {"4201"} and len(wuhan["features"]) == 13
    assert {f["properties"]["name"] for f in wuhan["features"]} >= {"江岸区", "武昌区", "黄陂区", "新洲区"}
    with pytest.raises(NotFoundError):
        regions.boundaries(empty_db, city="441900")  # 东莞市: no county level, nothing to draw


def test_a_county_of_a_city_already_set_up_stays_in_it(empty_db: Database) -> None:
    """钟祥市 set up after 荆门市 is its own programme (--under 420881) and still one of 荆门's counties (it used
    to be cut out of 荆门's tree, its parent cleared)."""
    city.init(empty_db, code="420800", user="office")
    again = city.init(empty_db, code="420881", user="office")
    assert (again.inserted, again.updated) == (0, 0)
    assert "420881" in {r.code for r in regions.regions(empty_db, level="district", under="420800")}
    assert len(regions.regions(empty_db, level="town", under="420881")) == 31
