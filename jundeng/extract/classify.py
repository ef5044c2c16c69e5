"""The kind of a quantity (target, task, standard, baseline) and its final comparator.

Hand-written rules, because the distinction is one of Chinese policy drafting that no classifier is trained on:
tense is marked by words (已, 累计, 十二五以来 versus 到2020年, 力争, 计划, 确保) and by the section (发展基础,
工作总结 versus 主要目标); a benefit level names itself (标准, 补贴, 津贴, 元/人/月); an indicator ends in 率, 比例,
人数 or 规模; a task is a count after a verb of work (新建, 开工, 改造, 培训). The rules are ordered and
documented in ``kind_of``.
"""

from __future__ import annotations

import re

from jundeng.extract.model import Comparator, Kind
from jundeng.extract.patterns import FYP_END_YEAR, PRE_COMPARATOR_MAP
from jundeng.extract.quantities import Quantity

PAST_CUE_RE = re.compile(
    r"已经|已(?!于)|累计|截至|截止(?:到)?(?:目前|今年|年底)|目前|现有|共有|共计|共完成|共为|共对|共受理|共救助|共提供"
    r"|全年共|一年来|今年以来|以来|先后|相继|(?<![为除不])了(?![解却])|(十[一二三四五六]五)(?:期间|时期)"
)
FUTURE_CUE_RE = re.compile(
    r"到\s*(?:19|20)\d{2}\s*年|至\s*(?:19|20)\d{2}\s*年|(?:19|20)\d{2}\s*年\s*(?:底|末)?\s*(?:前|以前|之前)|力争|争取"
    r"|计划(?=于|在|到|完成|新建|建设|投资|安排|实施|开工|建成|新增|启动|开展|推进|用)|确保|还将|将(?=达到|超过|实现|建成|完成|开通|启动|新增|新建|提高|覆盖)|拟|预计|力求|努力"
    r"|(?<![需主重])要(?![求素点闻害件紧是])|今后|下一步|明年"
)
STANDARD_RE = re.compile(
    r"标准(?!化)|补贴|津贴|补助|资助|奖励|奖补|经费|限额|救助|养老金|抚恤|护理费|供养|报销|支付|生活费|工资|待遇|保障金|慰问金"
    r"|收费|票价|定额|免费|补偿|缴费|档次|贴息|价格|租金|起付线|封顶线"
)
AGGREGATE_RE = re.compile(r"总额|总量|累计|共计|合计|金额|投入|筹集|到位")
OUTCOME_RE = re.compile(r"平均|年均|增幅|增长|增速|实际|比上年|同比")
RATE_END_RE = re.compile(r"(?:率|覆盖面|达标率)\s*$")
TARGET_NOUN_RE = re.compile(
    r"(?:率|比例|比重|占比|覆盖面|指数|满意度|满意率|数|数量|总量|规模|就业|人口|寿命|密度|浓度|进度|水平|容量)\s*$"
)
TASK_VERB_RE = re.compile(
    r"新建|新增|新开工|开工|建成|建设|改造|改建|扩建|新改建|提升|完成|新开|开通|投放|配置|配备|组织|举办|培训|资助|扶持"
    r"|开展|创建|打造|设立|筹建|修建|铺设|种植|植树|造林|整治|实施|引进|招聘|安置|发放|提供|救助|帮扶|慰问|购置|安装|铺装"
    r"|增设|增加|创作|演出|放映|送|培育|认定|评定|治理|绿化|美化|修复|硬化|疏浚|改厕"
)
SOFT_WORDS = {
    word
    for word in PRE_COMPARATOR_MAP
    if word.startswith(("达", "提高", "提升", "增加", "增长", "增至", "扩大", "上升", "上调", "保持", "稳定", "维持"))
} | {"为", "实现", "可达", "力争达到", "高达", "调整为", "统一为", "调整到", "调整至"}
RATE_UNITS = {"%", "‰", "‱", "个百分点", "百分点"}
DURATION_UNITS = {"年", "个月", "天", "小时", "分钟", "个工作日", "工作日"}
AREA_UNITS = {"平方米", "㎡", "m2", "亩", "公顷", "平方公里", "平方千米"}
POPULATION = re.compile(r"人|户|千|万|生|床|张")


def unit_class(unit: str) -> str:
    """Return what a unit measures: rate, money, per (per-population), duration, area, none or count."""
    base, _, per = unit.partition("/")
    if base in RATE_UNITS or base == "倍" or (not base and per and re.match(r"\d|十|万|千", per)):
        return "rate"
    if "元" in base or (not base and per):
        return "money"
    if per and POPULATION.search(per):
        return "per"
    if base in DURATION_UNITS:
        return "duration"
    if base in AREA_UNITS:
        return "area"
    return "none" if not base else "count"


