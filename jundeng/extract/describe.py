"""What a quantity is about: the indicator's name as written, the scope (农村, 各区 …) and the year.

Hand-written because these are read off the shape of Chinese policy clauses, which no parser here models: the
indicator is the clause before the comparator (生活不能自理特困人员集中供养率达到30%以上) or, for a task, its verb and
the object after the measure word (新建 … 12所中小学 → 新建中小学); the year is the deadline nearest before the
value (到2015年, 2017年底前, 2012-2014年), not a year quoted in a title or used as a reference (在2016年基础上).
"""

from __future__ import annotations

import re

from jundeng.extract.classify import TASK_VERB_RE
from jundeng.extract.noise import TITLE_RE
from jundeng.extract.patterns import FYP_END_YEAR, FYP_RE, PERIOD_RE, PRE_COMPARATOR_RE, REF_COMPARATOR_RE, YEAR_RE
from jundeng.extract.quantities import TRAILING_PER_RE, Quantity

_SCOPE_WORDS = (
    "中心城区 主城区 老城区 新城区 城区 市区 城镇 城市 农村 乡村 城乡 "
    "各区 各县(市、区) 各县(市区) 各县市区 各县 各市 各镇(街) 各镇街 "
    "各镇 各乡镇 各街道 各村 各社区 镇(街) 镇街 乡镇 街道 行政村 "
    "村(居) 村居 社区 西部地区 东部地区 中部地区 西部 东部 海岛 山区 "
    "欠发达地区 贫困地区 边远地区 偏远地区 革命老区 老区 民族地区 县域 县城 "
    "全市 全省 全区 全县 全国 功能区 各功能区 开发区 园区"
)
SCOPES = tuple(_SCOPE_WORDS.split())
SCOPE_RE = re.compile("|".join(re.escape(s) for s in sorted(SCOPES, key=len, reverse=True)))
LEADING_FILLER_RE = re.compile(
    r"(?:\s|[、,，:：()\-—•·]|[一二三四五六七八九十]+是|其中|同时|并且|并|以及|和|及|使得|使|让|确保|力争|争取|努力|要|将|把|对"
    r"|继续|进一步|逐步|全面|实现|推动|推进|促进|加快|按照|按|由|从|原|约|共|累计|已经|已|今年|全年|年底|目前|我市|本市"
    r"|(?:19|20)\d{2}\s*(?:年)?\s*(?:-|~|—{1,2}|至|到)\s*(?:19|20)\d{2}\s*年?|每年|每月"
    r"|(?:到|至|截至)?\s*(?:19|20)\d{2}\s*年\s*(?:底|末)?\s*(?:前|以前|之前)?|——)+"
)
TRAILING_FILLER_RE = re.compile(
    r"(?:\s|[、,，的(“\"]|年均|每年|给予|发放|提供|按照|按|为|是|有|约|共|达|分别|均|都|各)+$"
)
POST_NOUN_RE = re.compile(
    r"(?:以上|以下|及以上|左右|多|余|的|\s)*((?!以上|以下|左右|多|余)(?:(?!给予|发放|提供|和|及|与|并|以)[^\d的,，。;；、()\[\]〔〕:：]){1,20})"
)
SERVICE_RE = re.compile(r"(?:以上|以下|左右|的|\s)*((?:提供|给予|发放|开展)[^\d,，。;；()]{1,16})")
VERBS_RE = re.compile(rf"(?:{TASK_VERB_RE.pattern})+")
NAME_END_RE = re.compile(r"[率数例重度额准贴助费金资]$")
REFERENCE_BEFORE_RE = re.compile(r"(?:超过|高于|低于|比|较|相比|与|同|以|在|达到|于)\s*$")
REFERENCE_AFTER_RE = re.compile(r"\s*(?:基础|水平|同期|为基|相比|的水平|农村|城镇|全国|全省|全市|人均|年均)")
LEAD_YEAR_RE = re.compile(
    r"(?:到|至|截至)\s*((?:19|20)\d{2})\s*年|((?:19|20)\d{2})\s*年\s*(?:底|末)?\s*(?:前|以前|之前)"
)


def scope_of(norm: str, original: str, spans: list[tuple[int, int]]) -> str | None:
    """Return the first scope word in the first of ``spans`` that has one (clause, then sentence), as written."""
    for start, end in spans:
        match = SCOPE_RE.search(norm, start, end)
        if match:
            return original[match.start() : match.end()]
    return None


