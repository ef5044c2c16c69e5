"""The built-in catalogues load, hold what the brief promises, and quote their sources verbatim."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from jundeng.catalogs import BUILTIN, builtin_catalog, zhuhai_regions
from jundeng.io.yaml_files import read_catalog

CORPUS_CLAUSES = re.compile(r"\s+")


def test_national_list_has_8_domains_and_80_items_in_the_right_counts() -> None:
    catalog = read_catalog(builtin_catalog("national-13th-fyp"))
    counts = Counter(item.domain for item in catalog.items)
    assert len(catalog.domains) == 8 and len(catalog.items) == 80
    assert sorted(counts.values()) == sorted([7, 10, 8, 20, 13, 3, 9, 10])
    assert counts["health"] == 20 and counts["housing"] == 3
    assert any(item.amount is not None for item in catalog.items), "numeric standards are structured"


def test_zhuhai_catalogue_has_40_indicators_with_targets_and_sources() -> None:
    catalog = read_catalog(builtin_catalog("zhuhai"), known_regions={r.code for r in zhuhai_regions()})
    assert len(catalog.indicators) >= 40
    assert len(catalog.targets) >= 40
    assert all(t.source and t.source.clause for t in catalog.targets)
    assert any(t.baseline_value is not None for t in catalog.targets)
    dibao = [i for i in catalog.items if i.amount and i.amount.unit == "元" and i.amount.per == ["人", "月"]]
    assert dibao, "a standard such as 低保 xxx 元/人/月 is structured"


def test_zhuhai_regions_are_the_real_tree() -> None:
    regions = zhuhai_regions()
    levels = Counter(r.level.value for r in regions if not r.functional_zone)
    assert levels == {"city": 1, "district": 3, "town": 31, "village": 345}
    zones = [r for r in regions if r.functional_zone]
    assert {z.name for z in zones} >= {"横琴新区", "高新区"}
    assert all(z.parent == "440400" for z in zones)
    villages = {r.code: r for r in regions if r.level.value == "village"}
    assert villages["440403105200"].urban_rural.value == "rural"  # 乾东村委会
    assert villages["440403105001"].urban_rural.value == "urban"  # 乾南社区居委会
    assert Counter(v.urban_rural.value for v in villages.values())["rural"] > 100


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_catalogues_are_valid(name: str) -> None:
    assert read_catalog(builtin_catalog(name)).domains
