"""Headings and titles of Chinese policy documents: their level, domain, year and whether they report or plan.

Hand-written because the numbering (一、 / （一） / 1. / 第一章) and the vocabulary of section titles (发展基础,
主要目标, 工作总结, 2014年工作计划, （三）公共文化体育) are conventions of Chinese government drafting; no library
reads them. The domain names cover the Guangdong (公共教育 … 生态环保) and the national/Hubei lists (劳动就业创业,
社会保险, 基本社会服务 …).
"""

from __future__ import annotations

import re

from jundeng.extract.patterns import FYP_END_YEAR, FYP_RE, PERIOD_RE, YEAR_RE

HEADING_RES = (
    re.compile(
        r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|第[一二三四五六七八九十百]+[章篇]|第[一二三四五六七八九十]+部分)"
    ),
    re.compile(r"^\s*(?:[(][一二三四五六七八九十]{1,3}[)]|第[一二三四五六七八九十]+节)"),
    re.compile(r"^\s*(?:\d{1,2}\s*[、.](?!\d)|[(]\d{1,2}[)]|[①②③④⑤⑥⑦⑧⑨⑩])"),
)
TITLE_WORD_RE = re.compile(r"规划|计划|方案|纲要|意见|通知|总结|要点|报告|办法|清单|标准|行动")
TITLE_END_RE = re.compile(
    r"(?:规划|计划|方案|纲要|意见|通知|总结|要点|报告|办法|清单|目录)\s*(?:[(（][^()（）]{0,20}[)）])?$|^[(（][^()（）]{0,20}[)）]$"
)
PAST_TITLE_RE = re.compile(r"总结|情况报告|工作报告|成效|回顾|进展情况|完成情况")
PAST_HEADING_RE = re.compile(
    r"发展基础|发展现状|现状|基础条件|基本情况|工作回顾|回顾|成效|成绩|成就|进展情况|完成情况|工作总结|总结|主要做法|已取得|存在的?问题"
)
# Only words that cannot head a report's section ("完成保障性住房任务" reports work done).
FUTURE_HEADING_RE = re.compile(
    r"主要目标|发展目标|总体目标|具体目标|目标任务|目标步骤|主要任务|重点任务|工作任务|计划|要点|思路|打算|展望|下一步|今后"
    r"|工作要求|工作安排|保障措施|配套措施|实施步骤"
)
DOMAIN_NAMES = (
    "公共文化体育", "公共教育", "劳动就业创业", "劳动就业", "就业创业", "就业保障", "社会保险", "医疗卫生", "公共卫生",
    "基本社会服务", "社会服务", "住房保障", "公共文化", "公共体育", "残疾人基本公共服务", "残疾人服务", "公共交通",
    "公共安全", "生活保障", "医疗保障", "生态环保", "生态环境", "公用设施", "社会管理", "社会安全", "人口计生",
    "现代服务业", "权益保障", "人居环境", "社会救助", "养老服务", "基本养老", "公共法律服务",
)  # fmt: skip
DOMAIN_KEYWORDS = (
    ("医疗保障", r"医疗保险|医保"),
    ("社会保险", r"养老保险|社会保险|社保"),
    ("公共教育", r"教育|学校|学前|幼儿园|教师|学位"),
    ("公共卫生", r"卫生|医疗|健康|疾病|医院|妇幼|疾控"),
    ("人口计生", r"计生|人口计划|计划生育"),
    ("公共文化体育", r"文化|体育|图书馆|健身"),
    ("公共交通", r"交通|公交|道路|公路"),
    ("就业保障", r"就业|创业|人力资源|职业技能"),
    ("住房保障", r"住房|保障房|保障性住房|棚户区|安居"),
    ("生活保障", r"救助|低保|养老|福利|孤儿|残疾|五保|特困|优抚|老年"),
    ("生态环保", r"环保|环境|生态|污水|绿化|林业"),
    ("公共安全", r"安全|治安|法律援助|普法|平安"),
)
DOMAIN_KEYWORD_RES = tuple((name, re.compile(words)) for name, words in DOMAIN_KEYWORDS)
QUOTED_TITLE_RE = re.compile(r"《[^》\n]*》")


