"""The error classes found on plans the extractor was not tuned on, each with our own example clauses."""

from __future__ import annotations

import opencc
import pytest

from jundeng.extract import Candidate, extract_text

PLAN = "某市基本公共服务均等化规划（2016-2020年）\n"
TO_TRADITIONAL = opencc.OpenCC("s2t")


def found(text: str, **kwargs: object) -> list[Candidate]:
    """Return the candidates of ``text`` as a 2016-2020 plan."""
    return extract_text(PLAN + text, **kwargs)  # type: ignore[arg-type]


def by_quantity(candidates: list[Candidate], quantity: str) -> Candidate:
    matches = [c for c in candidates if c.quantity == quantity]
    assert len(matches) == 1, [(c.quantity, c.kind) for c in candidates]
    return matches[0]


# --- 1. comparators follow the indicator's direction ----------------------------------------------------------


@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize(
    ("clause", "quantity", "comparator"),
    [
        ("二、主要目标\n到2020年，学前三年毛入园率达到93%。", "93%", ">="),
        ("二、主要目标\n到2020年，残疾儿童义务教育入学率达95%。", "95%", ">="),
        ("二、主要目标\n到2020年，城乡居民基本养老保险参保率实现96%。", "96%", ">="),
        ("二、主要目标\n到2020年，婴儿死亡率达到5‰。", "5‰", "<="),
        ("二、主要目标\n到2020年，初中辍学率控制在1.5%。", "1.5%", "<="),
        ("二、主要目标\n到2020年，孕产妇死亡率低于14/10万。", "14/10万", "<"),
        ("二、主要目标\n到2020年，人均体育场地面积为1.8平方米。", "1.8平方米", ">="),
    ],
)
def test_reach_verbs_compare_in_the_indicators_direction(
    script: str, clause: str, quantity: str, comparator: str
) -> None:
    text = clause if script == "simplified" else TO_TRADITIONAL.convert(clause)
    q = quantity if script == "simplified" else TO_TRADITIONAL.convert(quantity)
    assert by_quantity(found(text), q).comparator == comparator


def test_known_directions_from_the_catalogue_win_over_the_lexicon() -> None:
    text = "二、主要目标\n到2020年，城乡社区综合服务设施覆盖比例达到3%。"
    assert by_quantity(found(text), "3%").comparator == ">="
    known = {"城乡社区综合服务设施覆盖比例": "lower"}
    assert by_quantity(found(text, directions=known), "3%").comparator == "<="


def test_exact_values_and_standards_keep_their_words() -> None:
    candidates = found("二、主要任务\n每个县建设1所特殊教育学校。城乡居民医保财政补助标准每人每年不低于450元。")
    assert by_quantity(candidates, "1所").comparator == "="
    assert by_quantity(candidates, "450元").comparator == ">="


# --- 2. false commitments -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "noise",
    [
        "索引号：11440400-2-01/2016-00087\n发布日期：2016年06月03日\n主题分类：综合政务\n",
        "党的十八届三中全会提出要推进基本公共服务均等化。\n",
        "省委十一届三次全会对民生工作作出部署。\n",
        "党的第十九次全国代表大会对民生作出部署。\n",
        "8.指每周参加体育锻炼3次及以上的人数。\n",
        "本领域服务项目共7个，具体包括义务教育、学前教育等。\n",
        "清单共有4大类22项。\n",
        "一、发展基础\n“十二五”时期，企业退休人员基本养老金连续5年上调。\n",
    ],
)
@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_false_commitments_yield_no_candidate(noise: str, script: str) -> None:
    text = noise if script == "simplified" else TO_TRADITIONAL.convert(noise)
    assert found(text) == []


# --- 3. years of baselines ------------------------------------------------------------------------------------


def test_a_change_between_two_past_years_is_a_baseline_of_the_later_year() -> None:
    candidates = found("一、发展基础\n城镇登记失业率由2010年的3.5%下降到2015年的2.8%。")
    assert [(c.kind, c.value, c.year, c.comparator) for c in candidates] == [("baseline", 2.8, 2015, "=")]


def test_a_baseline_after_a_review_of_the_previous_period_belongs_to_its_end_year() -> None:
    text = "某县基本公共服务规划\n一、发展基础\n“十二五”时期，我县民生事业稳步发展。\n全县已建成乡镇综合文化站12个。"
    c = by_quantity(extract_text(text), "12个")
    assert (c.kind, c.year) == ("baseline", 2015)


# --- 4. kinds in a targets section ----------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_targets_under_an_unnumbered_main_targets_heading(script: str) -> None:
    text = (
        "一、发展基础\n全市累计建成社区卫生服务中心20个。\n主要目标\n城镇登记失业率控制在3.2%以内，新增就业13.5万人。"
    )
    text = text if script == "simplified" else TO_TRADITIONAL.convert(text)
    candidates = found(text)
    assert [c.kind for c in candidates] == ["baseline", "target", "target"]
    assert candidates[1].comparator == "<="