def tense_cues(sentence: str, doc_year: int | None, base_year: int | None = None) -> list[tuple[int, str]]:
    """Return (offset, "past" | "future") for every tense cue of a sentence (已, 累计 … / 到2020年, 力争 …).

    A five-year plan's period (十三五期间) is past only when it ended before the document's year (unknown: no cue);
    a deadline no later than the plan's baseline year (到2015年 in a 2016-2020 plan) reports.
    """
    cues: list[tuple[int, str]] = []
    for match in PAST_CUE_RE.finditer(sentence):
        plan = match.group(1)
        if plan and doc_year is None:
            continue
        if plan and doc_year is not None and FYP_END_YEAR.get(plan, 0) >= doc_year:
            cues.append((match.start(), "future"))
        else:
            cues.append((match.start(), "past"))
    for match in FUTURE_CUE_RE.finditer(sentence):
        year = re.search(r"(?:19|20)\d{2}", match.group(0))
        past = year is not None and base_year is not None and doc_year != base_year and int(year.group(0)) <= base_year
        cues.append((match.start(), "past" if past else "future"))
    return cues


def mode_at(sentence: str, offset: int, section_mode: str | None, cues: list[tuple[int, str]]) -> str:
    """Return "past" or "future" for the quantity at ``offset`` of ``sentence``: the nearest cue before it wins."""
    before = [cue for cue in cues if cue[0] < offset]
    if before:
        return max(before)[1]
    clause = re.search(r"[,，;；:：。]", sentence[offset:])
    after = [cue for cue in cues if cue[0] >= offset and (clause is None or cue[0] < offset + clause.start())]
    if after:
        return after[0][1]
    return section_mode or "future"


def kind_of(q: Quantity, pre: str, post: str, mode: str) -> Kind:
    """Return the kind of a quantity from its unit, the clause around it (``pre`` + ``post``) and the tense.

    1. money per person/household/class (元/人/月, 万元/班/年) → standard;
    2. a benefit word (标准, 补贴, 津贴, 报销 …) in the clause, for money, rates, durations, areas or bare numbers
       → standard, unless the value is an aggregate (金额, 累计, 平均) stated as a plain figure, or a rate whose
       name ends in 率 (参保率, 覆盖率);
    3. reported (past tense or a reporting section) → baseline;
    4. a rate → target; a duration → standard; an area per facility (每个…面积不低于) → standard;
    5. a name ending in 率, 数, 规模, 就业 … before the value → target;
    6. a count, length, area or volume → task; anything else (money totals, per-population levels) → target.
    """
    klass = unit_class(q.unit)
    clause = pre + post
    name = _strip_comparator(pre)
    if klass == "money" and "/" in q.unit:
        return "standard"
    if klass != "count" and klass != "per" and STANDARD_RE.search(clause):
        aggregate = AGGREGATE_RE.search(pre[-12:]) and q.comparator in (None, "=")
        if not aggregate and not OUTCOME_RE.search(pre) and not (klass == "rate" and RATE_END_RE.search(name)):
            return "standard"
    if (
        klass in ("area", "none")
        and re.search(r"(?:每|一)(?:个|所|间|处|座|家)", pre)
        and ("面积" in pre or q.comparator == ">=")
    ):
        return "standard"
    if mode == "past":
        return "baseline"
    if klass == "rate":
        return "target"
    if klass == "duration":
        return "standard"
    if TARGET_NOUN_RE.search(name) or "人均" in name or (klass == "area" and q.comparator and name.endswith("面积")):
        return "target"
    worked = TASK_VERB_RE.search(pre) or TASK_VERB_RE.match(post.lstrip("以上下左右的 "))
    if q.comparator not in (None, "=") and q.comparator_word not in ("为", "是") and not worked:
        return "target"  # 下降到35微克, 达到1.2册: a level compared, not work counted
    if klass in ("count", "area") or TASK_VERB_RE.search(pre):
        return "task"
    return "target"


NEAR_END_COMPARATOR_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted(PRE_COMPARATOR_MAP, key=len, reverse=True)) + r")[^,，;；]{0,4}$"
)


def _strip_comparator(pre: str) -> str:
    text = re.sub(r"(?:每\s*\S{1,4}?)+$", "", pre.rstrip())
    match = NEAR_END_COMPARATOR_RE.search(text)
    if match:
        text = text[: match.start()]
    return re.sub(r"(?:年均|每年|累计|平均|分别|均|都|各|将|要|可|能|已|预计|力争|争取|确保|\s)+$", "", text)


def final_comparator(q: Quantity, mode: str) -> Comparator:
    """Return the comparator: what the words say, but a reach verb in a report (已达到, 提高至) states "="."""
    comparator = q.comparator or "="
    if mode == "past" and (q.comparator_word in SOFT_WORDS or q.previous is not None):
        return "="  # 已达到95%, 由3.5%下降到2.8%: a level reported
    if comparator not in (">=", "<=", ">", "<", "="):
        return "="
    return comparator  # type: ignore[return-value]
