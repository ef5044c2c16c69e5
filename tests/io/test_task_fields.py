"""Task sheet cells: deadlines, targets, unit lists, numbering and Chinese numerals."""

from __future__ import annotations

from datetime import date

import pytest

from jundeng.io.task_fields import cn_to_number, parse_deadline, parse_target, split_units, strip_numbering


@pytest.mark.parametrize(
    ("text", "year", "deadline", "start"),
    [
        ("2017年底前", None, date(2017, 12, 31), None),
        ("2017年12月底", None, date(2017, 12, 31), None),
        ("2017年6月", None, date(2017, 6, 30), None),
        ("2017年6月30日前", None, date(2017, 6, 30), None),
        ("2017年上半年", None, date(2017, 6, 30), None),
        ("2017年下半年", None, date(2017, 12, 31), None),
        ("2017年第三季度", None, date(2017, 9, 30), None),
        ("2017年一季度末", None, date(2017, 3, 31), None),
        ("2017年6月上旬", None, date(2017, 6, 10), None),
        ("年内", 2017, date(2017, 12, 31), None),
        ("年底前完成", 2017, date(2017, 12, 31), None),
        ("六月底", 2017, date(2017, 6, 30), None),
        ("二〇一七年十二月", None, date(2017, 12, 31), None),
        ("２０１７年９月底", None, date(2017, 9, 30), None),
        ("2017-2018年", None, date(2018, 12, 31), None),
        ("2017—2018年", None, date(2018, 12, 31), None),
        ("2017年6月至12月", None, date(2017, 12, 31), None),
        ("2017年底前完成规划，2018年6月底前全面建成", None, date(2018, 6, 30), None),
        ("2017-06-30", None, date(2017, 6, 30), None),
        ("2017.9", None, date(2017, 9, 30), None),
        ("长期", None, None, None),
        ("持续推进", None, None, None),
        ("常态化", None, None, None),
        ("2017年起持续推进", None, None, date(2017, 1, 1)),
        ("十三五期间", None, date(2020, 12, 31), None),
        ("十三五期間", None, date(2020, 12, 31), None),
        ("“十三五”末", None, date(2020, 12, 31), None),
        ("十三五末", 2017, date(2020, 12, 31), None),
        ("「十三五」時期", None, date(2020, 12, 31), None),
        ("十四五期间", None, date(2025, 12, 31), None),
        ("十二五期末", None, date(2015, 12, 31), None),
        ("長期", None, None, None),
        ("年內", 2017, date(2017, 12, 31), None),
        ("2018年起至十三五末", None, date(2020, 12, 31), date(2018, 1, 1)),
    ],
)
def test_deadline_rules(text: str, year: int | None, deadline: date | None, start: date | None) -> None:
    parsed = parse_deadline(text, year)
    assert (parsed.deadline, parsed.start, parsed.error) == (deadline, start, None)


@pytest.mark.parametrize("text", ["明年某时", "三年内", "按上级要求", "2017年2月30日", "年内", "六月底"])
def test_unreadable_deadlines(text: str) -> None:
    assert parse_deadline(text).error is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新建12所中小学", (12, "所")),
        ("2700套", (2700, "套")),
        ("4万人", (40000, "人")),
        ("四万人", (40000, "人")),
        ("新建十二所中小学", (12, "所")),
        ("两千张床位", (2000, "张")),
        ("一万二千人", (12000, "人")),
        ("培训3万人次", (30000, "人次")),
        ("1,200套", (1200, "套")),
        ("覆盖率达到95%以上", (95, "%")),
        ("2017年新建12所", (12, "所")),  # the year is not the target
        ("“十三五”期间新增3所", (3, "所")),
        ("500万元", (500, "万元")),  # 万元 / 亿元 are units of money
        ("690元/人/月", (690, "元/人/月")),  # a rate keeps its whole unit
        ("2万元/班/年", (2, "万元/班/年")),
        ("12", (12, None)),
        ("若干", None),
        ("一体化推进", None),
        ("千家万户", None),
    ],
)
def test_target_rules(text: str, expected: tuple[float, str | None] | None) -> None:
    assert parse_target(text) == expected


def test_units_numbering_and_numerals() -> None:
    assert split_units("市教育局、市财政局等") == ["市教育局", "市财政局"]
    assert split_units("市发展改革委，市财政局；市人社局/市民政局 市住建局\n市卫生计生委,市医保局;市残联") == [
        "市发展改革委",
        "市财政局",
        "市人社局",
        "市民政局",
        "市住建局",
        "市卫生计生委",
        "市医保局",
        "市残联",
    ]
    assert split_units("各区政府") == ["各区政府"]
    assert split_units("各区、县（市）政府") == ["各区、县（市）政府"]
    assert split_units("市教育局（市体育局、市语委）、各区政府等有关部门") == [
        "市教育局（市体育局、市语委）",
        "各区政府",
    ]
    assert split_units("市教育局、市教育局") == ["市教育局"]
    assert [
        strip_numbering(t) for t in ["（一）完善", "1.新建", "1、新建", "一是加强", "(1)建设", "①实施", "一、教育"]
    ] == [
        ("完善", 1, 2),
        ("新建", 1, 3),
        ("新建", 1, 3),
        ("加强", 1, 3),
        ("建设", 1, 3),
        ("实施", 1, 3),
        ("教育", 1, 1),
    ]
    assert strip_numbering("1.5万名教师参加培训") == ("1.5万名教师参加培训", None, None)
    assert strip_numbering("2017年完成") == ("2017年完成", None, None)
    assert [cn_to_number(t) for t in ["十二", "二十", "一百零五", "两千", "一万二千", "二〇一七", "某"]] == [
        12,
        20,
        105,
        2000,
        12000,
        2017,
        None,
    ]