FOOTNOTE_RE = re.compile(r"^\s*(?:注\s*[:：]?\s*)?\d{1,2}\s*[.、．)]\s*(?:是)?指")
LOOSE_HEADING_RE = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]{0,3}[)）、.]?\s*)?"
    r"(?:主要目标|发展目标|总体目标|具体目标|目标任务|规划目标|发展基础|发展现状|现状分析|基本情况|工作回顾|主要成效|取得成效"
    r"|[\u4e00-\u9fff“”\"]{0,8}(?:时期|期间)(?:的)?(?:主要)?(?:成效|成就|回顾|进展))\s*[:：]?\s*$"
)


def loose_heading(line: str) -> bool:
    """Return whether an unnumbered short line is a section title that sets the tense (主要目标, 发展基础)."""
    return heading_level(line) is None and len(line.strip()) <= 24 and bool(LOOSE_HEADING_RE.match(line))


def heading_level(line: str) -> int | None:
    """Return 0, 1 or 2 for a numbered heading line (一、 / （一） / 1.), None otherwise; a footnote is none."""
    if FOOTNOTE_RE.match(line):
        return None
    for level, pattern in enumerate(HEADING_RES):
        if pattern.match(line):
            return level
    return None


def heading_title(line: str) -> str:
    """Return the title part of a heading line: up to its first full stop, colon or semicolon."""
    return re.split(r"[。;；:：]", line.strip(), maxsplit=1)[0]


def domain_of(title: str) -> str | None:
    """Return the service domain a heading names (公共教育, 住房保障 …), or None."""
    for name in DOMAIN_NAMES:
        if name in title:
            return name
    for name, pattern in DOMAIN_KEYWORD_RES:
        if pattern.search(title):
            return name
    return None


def year_of(title: str) -> int | None:
    """Return the year a heading or title names: the end of a period (2016-2020年 → 2020) or a year."""
    period = PERIOD_RE.search(title)
    if period:
        return int(period.group(2))
    year = YEAR_RE.search(title)
    return int(year.group(1)) if year else None


def mode_of(title: str) -> str | None:
    """Return "past" for a reporting heading (发展基础, 工作总结), "future" for a planning one, else None."""
    if PAST_HEADING_RE.search(title):
        return "past"
    return "future" if FUTURE_HEADING_RE.search(title) else None


def document_context(lines: list[str]) -> tuple[int | None, str, int | None]:
    """Return the document's year, its mode ("past" for a summary, "future" for a plan) and its baseline year.

    The baseline year of a plan is the year before its period (2016-2020 → 2015) or before its year; a summary's
    is its own year.
    """
    titles: list[str] = []
    for line in lines[:60]:
        stripped = line.strip()
        if not stripped or len(stripped) > 90:
            continue
        if TITLE_WORD_RE.search(stripped) or re.fullmatch(
            r"[(（]?\s*(?:19|20)\d{2}\s*[-—~至]+\s*(?:19|20)\d{2}年?[)）]?", stripped
        ):
            titles.append(stripped)
    for title in titles:
        past = PAST_TITLE_RE.search(title)
        if past:
            years = [(m.start(), int(m.group(1))) for m in YEAR_RE.finditer(title)]
            before = [y for pos, y in years if pos < past.start()]
            year = before[-1] if before else years[0][1] if years else None
            return year, "past", year
    for title in titles:
        year = year_of(title)
        if year is not None:
            period = PERIOD_RE.search(title)
            return year, "future", (int(period.group(1)) if period else year) - 1
    for title in titles:  # “十三五”规划: the plan ends with its five-year period
        plan = FYP_RE.search(title)
        if plan and plan.group(1) in FYP_END_YEAR:
            end = FYP_END_YEAR[plan.group(1)]
            return end, "future", end - 5
    return None, "future", None
