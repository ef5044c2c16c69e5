"""Quantities in a sentence: value, unit, comparator, ranges, lists and the "before" of a change.

Hand-written on top of the patterns because the grammar of quantities in policy text is not a tokenizer's job:
a comparator governs a whole list (分别达到100%、90%; 不低于30万元和20万元), a range may carry its unit once
(3万至10万元), 由 A 提高到 B makes A the old value, a count may only summarise an enumeration (… 110元五个档次),
and 一 is a count only after a verb such as 新建 (新建一所学校, not 一批 or 一体化).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jundeng.extract.noise import Spans, is_noise
from jundeng.extract.numbers import is_chinese_numeral, parse_fraction, parse_number
from jundeng.extract.patterns import (
    ATOM_RE,
    CHANGE_VERB_RE,
    FROM_RE,
    LIST_GAP_RE,
    POST_COMPARATOR_MAP,
    POST_COMPARATOR_RE,
    PRE_COMPARATOR_MAP,
    PRE_COMPARATOR_RE,
    RANGE_GAP_RE,
    REF_COMPARATOR_RE,
    UNIT,
)

CLAUSE_BREAK_RE = re.compile(r"[，;；:：。！？!?]|(?<!\d),|,(?!\d{3}(?!\d))")
PER_PHRASE_RE = re.compile(
    r"每\s*(?:(?:十万|10万|万|千|百)[\u4e00-\u9fff]{0,4}?人口?|(?:个|位|名|张|所|家|户)?(?:十万人|10万人|万人|千人|人|户|班|床位|床"
    r"|学生|生|年|月|日|天|周))"
)
TRAILING_PER_RE = re.compile(rf"(?:{PER_PHRASE_RE.pattern}\s*)+$")
UNIT_AT_RE = re.compile(rf"\s*(?:{UNIT})")
SOFT_LEAD_RE = re.compile(r"(?:约|大约|近|将近|逾|超)\s*$")
BARE_UNITS_FOR_CHINESE_BANNED = {"年", "期", "批", "天", "种", "类"}
GAP_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*(?:底|末)?\s*的?")
WEAK_WORDS = {"", "为", "是", "达", "调整为", "统一为"}
PER_NAMES = {"张床位": "张", "床位": "张", "床": "张", "学生": "生", "十万人口": "10万人", "10万人口": "10万人"}
PER_NAMES |= {"万人口": "万人", "千人口": "千人", "十万人": "10万人", "百人口": "百人"}


@dataclass
class Quantity:
    """One quantity found in the normalized text (offsets are those of the original)."""

    start: int
    end: int
    value: float
    unit: str
    chinese: bool = False
    magnitude: bool = False
    low: float | None = None
    high: float | None = None
    comparator: str | None = None
    comparator_word: str = ""
    previous: float | None = None
    previous_at: int | None = None
    is_previous: bool = False
    group: int = 0


def clause_start(norm: str, lower: int, position: int) -> int:
    """Return the start of the clause holding ``position`` (after the last comma, semicolon or colon)."""
    start = lower
    for match in CLAUSE_BREAK_RE.finditer(norm, lower, position):
        start = match.end()
    return start


def clause_end(norm: str, position: int, upper: int) -> int:
    """Return the end of the clause holding ``position``."""
    match = CLAUSE_BREAK_RE.search(norm, position, upper)
    return match.start() if match else upper


def _atom(match: re.Match[str]) -> tuple[float | None, str, bool, bool]:
    if match.group("pctword"):
        pct = match.group("pct")
        return parse_number(pct), "%", is_chinese_numeral(pct), False
    if match.group("hundred"):
        return 100.0, "%", True, False
    if match.group("permille"):
        return parse_number(match.group("pm")), "‰", True, False
    if match.group("tenth"):
        tenth = parse_number(match.group("tenth"))
        return (None if tenth is None else tenth * 10), "%", True, False
    if match.group("den"):
        return parse_fraction(match.group("den"), match.group("frac")), "%", True, False
    number = match.group("num")
    chinese = is_chinese_numeral(number)
    unit = match.group("unit") or ""
    if chinese and (not unit or unit in BARE_UNITS_FOR_CHINESE_BANNED):
        return None, unit, chinese, False
    return parse_number(number), unit, chinese, number[0].isdigit() and number[-1] in "万亿千"


def _comparators(norm: str, q: Quantity, lower: int, upper: int) -> None:
    pre = norm[lower : q.start]
    pre = TRAILING_PER_RE.sub("", SOFT_LEAD_RE.sub("", pre)).rstrip()
    lead = SOFT_LEAD_RE.search(norm[lower : q.start])
    match = PRE_COMPARATOR_RE.search(pre)
    if not match and q.unit in ("%", "倍"):
        match = REF_COMPARATOR_RE.search(pre)
    if match:
        word = match.group("word")
        q.comparator, q.comparator_word = PRE_COMPARATOR_MAP[word], word
    elif lead and lead.group(0).strip() in ("逾", "超"):
        q.comparator, q.comparator_word = ">", lead.group(0).strip()
    post = POST_COMPARATOR_RE.match(norm, q.end, upper)
    if post:
        word = post.group(0).strip()
        if q.comparator is None or q.comparator == "=" or q.comparator_word in ("达到", "达", "保持", "为"):
            q.comparator, q.comparator_word = POST_COMPARATOR_MAP[word], word
        if not q.unit:
            unit = UNIT_AT_RE.match(norm, post.end(), upper)
            if unit:
                q.unit = unit.group(0).strip()
                q.end = unit.end()


def quantities(
    norm: str, start: int, end: int, noise: Spans, quotes: Spans, *, keep_bare: bool = False
) -> list[Quantity]:
    """Return the quantities of the sentence ``norm[start:end]`` with comparators, ranges, lists and changes."""
    found: list[Quantity] = []
    for match in ATOM_RE.finditer(norm, start, end):
        value, unit, chinese, magnitude = _atom(match)
        if value is None:
            continue
        q = Quantity(match.start(), match.end(), value, unit.strip(), chinese, magnitude)
        if match.group("num") and match.group("space") and not unit:
            q.end -= 1
        lower = clause_start(norm, start, q.start)
        if is_noise(norm, q, lower, noise, quotes):
            continue
        _comparators(norm, q, max(lower, found[-1].end if found else lower), clause_end(norm, q.end, end))
        found.append(q)
    found = _merge_ranges(norm, found)
    _groups(norm, start, found)
    kept: list[Quantity] = []
    for index, q in enumerate(found):
        if q.is_previous or (not q.unit and not q.magnitude and q.comparator_word in WEAK_WORDS and not keep_bare):
            continue
        lower = clause_start(norm, start, q.start)
        if _names_a_subject(norm, q, found[index + 1 :], clause_end(norm, q.end, end)):
            continue
        previous = kept[-1] if kept else None
        if previous is not None and previous.group == q.group and previous.unit.startswith(q.unit + "/"):
            q.unit = previous.unit  # 每人每月50元和60元: the list shares its denominators
        else:
            _per_unit(norm, q, max(lower, previous.end if previous else lower))
        kept.append(q)
    return kept


def _names_a_subject(norm: str, q: Quantity, later: list[Quantity], upper: int) -> bool:
    """Return whether a quantity is part of a name compared later in its clause.

    两项补贴标准分别达到50元, 公交站点500米覆盖率达到100%: the count or distance belongs to the indicator's name.
    """
    following = [other for other in later if other.start < upper]
    if not following:
        return False
    between = norm[q.end : following[0].start]
    if not q.chinese and (len(between) > 12 or q.unit in ("%", "‰", "") or "/" in q.unit):
        return False
    return (
        bool(PRE_COMPARATOR_RE.search(TRAILING_PER_RE.sub("", between)))
        and following[0].comparator_word not in WEAK_WORDS
    )


def _per_unit(norm: str, q: Quantity, lower: int) -> None:
    """Complete the unit with the 每… phrases of its clause: 每人每月690元 → 元/人/月."""
    if not q.unit or "/" in q.unit or q.unit in ("%", "‰", "‱", "个百分点", "百分点"):
        return
    entities: list[str] = []
    times: list[str] = []
    for match in PER_PHRASE_RE.finditer(norm, lower, q.start):
        name = re.sub(r"^(十万|10万|万|千|百)[\u4e00-\u9fff]*人口?$", r"\1人口", match.group(0)[1:].strip())
        name = PER_NAMES.get(name, name)
        if len(name) > 1 and name[0] in "个位名张所家户" and name[1:] in {*PER_NAMES.values(), "人", "户", "班", "生"}:
            name = name[1:]
        (times if name in ("年", "月", "日", "天", "周") else entities).append(PER_NAMES.get(name, name))
    if entities or times:
        q.unit = "/".join([q.unit, *entities, *times])


def _merge_ranges(norm: str, found: list[Quantity]) -> list[Quantity]:
    merged: list[Quantity] = []
    for q in found:
        last = merged[-1] if merged else None
        if (
            last is not None
            and RANGE_GAP_RE.match(norm[last.end : q.start])
            and (not last.unit or last.unit == q.unit)
            and last.value < q.value
        ):
            last.low, last.high, last.end, last.unit = last.value, q.value, q.end, q.unit
            last.comparator = last.comparator or ">="
            last.comparator_word = last.comparator_word or "-"
            continue
        merged.append(q)
    return merged


def _groups(norm: str, start: int, found: list[Quantity]) -> None:
    groups: list[list[Quantity]] = []
    for q in found:
        if groups and LIST_GAP_RE.match(norm[groups[-1][-1].end : q.start]):
            if q.chinese and not norm[groups[-1][-1].end : q.start]:  # 110元五个档次: a count of the list
                q.is_previous = True
                continue
            groups[-1].append(q)
        else:
            groups.append([q])
    for number, group in enumerate(groups):
        first, last = group[0], group[-1]
        for q in group:
            q.group = number
            if q.comparator is None and first.comparator is not None:
                q.comparator, q.comparator_word = first.comparator, first.comparator_word
        post = [q for q in group if q.comparator_word in POST_COMPARATOR_MAP]
        if post and post[-1] is last:
            for q in group:
                if q.comparator is None or q.comparator_word in ("达到", "达"):
                    q.comparator, q.comparator_word = last.comparator, last.comparator_word
        unit = next((q.unit for q in reversed(group) if q.unit), "")
        for q in group:
            q.unit = q.unit or unit
    for before, after in zip(groups, groups[1:], strict=False):
        lower = clause_start(norm, start, before[0].start)
        gap = GAP_YEAR_RE.sub("", norm[before[-1].end : after[0].start])  # 下降到2015年的2.8%
        if FROM_RE.search(norm[lower : before[0].start]) and CHANGE_VERB_RE.match(gap):
            for q in before:
                q.is_previous = True
            if len(before) == 1 and len(after) == 1:
                after[0].previous, after[0].previous_at = before[0].value, before[0].start
                after[0].unit = after[0].unit or before[0].unit