def year_mentions(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return (offset, year) for the deadlines and periods of a sentence, skipping titles and reference years."""
    titles = [m.span() for m in TITLE_RE.finditer(norm, start, end)]

    def in_title(position: int) -> bool:
        return any(a <= position < b for a, b in titles)

    found: list[tuple[int, int]] = []
    periods = [m for m in PERIOD_RE.finditer(norm, start, end) if not in_title(m.start())]
    for match in periods:
        found.append((match.start(), int(match.group(2))))
    covered = [m.span() for m in periods]
    for match in YEAR_RE.finditer(norm, start, end):
        position = match.start()
        if in_title(position) or any(a <= position < b for a, b in covered):
            continue
        before = norm[max(start, position - 3) : position]
        if re.search(r"(?:超过|高于|低于|比|较|相比)\s*$", before) or (
            REFERENCE_BEFORE_RE.search(before) and REFERENCE_AFTER_RE.match(norm, match.end(), end)
        ):
            continue
        found.append((position, int(match.group(1))))
    for match in FYP_RE.finditer(norm, start, end):
        plan, written = match.group(1), match.group(0)
        if plan not in FYP_END_YEAR:
            continue
        tail = norm[match.end() : match.end() + 3]
        ending = written.endswith(("末", "期间", "时期", "以来")) or tail.startswith(("末", "期末", "时期末"))
        if ending or norm[max(start, match.start() - 1) : match.start()] in ("到", "至"):
            found.append((match.start(), FYP_END_YEAR[plan]))
    return sorted(found)


def year_for(mentions: list[tuple[int, int]], q: Quantity) -> int | None:
    """Return the year nearest before the quantity in its sentence, else the first after it."""
    before = [year for position, year in mentions if position < q.start]
    if before:
        return before[-1]
    after = [year for position, year in mentions if position >= q.end]
    return after[0] if after else None


def lead_year(norm: str, start: int, end: int) -> int | None:
    """Return the deadline of a lead-in sentence that ends in a colon (到2020年，…主要目标是：), or None."""
    text = norm[start:end].rstrip()
    if not text.endswith((":", "：")):
        return None
    match = LEAD_YEAR_RE.search(text)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def indicator_of(norm: str, original: str, q: Quantity, bounds: tuple[int, int, int], kind: str) -> str:
    """Return the indicator's name as written: the clause before the value, or a task's verb and object.

    ``bounds`` are the clause start, the end of the previous quantity in the clause (or the clause start) and the
    clause end.
    """
    clause, lower, upper = bounds
    head = LEADING_FILLER_RE.match(norm, clause, q.start)
    clause_verb = VERBS_RE.match(norm, head.end() if head else clause, q.start)
    verb_text = original[clause_verb.start() : clause_verb.end()] if clause_verb and kind == "task" else ""
    p0, p1 = lower, q.start
    text = TRAILING_PER_RE.sub("", norm[p0:p1])
    match = PRE_COMPARATOR_RE.search(text) or (REF_COMPARATOR_RE.search(text) if q.unit in ("%", "倍") else None)
    if match:
        text = text[: match.start()]
    if q.previous is not None:  # 由每年400万增加到1050万: the name ends before 由
        text = re.split(r"由|从", text)[0] if re.search(r"由|从", text) else text
    p1 = p0 + len(text)
    lead = LEADING_FILLER_RE.match(norm, p0, p1)
    if lead:
        p0 = lead.end()
    trail = TRAILING_FILLER_RE.search(norm, p0, p1)
    if trail:
        p1 = trail.start()
    post = POST_NOUN_RE.match(norm, q.end, upper)
    post_text = original[post.start(1) : post.end(1)].strip().rstrip("“”\"'（(《") if post else ""
    if kind == "task" and not post_text:
        service = SERVICE_RE.match(norm, q.end, upper)
        post_text = original[service.start(1) : service.end(1)] if service else ""
    name = original[p0:p1].strip()
    if post_text and lower > clause and re.search(r"[、和及与]\s*$", norm[lower : q.start]):
        return verb_text + post_text  # 7个A、1个B: B names the second
    if kind == "task":
        verbs = VERBS_RE.match(norm, p0, p1)
        if "、" in norm[p0:p1] and verbs:
            return original[verbs.start() : verbs.end()] + post_text
        if not verbs and lower > clause:
            name = verb_text + name
        return name + post_text
    if post_text and (not name or not NAME_END_RE.search(norm[p0:p1])):
        return name + post_text
    return name
