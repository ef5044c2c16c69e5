"""The generated narrative: hand-computed sentences, the figures each states, and no data said as such."""

from __future__ import annotations

from datetime import date

from jundeng.report import narrative as say


def test_a_narrowing_urban_rural_ratio_is_said_with_both_years_and_values() -> None:
    p = say.gap_change(
        "zh", name="低保标准", index="ratio", year=2017, value=1.1811, previous_year=2016, previous=1.3249, scope="全市"
    )
    assert p.text == "全市低保标准城乡差距（城乡比）由2016年的1.32倍缩小到2017年的1.18倍。"
    assert p.numbers == (2016.0, 1.32, 2017.0, 1.18)
    en = say.gap_change(
        "en",
        name="minimum living standard",
        index="ratio",
        year=2017,
        value=1.1811,
        previous_year=2016,
        previous=1.3249,
    )
    assert "narrowed from 1.32 times in 2016 to 1.18 times in 2017" in en.text
    assert "urban–rural ratio" in en.text


def test_a_widening_gini_names_the_index_and_the_between_share() -> None:
    p = say.gap_change(
        "zh",
        name="卫生镇比例",
        index="gini",
        year=2017,
        value=0.0794,
        previous_year=2016,
        previous=0.0714,
        between=0.4936,
    )
    assert "基尼系数" in p.text and "由2016年的0.071扩大到2017年的0.079" in p.text
    assert "泰尔指数中区间差距占49.4%" in p.text
    assert p.numbers == (2016.0, 0.071, 2017.0, 0.079, 49.4)
    theil = say.gap_change("en", name="x", index="theil", year=2017, value=0.02, previous_year=2016, previous=0.01)
    assert "Theil index" in theil.text and "widened" in theil.text


def test_values_that_round_alike_are_equal_not_narrowed() -> None:
    p = say.gap_change("zh", name="x", index="ratio", year=2017, value=1.2049, previous_year=2016, previous=1.2001)
    assert "持平" in p.text and "缩小" not in p.text and "扩大" not in p.text
    assert p.numbers == (2016.0, 1.2, 2017.0, 1.2)
    en = say.gap_change("en", name="x", index="ratio", year=2017, value=1.2049, previous_year=2016, previous=1.2001)
    assert "unchanged" in en.text


def test_a_missing_value_says_no_data() -> None:
    p = say.gap_change("zh", name="x", index="gini", year=2017, value=None, previous_year=None, previous=None)
    assert "暂无可比数据" in p.text and p.numbers == (2017.0,)
    en = say.indicator_change("en", name="Dibao", unit="yuan", year=2017, value=None)
    assert "no data" in en.text and en.numbers == (2017.0,)
    rate = say.year_summary("zh", year=2017, scope="全市", counts={"no_data": 3}, rate=None)
    assert "无法计算目标达成率" in rate.text and "无数据3项" in rate.text


def test_an_indicator_change_against_last_year_and_the_baseline() -> None:
    p = say.indicator_change(
        "zh", name="低保标准", unit="元/人/月", year=2017, value=691.58, previous=637.91, previous_year=2016,
        baseline=480.0, baseline_year=2013,
    )  # fmt: skip
    assert p.text == (
        "低保标准2017年为691.6元/人/月，比上年（2016年637.9元/人/月）提高53.7元/人/月，"
        "比基期（2013年480.0元/人/月）提高211.6元/人/月。"
    )
    assert p.numbers == (2017.0, 691.6, 2016.0, 637.9, 53.7, 2013.0, 480.0, 211.6)
    pct = say.indicator_change("zh", name="覆盖率", unit="%", year=2017, value=90.0, previous=92.5, previous_year=2016)
    assert "下降2.5个百分点" in pct.text
    whole = say.indicator_change("en", name="Parks", unit="", year=2017, value=12.0, previous=9.0, previous_year=2016)
    assert whole.text == "Parks was 12 in 2017; up 3 from last year (2016: 9)."


def test_the_year_summary_counts_and_rate() -> None:
    counts = {"achieved": 38, "off_track": 7, "worsening": 5}
    p = say.year_summary("zh", year=2017, scope="全市", counts=counts, rate=0.76, binding_missed=1)
    assert (
        p.text == "2017年，全市50项目标中，已达成38项，进度滞后7项，退步5项。目标达成率为76.0%。1项约束性目标未完成。"
    )
    assert p.numbers == (2017.0, 50.0, 38.0, 7.0, 5.0, 76.0, 1.0)
    en = say.year_summary("en", year=2017, scope="Zhuhai", counts=counts, rate=0.76)
    assert en.text.startswith("In 2017, of the 50 targets of Zhuhai, 38 achieved, 7 off track, 5 worsening.")


def test_tasks_problems_and_priorities() -> None:
    p = say.tasks_done("zh", day=date(2017, 9, 30), total=98, completed=9, overdue=1, red=18)
    assert p.text == "截至2017年9月30日，98项重点任务中，已完成9项，逾期1项，亮红灯18项。"
    assert p.numbers == (2017.0, 9.0, 30.0, 98.0, 9.0, 1.0, 18.0)
    names = ["a", "a", "b", "c", "d", "e", "f"]
    problems = say.problem_targets("zh", off_track=names, worsening=[])
    assert problems.text.startswith("7项目标进度滞后（a、b、c、d、e等）") and problems.numbers == (7.0,)
    assert "均已达成" in say.problem_targets("zh", off_track=[], worsening=[]).text
    behind = say.problem_districts("en", behind=[("斗门区", 12.253, 3, 10)])
    assert "斗门区 (score 12.3, rank 3, 10 targets missed)" in behind.text and behind.numbers == (12.3, 3.0, 10.0)
    assert say.priority_tasks("zh", red=18, overdue=1).numbers == (18.0, 1.0)
