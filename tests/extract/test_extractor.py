"""Policy extraction: one sentence per pattern (both scripts, noise, offsets), readers, the CLI and the dev set."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from jundeng.errors import InputError
from jundeng.extract import Candidate, extract_file, extract_text, read_document
from jundeng.extract.normalize import normalize
from jundeng.extract.numbers import parse_number

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extract"
WORK_PLAN = FIXTURES / "zhuhai-2017-work-plan.txt"
PLAN = "某市基本公共服务均等化实施方案（2016-2020年）\n"


def only(text: str, **kwargs: object) -> Candidate:
    """Return the single candidate of ``text`` (a plan document unless it says otherwise)."""
    found = extract_text(text, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, [(c.quantity, c.kind) for c in found]
    return found[0]


def by_quantity(found: list[Candidate], quantity: str) -> Candidate:
    matches = [c for c in found if c.quantity == quantity]
    assert len(matches) == 1, [(c.quantity, c.kind) for c in found]
    return matches[0]


# --- numbers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("13.5万", 135000),
        ("2亿", 200000000),
        ("5千", 5000),
        ("1,000", 1000),
        ("两", 2),
        ("十二", 12),
        ("三万五千", 35000),
    ],
)
def test_numbers_fold_magnitudes_and_read_chinese_numerals(written: str, value: float) -> None:
    assert parse_number(written) == value


def test_wan_is_folded_into_counts_and_money() -> None:
    c = only(PLAN + "到2020年，全市城镇新增就业13.5万人。")
    assert (c.value, c.unit, c.kind, c.year) == (135000, "人", "target", 2020)
    money = only(PLAN + "医疗保险年度最高支付限额提高到72万元。")
    assert (money.value, money.unit, money.kind, money.comparator) == (720000, "元", "standard", ">=")


def test_full_width_digits_and_punctuation() -> None:
    c = only(PLAN + "到２０２０年，学前三年毛入园率达到９３％以上。")
    assert (c.value, c.unit, c.comparator, c.year, c.kind) == (93, "%", ">=", 2020, "target")
    assert c.quantity == "９３％"


def test_chinese_numerals_count_after_a_verb_but_not_in_idioms() -> None:
    found = extract_text(PLAN + "新建一所特殊教育学校，增设两张病床，推进一体化建设，配置一批健身器材。")
    assert [(c.value, c.unit, c.kind) for c in found] == [(1, "所", "task"), (2, "张", "task")]


def test_three_hundred_percents_and_percent_words() -> None:
    found = extract_text(PLAN + "实现“三个百分百”：百分之百的行政村通客车，农村自来水普及率达到百分之九十五。")
    assert [(c.value, c.unit, c.kind) for c in found] == [(100, "%", "target"), (95, "%", "target")]


def test_fractions_are_percentages() -> None:
    c = only("2013年工作总结\n一年来，超过三分之二的学生在本地完成学业。")
    assert (c.value, c.unit, c.comparator, c.kind) == (66.67, "%", ">", "baseline")


# --- comparators, ranges, lists --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "quantity", "comparator"),
    [
        ("学前三年毛入园率达到93%。", "93%", ">="),
        ("有就业愿望的劳动者就业率不低于80%。", "80%", ">="),
        ("参保率保持在99.8%以上。", "99.8%", ">="),
        ("新生儿死亡率降到5‰以下。", "5‰", "<="),
        ("城镇登记失业率控制在3.5%以内。", "3.5%", "<="),
        ("公共就业服务对象满意率超过85%。", "85%", ">"),
        ("初中年辍学率低于1.2%。", "1.2%", "<"),
        ("孕产妇死亡率降低到15/10万。", "15/10万", "<="),
        ("人均预期寿命提高到78岁以上。", "78岁", ">="),
        ("PM2.5年均浓度下降到35微克/立方米。", "35微克/立方米", "<="),
        ("对80周岁以上老人发放高龄津贴。", None, None),
        ("公交站点500米覆盖率≥75%。", "75%", ">="),
        ("个人卫生支出占卫生总费用比重≤28%。", "28%", "<="),
        ("力争全市农村卫生厕所普及率达到95%。", "95%", ">="),
    ],
)
def test_comparator_words(sentence: str, quantity: str | None, comparator: str | None) -> None:
    found = extract_text(PLAN + "到2020年，" + sentence)
    if quantity is None:  # an age that defines a group is not a commitment
        assert found == []
        return
    c = by_quantity(found, quantity)
    assert c.comparator == comparator
    assert c.kind == "target"
    assert c.year == 2020


def test_ranges() -> None:
    found = extract_text(PLAN + "每个社区配备社工20-30名，每年安排资金3万至10万元。")
    people = by_quantity(found, "20-30名")
    assert (people.low, people.high, people.value, people.unit) == (20, 30, 20, "名")
    money = by_quantity(found, "3万至10万元")
    assert (money.low, money.high, money.unit) == (30000, 100000, "元/年")


def test_several_values_in_one_clause_share_the_comparator() -> None:
    found = extract_text(PLAN + "城乡居民医保政策范围内住院费用支付比例分别达到100%、90%。")
    assert [(c.value, c.comparator) for c in found] == [(100, ">="), (90, ">=")]
    money = extract_text(PLAN + "职工和居民大病保险最高支付限额分别不低于30万元和20万元。")
    assert [(c.value, c.unit, c.comparator, c.kind) for c in money] == [
        (300000, "元", ">=", "standard"),
        (200000, "元", ">=", "standard"),
    ]


def test_from_a_to_b_reports_b_with_a_as_previous() -> None:
    c = only("2013年工作总结\n新农保基础养老金由原每人每月165元提高至330元。")
    assert (c.value, c.previous, c.unit, c.kind, c.comparator) == (330, 165, "元/人/月", "standard", "=")


# --- per-unit standards ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("低保标准提高至每人每月690元。", 690, "元/人/月"),
        ("残疾人生活津贴提高到160元/人/月以上。", 160, "元/人/月"),
        ("对普惠性民办幼儿园给予2万元/班/年的奖励。", 20000, "元/班/年"),
        ("对民办养老机构给予每年每张床位600元的补贴。", 600, "元/张/年"),
        ("人均基本公共卫生服务经费标准提高到每人55元。", 55, "元/人"),
    ],
)
def test_per_unit_standards(sentence: str, value: float, unit: str) -> None:
    c = only(PLAN + sentence)
    assert (c.kind, c.value, c.unit) == ("standard", value, unit)


def test_per_population_indicators() -> None:
    found = extract_text(PLAN + "到2020年，每千人口医疗卫生机构床位数达到6张，每千老年人口养老床位数达到35张。")
    assert [(c.value, c.unit, c.kind) for c in found] == [(6, "张/千人", "target"), (35, "张/千人", "target")]


# --- targets, tasks and baselines -------------------------------------------------------------------------------


def test_tasks_are_counted_work() -> None:
    found = extract_text(PLAN + "新建中小学12所，完成新开工保障房2700套，改造提升51公里自行车专用道。")
    assert [(c.kind, c.value, c.unit) for c in found] == [
        ("task", 12, "所"),
        ("task", 2700, "套"),
        ("task", 51, "公里"),
    ]
    assert found[0].indicator == "新建中小学"


def test_development_base_section_gives_baselines_and_target_section_targets() -> None:
    text = (
        PLAN + "第一章 发展基础\n“十二五”以来，全市学前三年毛入园率达到88.5%，新建幼儿园120所。\n"
        "第二章 主要目标\n到2020年，学前三年毛入园率达到95%以上。\n"
    )
    found = extract_text(text)
    assert [(c.kind, c.value, c.year, c.comparator) for c in found] == [
        ("baseline", 88.5, 2015, "="),
        ("baseline", 120, 2015, "="),
        ("target", 95, 2020, ">="),
    ]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("今年已新建幼儿园12所。", "baseline"),
        ("全市已建成社区体育公园10个。", "baseline"),
        ("截至目前，累计发放补贴资金3000万元。", "baseline"),
        ("计划新建幼儿园12所。", "task"),
        ("确保城镇登记失业率控制在3%以内。", "target"),
        ("力争新增3家市级创业孵化基地。", "task"),
    ],
)
def test_tense_decides_between_baseline_and_commitment(sentence: str, kind: str) -> None:
    assert only(PLAN + sentence).kind == kind


def test_a_summary_reports_baselines_and_its_plan_part_plans() -> None:
    text = (
        "2013年工作总结和2014年工作计划\n一、工作总结\n全年新开公交线路5条，开工率为115%。\n"
        "二、2014年工作计划\n完成10所镇中心幼儿园建设。\n"
    )
    found = extract_text(text)
    assert [(c.kind, c.value, c.year) for c in found] == [
        ("baseline", 5, 2013),
        ("baseline", 115, 2013),
        ("task", 10, 2014),
    ]


# --- years, domains, scopes, units -----------------------------------------------------------------------------


def test_five_year_plan_title_and_next_year_section_of_a_summary() -> None:
    plan = (
        "关于印发某市基本公共服务均等化“十三五”规划的通知\n一、发展基础\n全市已建成幼儿园120所。\n"
        "二、主要目标\n学前三年毛入园率达到95%。\n"
    )
    assert [(c.kind, c.value, c.year) for c in extract_text(plan)] == [("baseline", 120, 2015), ("target", 95, 2020)]
    summary = "2017年工作总结\n一、主要成效\n新建幼儿园12所。\n二、下一步工作打算\n新建幼儿园15所。\n"
    assert [(c.kind, c.value, c.year) for c in extract_text(summary)] == [("baseline", 12, 2017), ("task", 15, 2018)]


def test_year_comes_from_the_sentence_then_the_section_then_the_document() -> None:
    text = (
        "2017年工作计划\n一、公共教育\n到2015年，义务教育公办学校100%建成规范化学校。\n"
        "新建幼儿园3所。\n二、2018年工作任务\n新建幼儿园5所。\n"
    )
    found = extract_text(text)
    assert [(c.value, c.year) for c in found] == [(100, 2015), (3, 2017), (5, 2018)]


def test_reference_years_and_titles_are_not_deadlines() -> None:
    c = only(PLAN + "依照《某市十二五规划（2011-2015年）》，五保供养标准不低于2012年农村居民人均纯收入的60%。")
    assert (c.value, c.year, c.comparator, c.kind) == (60, 2020, ">=", "standard")


def test_domain_from_headings() -> None:
    text = PLAN + "一、统筹城乡发展\n（一）公共教育\n新建中小学12所。\n（二）住房保障\n新开工保障房2700套。\n"
    assert [c.domain for c in extract_text(text)] == ["公共教育", "住房保障"]


def test_scope_words() -> None:
    found = extract_text(
        PLAN + "到2020年，中心城区公交站点500米覆盖率达到100%，农村自来水普及率达到90%，各区新建幼儿园2所。"
    )
    assert [c.scope for c in found] == ["中心城区", "农村", "各区"]


def test_lead_and_responsible_units() -> None:
    text = PLAN + (
        "新建幼儿园30所〔牵头单位：市教育局；责任单位：各区人民政府、市发展改革局〕。\n"
        "每千人口执业（助理）医师数达到2.8人（市卫生健康局牵头，各区政府配合）。\n"
        "新开工保障房2700套。\n牵头单位：市住房城乡建设局\n责任单位：各区政府\n"
    )
    found = extract_text(text)
    assert [(c.lead_units, c.responsible_units) for c in found] == [
        (("市教育局",), ("各区人民政府", "市发展改革局")),
        (("市卫生健康局",), ("各区政府",)),
        (("市住房城乡建设局",), ("各区政府",)),
    ]


@pytest.mark.parametrize(
    ("note", "lead", "responsible"),
    [
        ("（牵头单位：市教育局，配合单位：市财政局、各区政府）", ("市教育局",), ("市财政局", "各区政府")),
        ("〔责任单位：市教育局（牵头）、各区政府〕", ("市教育局",), ("各区政府",)),
        ("（市教育局、各区政府负责）", (), ("市教育局", "各区政府")),
        ("（2017年底前完成）", (), ()),
    ],
)
def test_unit_note_styles(note: str, lead: tuple[str, ...], responsible: tuple[str, ...]) -> None:
    c = only(PLAN + f"新建幼儿园30所{note}。")
    assert (c.lead_units, c.responsible_units) == (lead, responsible)


def test_permille_and_tenths_words() -> None:
    found = extract_text(PLAN + "到2020年，七成以上的村建成文化室，新生儿死亡率低于千分之五，坚持一成不变。")
    assert [(c.value, c.unit, c.comparator) for c in found] == [(70, "%", ">="), (5, "‰", "<")]


def test_a_huge_sentence_stays_linear() -> None:
    found = extract_text(PLAN + "，".join(["新建学校12所"] * 5000))
    assert len(found) == 5000


# --- traditional script and offsets ----------------------------------------------------------------------------


def test_traditional_script_with_offsets_on_the_original() -> None:
    text = (
        "某市基本公共服務均等化規劃（2016—2020年）\n三、醫療衛生\n"
        "到2020年，孕產婦死亡率控制在15/10萬以下，每千人口床位數達到6張。\n"
    )
    found = extract_text(text)
    assert [(c.kind, c.value, c.unit, c.comparator, c.year) for c in found] == [
        ("target", 15, "/10万", "<=", 2020),
        ("target", 6, "张/千人", ">=", 2020),
    ]
    for c in found:
        assert text[c.start : c.end] == c.sentence
        assert text[c.quantity_start : c.quantity_end] == c.quantity
    assert found[0].indicator == "孕產婦死亡率"
    assert found[0].quantity == "15/10萬"
    assert found[0].domain == "醫療衛生"


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_work_plan_in_traditional_script_gives_the_same_candidates(config: str) -> None:
    simplified = WORK_PLAN.read_text(encoding="utf-8")
    traditional = opencc.OpenCC(config).convert(simplified)
    a, b = extract_text(simplified), extract_text(traditional)
    assert [(c.kind, c.value, c.unit, c.comparator, c.year, c.start, c.end) for c in a] == [
        (c.kind, c.value, c.unit, c.comparator, c.year, c.start, c.end) for c in b
    ]
    assert all(traditional[c.start : c.end] == c.sentence for c in b)


def test_normalization_keeps_the_length() -> None:
    text = "醫療保險年度最高支付限額提高到７２萬元，（ＡＢＣ）：％"
    assert len(normalize(text)) == len(text)
    assert normalize(text).startswith("医疗保险年度最高支付限额提高到72万元，(ABC):%")


# --- noise ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "开通12333人社服务热线和12385残疾人服务热线。",
        "根据《关于印发某市实施方案的通知》（粤府办〔2012〕30号）要求，做好相关工作。",
        "从2013年1月1日起实施，7月1日起执行新标准。",
        "咨询电话：0756-2123456，手机13800138000。",
        "实施“十三五”规划（2016-2020年）和2016—2020年行动计划。",
        "列入第二批示范项目，推进一师一优课、“万名大学生学技能”活动和一体化建设。",
        "对80周岁以上高龄老人发放津贴，3周岁以下幼儿暂停招收。",
    ],
)
def test_noise_is_not_a_candidate(sentence: str) -> None:
    assert extract_text(PLAN + sentence) == []


def test_web_page_junk_around_the_document_is_skipped() -> None:
    text = (
        "客服热线:0755-8882 8155\n首页    政务公开    政策文件    联系我们\n"
        + PLAN
        + "到2020年，新建中小学12所，学前三年毛入园率达到95%。\n"
        "本文章内容来源于网络公开内容,仅供参考!\n"
        "  1. 我市今年将筹建1500套保障性租赁住房\n  2. 2018年龙华区将全力推进14个重点文体设施项目建设\n"
        "  3. 龙华区开展人力资源机构公益培训\n"
    )
    assert [c.value for c in extract_text(text)] == [12, 95]


# --- the 2017 work plan --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "kind", "value", "unit", "comparator"),
    [
        ("690元", "standard", 690, "元/人/月", ">="),
        ("55元", "standard", 55, "元/人", ">="),
        ("2万元/班/年", "standard", 20000, "元/班/年", "="),
        ("12所", "task", 12, "所", "="),
        ("2700套", "task", 2700, "套", "="),
        ("160元/人/月", "standard", 160, "元/人/月", ">="),
        ("30%", "target", 30, "%", ">="),
        ("4万人", "target", 40000, "人", ">="),
        ("72万元", "standard", 720000, "元", ">="),
    ],
)
def test_work_plan_items(quantity: str, kind: str, value: float, unit: str, comparator: str) -> None:
    text = WORK_PLAN.read_text(encoding="utf-8")
    c = by_quantity(extract_file(WORK_PLAN), quantity)
    assert (c.kind, c.value, c.unit, c.comparator, c.year) == (kind, value, unit, comparator, 2017)
    assert text[c.start : c.end] == c.sentence
    assert text[c.quantity_start : c.quantity_end] == quantity
    assert c.source == str(WORK_PLAN)


def test_candidate_json_has_the_documented_fields() -> None:
    data = extract_file(WORK_PLAN)[0].to_dict()
    expected = "kind indicator value unit comparator low high year scope domain lead_units responsible_units"
    for name in [*expected.split(), "sentence", "start", "end", "confidence"]:
        assert name in data
    json.dumps(data, ensure_ascii=False)
    assert data["value"] == 20000 and isinstance(data["value"], int)


# --- readers -------------------------------------------------------------------------------------------------------


def test_gbk_text_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes((PLAN + "新建幼儿园30所。\n").encode("gb18030"))
    assert [c.value for c in extract_file(path)] == [30]


def test_html_with_table_and_footer(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="utf-8"><title>某市规划（2016-2020年）</title>'
        '<script>var a="新建9所";</script></head>'
        "<body><div>首页 | 政务公开</div><h1>某市基本公共服务均等化规划（2016-2020年）</h1>"
        "<table><tr><td><p>指标</p></td><td>单位</td><td>2015年</td><td>2020年</td><td>属性</td></tr>"
        "<tr><td>学前三年毛入园率</td><td>%</td><td>90</td><td>≥95</td><td>预期性</td></tr>"
        "<tr><td>城乡低保<br>标准</td><td>元/人/月</td><td>450</td><td>≥600</td><td>约束性</td></tr></table>"
        "<p>（一）公共教育。新建幼儿园30所。</p><div>版权所有 网站地图<p>我市将新建1500套保障房</p></div></body></html>"
    )
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    found = extract_file(path)
    assert [(c.kind, c.value, c.year, c.binding) for c in found] == [
        ("baseline", 90, 2015, "预期性"),
        ("target", 95, 2020, "预期性"),
        ("baseline", 450, 2015, "约束性"),
        ("standard", 600, 2020, "约束性"),
        ("task", 30, 2020, None),
    ]
    assert found[3].unit == "元/人/月" and found[3].indicator == "城乡低保 标准"
    assert found[1].comparator == ">=" and found[1].unit == "%" and found[1].indicator == "学前三年毛入园率"


def test_docx_with_task_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某县2019年基本公共服务均等化工作要点")
    table = document.add_table(rows=2, cols=5)
    rows = [
        ["序号", "任务内容", "牵头单位", "责任单位", "完成时限"],
        ["1", "新建乡镇幼儿园5所", "县教育局", "各乡镇", "2019年12月底"],
    ]
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            table.cell(r, col).text = value
    document.add_paragraph("農村低保標準提高到每人每年4800元。")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    found = extract_file(path)
    assert [(c.kind, c.value, c.unit, c.year) for c in found] == [
        ("task", 5, "所", 2019),
        ("standard", 4800, "元/人/年", 2019),
    ]
    assert (found[0].lead_units, found[0].responsible_units) == (("县教育局",), ("各乡镇",))
    text = read_document(path)
    assert all(text[c.start : c.end] == c.sentence for c in found)


def test_pdf_text_layer_joins_broken_lines() -> None:
    path = FIXTURES / "sample-plan.pdf"
    found = extract_file(path)
    assert [(c.kind, c.value, c.unit) for c in found] == [
        ("task", 8, "所"),
        ("target", 95, "%"),
        ("standard", 700, "元/人/月"),
        ("standard", 200, "元/人/月"),
        ("target", 15, "/10万"),
        ("target", 6, "张/千人"),
    ]
    assert "\n700元" in found[2].sentence


def test_unreadable_files_are_located_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unsupported file type"):
        read_document(tmp_path / "plan.xls")
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "none.txt")
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError, match="Word"):
        read_document(bad)


# --- command line ----------------------------------------------------------------------------------------------------


# --- the development set -------------------------------------------------------------------------------------------
