"""Files in traditional script read like their simplified twins: task sheets, data cells and catalogues."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from jundeng.domain.catalog import Indicator
from jundeng.extract.normalize import to_traditional
from jundeng.io.observations import ValidationContext, validate_table
from jundeng.io.tables import Table
from jundeng.io.task_fields import is_county_governments, split_units
from jundeng.io.task_sheet import read_task_sheet
from jundeng.io.yaml_files import parse_catalog

HEADER = ["序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值"]
ROWS = [
    ["一、公共卫生"],
    ["1", "完善基层医疗卫生服务体系", "市卫生计生局", "各县、市、区人民政府", "长期", ""],
    ["2", "新建乡镇卫生院发热门诊", "市卫生计生局", "各县（市、区）人民政府", "年内", "12所"],
    ["3", "推进家庭医生签约服务全覆盖", "市卫生计生局、市财政局", "", "十三五期间", "4万人"],
    ["4", "建成十五分钟健康服务圈", "市卫生计生局", "各县市区政府", "“十三五”末", "95%"],
    ["5", "实现县域医共体全覆盖", "市卫生计生局", "", "十三五末", ""],
    ["6", "巩固基本公共卫生服务成果", "市卫生计生局", "", "十四五期间", ""],
]


def sheet(path: Path, rows: list[list[str]], title: str) -> Path:
    """Write a task sheet: a title row, the header and ``rows``."""
    book = Workbook()
    page = book.active
    assert page is not None
    page.append([title])
    for row in [HEADER, *rows]:
        page.append(row)
    book.save(path)
    return path


def traditional(rows: list[list[str]]) -> list[list[str]]:
    """The same rows written in traditional script (OpenCC s2t)."""
    return [[to_traditional(cell) for cell in row] for row in rows]


def test_a_traditional_task_sheet_reads_as_its_simplified_twin(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "t").mkdir()
    title = "2017年基本公共服务均等化重点任务分工表"
    written = traditional([[title], HEADER, *ROWS])
    assert written[3][2:5] == ["市衛生計生局", "各縣、市、區人民政府", "長期"]
    assert (written[4][4], written[5][4]) == ("年內", "十三五期間")
    simple, problems = read_task_sheet(sheet(tmp_path / "s" / "分工.xlsx", ROWS, title))
    assert problems == []
    twin, problems = read_task_sheet(sheet(tmp_path / "t" / "分工.xlsx", written[2:], written[0][0]))
    assert problems == []
    assert twin == simple
    first = simple[0]
    assert (first.lead_units, first.responsible_units, first.domain) == (
        ["市卫生计生局"],
        ["各县、市、区人民政府"],
        "公共卫生",
    )
    assert [t.deadline for t in simple] == [
        None,
        date(2017, 12, 31),
        date(2020, 12, 31),
        date(2020, 12, 31),
        date(2020, 12, 31),
        date(2025, 12, 31),
    ]
    assert [t.deadline_text for t in twin][:3] == ["长期", "年内", "十三五期间"], "text cells are stored simplified"
    assert (twin[2].target_value, twin[2].target_unit) == (40000, "人")


def test_the_county_government_class_is_one_unit() -> None:
    assert split_units("各县、市、区人民政府") == ["各县、市、区人民政府"]  # was ["各县、市", "区人民政府"]
    assert split_units("各縣、市、區人民政府、市衛生計生局") == ["各县、市、区人民政府", "市卫生计生局"]
    for name in [
        "各县、市、区人民政府",
        "各县市区政府",
        "各县（市、区）人民政府",
        "各区政府",
        "各县（市、区）",
        "各區政府",
    ]:
        assert is_county_governments(name), name
    for name in ["各市", "各镇（街道）", "各区教育局", "市卫生计生局", "香洲区政府"]:
        assert not is_county_governments(name), name


INDICATORS = {
    i.code: i
    for i in [
        Indicator(code="HOUSING", name="保障性住房", domain="housing", unit="套"),
        Indicator(code="HOUSING_10K", name="保障性住房（万套）", domain="housing", unit="万套"),
        Indicator(code="PEOPLE", name="参保人数", domain="insurance", unit="人"),
        Indicator(code="SPENDING", name="基本公共服务支出", domain="finance", unit="万元"),
    ]
}


def values(*cells: tuple[str, str]) -> tuple[list[float | None], list[str]]:
    """Validate one value per (indicator, text); return the stored values and the located errors."""
    rows = [[code, "440402", str(2016 + n), text] for n, (code, text) in enumerate(cells)]
    table = Table("data.csv", ["indicator", "region", "period", "value"], rows, list(range(2, len(rows) + 2)))
    checked = validate_table(table, ValidationContext(indicators=INDICATORS, regions={"440402"}, dimensions={}))
    stored = [] if checked.errors else checked.frame["value"].to_list()
    return stored, [str(p) for p in checked.errors]


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("HOUSING", "6萬套", 60000.0),
        ("HOUSING", "6万套", 60000.0),
        ("HOUSING_10K", "6万套", 6.0),
        ("HOUSING_10K", "6萬套", 6.0),
        ("PEOPLE", "6萬", 60000.0),
        ("PEOPLE", "1.5万人", 15000.0),
        ("SPENDING", "1.2億元", 12000.0),
        ("SPENDING", "300万元", 300.0),
    ],
)
def test_a_value_with_a_magnitude_and_the_indicators_unit_is_scaled(code: str, text: str, value: float) -> None:
    assert values((code, text)) == ([value], [])


def test_a_unit_that_is_not_the_indicators_is_a_located_error() -> None:
    stored, errors = values(("HOUSING", "6"), ("PEOPLE", "6萬套"), ("HOUSING", "6万人次"))
    assert stored == []  # nothing is stored; it used to be refused as 'not a number', never as a wrong unit
    assert errors == [
        "data.csv:3:4: 单位“万套”与指标单位“人”不符：'6万套' / "
        "unit '万套' does not match the indicator's unit '人': '6万套'",
        "data.csv:4:4: 单位“万人次”与指标单位“套”不符：'6万人次' / "
        "unit '万人次' does not match the indicator's unit '套': '6万人次'",
    ]


def test_a_traditional_data_table_validates_as_its_simplified_twin() -> None:
    header = ["指标代码", "区划代码", "期间", "数值", "备注"]
    rows = [["HOUSING", "440402", "2016", "2.5万套", "含公共租赁住房"], ["PEOPLE", "440402", "2016", "3萬", "户籍人口"]]
    context = ValidationContext(indicators=INDICATORS, regions={"440402"}, dimensions={})
    simple = validate_table(Table("s.csv", header, rows, [2, 3]), context)
    twin = validate_table(Table("t.csv", traditional([header])[0], traditional(rows), [2, 3]), context)
    assert traditional(rows)[0][4] == "含公共租賃住房"
    assert simple.problems == twin.problems == []
    assert twin.frame.equals(simple.frame)
    assert twin.frame["note"].to_list() == ["含公共租赁住房", "户籍人口"]
    assert twin.frame["value"].to_list() == [25000.0, 30000.0]


CATALOG = """
plan: {code: p1, title: 基本公共服务均等化规划, start_year: 2016, end_year: 2020}
domains:
  - {code: health, name: 公共卫生}
items:
  - code: H1
    name: 居民健康档案
    domain: health
    target_group: 城乡居民
    content: 为辖区常住人口建立统一、规范的居民健康档案
indicators:
  - {code: MIGRANTS, name: 流动人口数, domain: health, unit: 万人}
  - {code: DOCTORS, name: 每万人口全科医生数, domain: health, unit: 人/万人}
"""


def test_a_traditional_catalogue_parses_as_its_simplified_twin() -> None:
    twin_text = to_traditional(CATALOG)
    assert "萬人" in twin_text and "衛生" in twin_text and "檔案" in twin_text
    twin = parse_catalog(twin_text, "t.yaml")
    assert twin == parse_catalog(CATALOG, "s.yaml")
    assert [i.unit for i in twin.indicators] == ["万人", "人/万人"]
    assert twin.items[0].content == "为辖区常住人口建立统一、规范的居民健康档案"
