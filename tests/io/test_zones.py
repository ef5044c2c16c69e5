"""Zones files: located errors, members checked against the tree, and the overlay placed by ``city init``."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.catalogs import divisions
from jundeng.errors import InputError
from jundeng.io.zones import place_zones, read_zones
from jundeng.services import city, regions
from jundeng.store.db import Database


def test_the_shipped_jingmen_zones_read_and_keep_their_towns_in_their_counties() -> None:
    tree = divisions.tree("420800")
    path = divisions.zones_file("420800")
    assert path is not None
    zones = read_zones(path, tree)
    assert {z.name for z in zones} == {"漳河新区", "屈家岭管理区", "荆门高新区"}
    placed = {r.code: r for r in place_zones(tree, zones)}
    assert placed["420800-ZH"].functional_zone and placed["420800-ZH"].parent == "420800"
    assert placed["420802102"].zone == "420800-ZH" and placed["420802102"].parent == "420802"  # 漳河镇 stays in 东宝区


def test_bad_members_are_located_and_nothing_is_loaded(empty_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "zones.yaml"
    path.write_text(
        "zones:\n"
        "  - code: 420800-A\n    name: 甲区\n    parent: '420800'\n    towns: ['420802102', '440402001']\n"
        "  - code: 420800-B\n    name: 乙区\n    parent: '420802'\n    towns: ['420802102', '420822100']\n"
        "  - code: bad code\n    name: 丙区\n    parent: '420800'\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        city.init(empty_db, code="420800", zones=path, user="office")
    text = str(caught.value)
    assert f"{path}:10:11:" in text  # the bad code, at its line and column
    path.write_text(path.read_text(encoding="utf-8").replace("bad code", "420800-C"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_zones(path, divisions.tree("420800"))
    problems = [(p.row, p.en) for p in caught.value.problems]
    assert problems == [
        (5, "field zones.0.towns.1: 440402001 is not a town of this programme"),
        (9, "field zones.1.towns.0: 420802102 already belongs to zone 420800-A"),
        (9, "field zones.1.towns.1: 420822100 is not under 420802"),
    ]
    assert regions.regions(empty_db) == []  # refused before anything was written


def test_city_init_loads_the_zones(empty_db: Database) -> None:
    done = city.init(empty_db, code="420800", user="office")
    assert done.zones == ["420800-ZH", "420800-QJL", "420800-GX"]
    by_code = {r.code: r for r in regions.regions(empty_db, under="420800")}
    assert by_code["420800-QJL"].level.value == "district" and by_code["420800-QJL"].functional_zone
    assert by_code["420882451"].zone == "420800-QJL" and by_code["420882451"].parent == "420882"