def test_the_current_plan_period_is_not_a_past_cue_without_a_known_year() -> None:
    candidates = extract_text("主要目标\n“十三五”期间，城镇登记失业率控制在3.5%以内，新增就业2.4万人。")
    assert [c.kind for c in candidates] == ["target", "target"]


# --- 5. binding flags and baselines of targets ----------------------------------------------------------------


def test_a_target_carries_the_baseline_it_states() -> None:
    c = by_quantity(found("二、主要目标\n基本养老保险参保率由2015年的85%提高到95%。"), "95%")
    assert (c.kind, c.year, c.baseline_year, c.baseline_value, c.comparator) == ("target", 2020, 2015, 85, ">=")
    assert c.to_dict()["baseline_value"] == 85


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_binding_flags_from_brackets_columns_and_marks(script: str) -> None:
    text = (
        "二、主要目标\n九年义务教育巩固率达95%（约束性）。\n"
        "指标名称\t单位\t2015年\t2020年\t指标属性\n学前三年毛入园率\t%\t85\t93\t预期性\n"
        "指标\t单位\t2015年\t2020年\n★孕产妇死亡率\t/10万\t15\t12\n人均预期寿命\t岁\t76\t77\n"
        "注：带★的为约束性指标，其余为预期性指标。\n"
    )
    text = text if script == "simplified" else TO_TRADITIONAL.convert(text)
    targets = [c for c in found(text) if c.kind == "target"]
    flags = [(c.value, c.binding, c.comparator, c.baseline_value) for c in targets]
    assert flags == [
        (95, "约束性", ">=", None),
        (93, "预期性", ">=", 85),
        (12, "约束性", "<=", 15),
        (77, "预期性", ">=", 76),
    ]


# --- 6. domains without domain headings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "domain"),
    [
        ("学前三年毛入园率达到93%。", "公共教育"),
        ("城镇登记失业率控制在3.5%以内。", "劳动就业创业"),
        ("孕产妇死亡率降至12/10万。", "医疗卫生"),
        ("每千名老年人拥有养老床位达到35张。", "养老服务"),
        ("城镇保障性安居工程住房建设完成1200套。", "住房保障"),
        ("人均公共文化设施面积达到0.2平方米。", "公共文化体育"),
        ("残疾人基本康复服务覆盖率达到80%。", "残疾人服务"),
    ],
)
def test_domains_come_from_the_indicators_words(clause: str, domain: str) -> None:
    c = found("二、工作目标\n" + clause)[0]
    assert c.domain == domain
    traditional = found("二、工作目标\n" + TO_TRADITIONAL.convert(clause))[0]
    assert traditional.domain == TO_TRADITIONAL.convert(domain)


# --- 7. bare targets (no comparator word) follow the indicator's direction (issue 15) ---------------------------


@pytest.mark.parametrize("script", ["simplified", "traditional"])
@pytest.mark.parametrize(
    ("clause", "quantity", "comparator"),
    [
        ("到2020年，全市城镇新增就业6.2万人。", "6.2万人", ">="),
        ("到2020年，每千名老年人拥有养老床位32张。", "32张", ">="),
        ("到2020年，每千人口执业（助理）医师数2.5人。", "2.5人", ">="),
        ("到2020年，初中三年辍学率0.8%，婴儿死亡率4.5‰。", "0.8%", "<="),
        ("到2020年，初中三年辍学率0.8%，婴儿死亡率4.5‰。", "4.5‰", "<="),
        ("到2020年，人均预期寿命达78岁，城镇登记失业率3.8%。", "3.8%", "<="),
        ("到2020年，每个乡镇卫生院全科医生数2名。", "2名", "="),
        ("到2020年，每个村卫生室乡村医生人数1名。", "1名", "="),
    ],
)
def test_bare_targets_compare_in_the_indicators_direction(
    script: str, clause: str, quantity: str, comparator: str
) -> None:
    text = "二、主要目标\n" + (clause if script == "simplified" else TO_TRADITIONAL.convert(clause))
    q = quantity if script == "simplified" else TO_TRADITIONAL.convert(quantity)
    c = by_quantity(found(text), q)
    assert (c.kind, c.comparator) == ("target", comparator)


def test_bare_figures_of_the_review_and_counted_tasks_stay_exact() -> None:
    candidates = found(
        "一、发展基础\n“十二五”期间，城镇新增就业5.8万人，城镇登记失业率3.1%。\n"
        "二、主要任务\n到2020年，每个乡镇建设1个综合文化站，新建养老院3所。城乡居民医保财政补助按每人每年450元标准。"
    )
    assert [(c.quantity, c.kind, c.comparator) for c in candidates] == [
        ("5.8万人", "baseline", "="),
        ("3.1%", "baseline", "="),
        ("1个", "task", "="),
        ("3所", "task", "="),
        ("450元", "standard", "="),
    ]


def test_bare_target_known_direction_from_the_catalogue() -> None:
    text = "二、主要目标\n到2020年，城乡社区综合服务设施覆盖比例3%。"
    assert by_quantity(found(text), "3%").comparator == ">="
    known = {"城乡社区综合服务设施覆盖比例": "lower"}
    assert by_quantity(found(text, directions=known), "3%").comparator == "<="
