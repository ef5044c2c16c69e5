"""The built-in catalogues load, hold what the brief promises, and quote their sources verbatim."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jundeng.appraise.composite import composite
from jundeng.appraise.method import read_method
from jundeng.catalogs import APPRAISAL_METHOD, BUILTIN, NATIONAL_METHOD, builtin_catalog, zhuhai_regions
from jundeng.domain.catalog import Aggregation
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


def test_national_indicators_say_how_they_roll_up() -> None:
    """35 indicators over the 8 domains, each with an explicit aggregation that fits its definition."""
    catalog = read_catalog(builtin_catalog("national-13th-fyp"))
    indicators = catalog.indicators
    assert 25 <= len(indicators) <= 35
    assert {i.domain for i in indicators} == {d.code for d in catalog.domains}
    assert not catalog.targets, "each city adds its own targets with its region code"
    items = {item.code for item in catalog.items}
    for ind in indicators:
        assert ind.code.startswith("CN_") and ind.code.isascii(), ind.code
        assert ind.name_en and ind.definition and ind.items, ind.code
        assert set(ind.items) <= items, ind.code
        assert ind.aggregation is not None, f"{ind.code}: aggregation must be explicit"
        if ind.aggregation is Aggregation.RATIO:
            assert ind.numerator and ind.denominator, ind.code
        if ind.aggregation is Aggregation.SUM:
            assert ind.unit in ("万人", "万人次", "套", "户"), ind.code
        if ind.aggregation in (Aggregation.NONE, Aggregation.MEAN):
            assert not ind.is_ratio, f"{ind.code}: a rate with counted parts rolls up as ratio"
    by_code = {i.code: i for i in indicators}
    assert by_code["CN_SOC_DIBAO_URBAN_STANDARD"].rollup is Aggregation.NONE, "a standard is never averaged"
    assert by_code["CN_EMP_URBAN_NEW_JOBS"].rollup is Aggregation.SUM
    assert by_code["CN_HLT_MATERNAL_MORTALITY"].value_scale == 100_000
    assert by_code["CN_HLT_PHYSICIANS_PER_1000"].value_scale == 1000
    assert by_code["CN_EDU_COMPULSORY_RETENTION"].kind.value == "binding"
    assert by_code["CN_HLT_INFANT_MORTALITY"].direction.value == "lower"


@pytest.mark.parametrize("path", [APPRAISAL_METHOD, NATIONAL_METHOD])
def test_builtin_methods_parse(path: Path) -> None:
    assert read_method(path).indicators


def test_national_method_scores_rates_and_standards_of_the_national_catalogue() -> None:
    catalog = read_catalog(builtin_catalog("national-13th-fyp"))
    by_code = {i.code: i for i in catalog.indicators}
    method = read_method(NATIONAL_METHOD)
    codes = [choice.code for choice in method.indicators]
    assert set(codes) <= set(by_code), sorted(set(codes) - set(by_code))
    assert not [c for c in codes if by_code[c].rollup is Aggregation.SUM], "counts scale with size"
    assert {by_code[c].domain for c in codes} == {d.code for d in catalog.domains}
    assert method.domain_weighting == "equal" and method.weighting == "equal"


def test_national_method_runs_and_weighs_the_8_domains_equally() -> None:
    catalog = read_catalog(builtin_catalog("national-13th-fyp"))
    by_code = {i.code: i for i in catalog.indicators}
    method = read_method(NATIONAL_METHOD)
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        [
            {
                "region": region,
                "indicator": choice.code,
                "value": float(rng.uniform(50, 100)),
                "domain": by_code[choice.code].domain,
                "direction": by_code[choice.code].direction.value,
            }
            for region in ("420802", "420804", "420821", "420881", "420882")
            for choice in method.indicators
        ]
    )
    result = composite(frame, method)
    assert len(result.scores) == 5 and not result.left_out
    assert np.allclose(result.domain_weights.to_numpy(), 1 / 8)
    housing = [c for c in result.weights.index if by_code[c].domain == "housing"]
    assert housing == ["CN_HOU_SHANTYTOWN_TASK_RATE"] and result.weights[housing[0]] == pytest.approx(1 / 8)
