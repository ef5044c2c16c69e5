"""Figures of a plan that are not commitments: metadata lines, party congresses, footnotes, the plan's own counts.

Hand-written because these are conventions of Chinese government web pages and plans: a block of metadata above
the text (索引号 / 文号 / 发布日期 / 发文机关 / 主题分类), ordinals of congresses and plenums (十八届三中全会,
省委十一届三次全会, 第十九次全国代表大会), footnotes defining an indicator ("8.指每周参加体育锻炼3次及以上…"),
counts describing the plan itself ("本领域服务项目共7个，具体包括…") and achievements of the previous period
("企业退休人员基本养老金连续5年上调").
"""

from __future__ import annotations

import re

METADATA_LINE_RE = re.compile(
    r"^[ \t]*(?:索引号|文号|发文字号|发布日期|发文日期|成文日期|印发日期|发布时间|发文机关|发布机构|发文单位"
    r"|主题分类|主题词|分类|体裁分类|组配分类|公开方式|公开范围|信息来源|来源|有效性|生效日期|失效日期"
    r"|浏览次数|访问量|点击数)[ \t]*[:：]"
    r".*$",
    re.MULTILINE,
)
ORDINAL = r"[一二三四五六七八九十百零〇\d]+"
CONGRESS_RE = re.compile(
    rf"(?:第\s*{ORDINAL}\s*次\s*(?:全国|全省|全市|全区)?\s*(?:党员)?代表大会)"
    rf"|(?:{ORDINAL}\s*届\s*(?:全国人大|人大|政协)?\s*(?:{ORDINAL}\s*(?:中|次)\s*)?(?:全会|全体会议|会议|代表大会|人大|政协"
    rf"|常委会|党代会))"
    rf"|(?:{ORDINAL}\s*届\s*{ORDINAL}\s*(?:中|次))"
)
FOOTNOTE_LINE_RE = re.compile(r"^[ \t]*(?:注\s*[:：]?\s*)?\d{1,2}\s*[.、．)]\s*(?:是)?指.*$", re.MULTILINE)
SELF_COUNT_AFTER_RE = re.compile(r"^[^。;；]{0,6}[,，:：]?\s*(?:具体包括|具体为|包括|分别是|分别为|主要包括|如下|详见)")
SELF_COUNT_BEFORE_RE = re.compile(
    r"(?:本领域|本规划|本清单|本标准|本方案|服务项目|服务事项|指标).{0,12}(?:共|共有|共计)\s*$"
)
SELF_COUNT_UNITS = {"个", "项", "类", "大类", "条", "方面", "部分", "章"}
PAST_ACHIEVEMENT_RE = re.compile(r"连续\s*$")
PAST_AFTER_RE = re.compile(r"^\s*(?:年|届)?\s*(?:上调|提高|提升|增长|增加|位居|获得|保持|居|被评为|荣获|实现)")


def plan_noise_spans(norm: str) -> list[tuple[int, int]]:
    """Return the spans of metadata lines, footnote definitions and congress ordinals in ``norm``."""
    found = [m.span() for m in METADATA_LINE_RE.finditer(norm)]
    found.extend(m.span() for m in FOOTNOTE_LINE_RE.finditer(norm))
    found.extend(m.span() for m in CONGRESS_RE.finditer(norm))
    return found


def not_a_commitment(norm: str, start: int, end: int, unit: str, lower: int, upper: int) -> bool:
    """Return whether the quantity ``norm[start:end]`` counts the plan itself or a past achievement (连续5年)."""
    before, after = norm[lower:start], norm[end:upper]
    if PAST_ACHIEVEMENT_RE.search(before) and (unit in ("年", "届", "次") or PAST_AFTER_RE.match(after)):
        return True
    base = unit.split("/")[0]
    if base in SELF_COUNT_UNITS or re.search(r"大类|类", after[:2]):
        if SELF_COUNT_AFTER_RE.match(norm, end) or SELF_COUNT_BEFORE_RE.search(before):
            return True
        if re.search(r"共有?\s*$", before) and re.match(r"[^。;；]{0,4}\d+\s*项", after):
            return True  # 共有4大类22项
    return bool(re.search(r"共有?\s*[\d一二三四五六七八九十]+\s*大?类\s*$", before))
