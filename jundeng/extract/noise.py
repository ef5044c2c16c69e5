"""What looks like a quantity in policy text but is not one: titles, dates, document numbers, phones, idioms.

Hand-written because the noise is specific to Chinese government documents: 《titles》 and quoted slogans
(“万名大学生学技能”), document numbers (粤府办〔2012〕30号), hotlines (12333 热线), dates (7月1日), plan periods
(2016-2020年), five-year-plan names (十三五), ordinals (第二批), ages that define a group (80周岁以上), words that
start with a measure word (两部分, 户籍, 八个方面) and 二 used as an ordinal (二期, 二次).
"""

from __future__ import annotations

import bisect
import re
from typing import Protocol

from jundeng.extract.patterns import (
    DATE_RE,
    DOC_NUMBER_RE,
    FORMULA_RE,
    FYP_RE,
    HOTLINE_CONTEXT_RE,
    ONE_VERBS,
    PERIOD_RE,
    PHONE_RE,
    PRE_COMPARATOR_RE,
    UNIT_FALSE_FRIENDS,
)
from jundeng.extract.plannoise import plan_noise_spans

QUOTE_RE = re.compile(r"“[^”\n]{1,16}”|\"[^\"\n]{1,30}\"|「[^」\n]{1,30}」|『[^』\n]{1,30}』|‘[^’\n]{1,20}’")
TITLE_RE = re.compile(r"《[^》\n]{0,120}》|〈[^〉\n]{0,60}〉")
AGE_UNITS = {"岁", "周岁"}
HOTLINE_AFTER_RE = re.compile(r"[^,，。;；]{0,4}(?:热线|电话|专线|短号|号码|服务号)")


class Located(Protocol):
    """A quantity as the noise rules see it."""

    start: int
    end: int
    value: float
    unit: str
    chinese: bool


class Spans:
    """Disjoint sorted intervals of the text that cannot hold a quantity (titles, dates, document numbers …)."""

    def __init__(self, intervals: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def hits(self, start: int, end: int) -> bool:
        """Return whether [start, end) overlaps an interval."""
        index = bisect.bisect_right(self.starts, start) - 1
        if index >= 0 and self.ends[index] > start:
            return True
        return index + 1 < len(self.starts) and self.starts[index + 1] < end


def noise_spans(norm: str) -> tuple[Spans, Spans]:
    """Return the intervals where no quantity is read, and the quoted slogans where no Chinese numeral is."""
    found: list[tuple[int, int]] = plan_noise_spans(norm)
    for pattern in (TITLE_RE, DOC_NUMBER_RE, DATE_RE, PHONE_RE, FYP_RE, PERIOD_RE):
        found.extend(m.span() for m in pattern.finditer(norm))
    return Spans(found), Spans([m.span() for m in QUOTE_RE.finditer(norm)])


def is_noise(norm: str, q: Located, lower: int, noise: Spans, quotes: Spans) -> bool:
    """Return whether a quantity is noise: a date, a document number, a year, an ordinal, an idiom …"""
    before = norm[max(lower, q.start - 1) : q.start]
    after = norm[q.end : q.end + 6]
    if noise.hits(q.start, q.end) or quotes.hits(q.start, q.end):  # “15分钟健身圈”, “万名大学生学技能”: names
        return True
    if before == "第" or (before.isascii() and (before.isalnum() or before == ".")):
        return True
    if not q.unit and after[:1].isascii() and after[:1].isalpha():
        return True
    if q.unit in AGE_UNITS:  # 80周岁以上高龄老人 names a group; 人均预期寿命达到78岁 is a target
        return not PRE_COMPARATOR_RE.search(norm[lower : q.start]) or before in ("为", "是")
    if q.unit and UNIT_FALSE_FRIENDS.match(q.unit[-1] + after):
        return True
    if q.unit in ("年", "届") and 1900 <= q.value <= 2100 and q.value == int(q.value):
        return True
    if q.unit in ("年", "个月", "天", "小时") and q.value > 200:  # a garbled date or period (20122014年)
        return True
    if q.chinese and norm[q.start] == "二" and norm[q.start + 1 : q.start + 2] not in "十百千万亿":
        return True  # 二 before a measure word is an ordinal or a compound (二次补偿, 二期); a count says 两
    if FORMULA_RE.search(norm[max(lower, q.start - 2) : q.start]) or FORMULA_RE.match(after):
        return True
    if HOTLINE_CONTEXT_RE.search(norm[max(lower, q.start - 12) : q.start]) or HOTLINE_AFTER_RE.match(
        after + norm[q.end + 6 : q.end + 10]
    ):
        return True
    if q.chinese and q.value == 1 and not ONE_VERBS.search(norm[max(lower, q.start - 6) : q.start]):
        return True
    return q.unit in ("年", "个月", "天") and after.startswith("内") and bool(re.search(r"[在于]\s*$", before))
