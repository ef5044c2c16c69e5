"""Catalogue YAML: validation with file:line:column errors, loading, auditing and reloading."""

from __future__ import annotations

import pytest

from jundeng.domain.catalog import Indicator, StandardAmount
from jundeng.errors import InputError
from jundeng.io.yaml_files import parse_catalog

BAD = """domains:
  - code: edu
    name: 教育
indicators:
  - code: A1
    name: 入园率
    domain: edu
    unit: "%"
    direction: up
  - code: A2
    name: 床位
    domain: edu
    unit: 张
    colour: red
  - code: A3
    domain: edu
    unit: 人
targets:
  - {indicator: A1, region: "440400", year: 2015, comparator: range, low: 5}
"""


def test_every_problem_is_located_at_its_line_and_field() -> None:
    with pytest.raises(InputError) as caught:
        parse_catalog(BAD, "bad.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert any(x.startswith("bad.yaml:9:16: 字段 indicators.0.direction") for x in lines), lines
    assert any(x.startswith("bad.yaml:14:5: 字段 indicators.1.colour: 不允许的字段") for x in lines), lines
    assert any(x.startswith("bad.yaml:15:5: 字段 indicators.2.name: 缺少必填字段") for x in lines), lines
    assert any(x.startswith("bad.yaml:19:5: 字段 targets.0") and "low <= high" in x for x in lines), lines


def test_unknown_references_are_located() -> None:
    text = "domains: [{code: edu, name: 教育}]\nindicators:\n  - {code: A, name: a, domain: health, unit: 人}\n"
    with pytest.raises(InputError, match=r"c.yaml:3:32: 字段 indicators.0.domain: 未定义的领域代码"):
        parse_catalog(text, "c.yaml")


def test_yaml_syntax_error_is_located() -> None:
    with pytest.raises(InputError, match=r"broken.yaml:3:1: YAML 语法错误: expected"):
        parse_catalog("domains:\n  - [unclosed\n", "broken.yaml")


def test_indicator_scale_and_share_rules() -> None:
    pct = Indicator(code="A", name="a", domain="d", unit="%", numerator="n", denominator="d")
    assert (pct.value_scale, pct.is_share, pct.valid_range) == (100.0, True, (0.0, 100.0))
    mmr = Indicator(code="M", name="m", domain="d", unit="/10万", numerator="n", denominator="d")
    assert (mmr.value_scale, mmr.is_share) == (100000.0, False)
    assert str(StandardAmount(amount=690, unit="元", per=["人", "月"])) == "690 元/人/月"
