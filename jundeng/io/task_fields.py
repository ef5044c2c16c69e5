"""Read the cells of a task-division sheet: Chinese numerals, numbering, unit lists, deadlines and targets.

Hand-written because no library reads government deadline wording ("2017年底前", "上半年", "长期"), task
numbering ("（一）", "一是", "①") or quantities with measure words ("新建12所", "4万人", "十二所"); cn2an
handles plain numerals but not these forms inside running text.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

STANDING_WORDS = ("长期", "持续", "常态", "经常", "每年", "逐年", "定期", "动态")
START_WORDS = ("起", "开始", "以来", "以后")

_CN_DIGITS = {ch: int(d) for ch, d in zip("〇零一二两三四五六七八九", "001223456789", strict=True)}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}

# Measure words and units a target number may carry, longest first (so 人次 wins over 人, 千米 over 千).
# fmt: off
_UNIT_WORDS = (
    "个百分点", "百分点", "平方公里", "平方米", "立方米", "万元", "亿元", "千米", "千克", "公里", "公顷", "人次",
    "床位", "个", "所", "套", "人", "名", "户", "家", "张", "座", "处", "间", "台", "辆", "项", "条", "次", "册",
    "件", "本", "场", "支", "亩", "元", "岁", "年", "天", "小时", "分钟", "米", "吨", "份", "栋", "幢", "站", "班",
    "位", "种", "篇", "片", "块", "倍", "%", "‰",
)
# fmt: on
TARGET_UNITS = tuple(sorted(_UNIT_WORDS, key=len, reverse=True))


def cn_to_number(text: str) -> int | None:
    """Return the value of a Chinese numeral ("十二", "两千", "一万二千", "二〇一七"), or None."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_BIG for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]
            digit = 0
        else:
            big = _CN_BIG[ch]
            if big > 10**4:
                total = (total + section + digit) * big
            else:
                total += (section + digit) * big
            section = digit = 0
    return total + section + digit


def _cn_decimal(text: str) -> float | None:
    """Return the value of a Chinese numeral with an optional 点 fraction ("一点五" → 1.5)."""
    whole, _, frac = text.partition("点")
    value = cn_to_number(whole)
    if value is None:
        return None
    if not frac:
        return float(value)
    if any(ch not in _CN_DIGITS for ch in frac):
        return None
    return float(f"{value}.{''.join(str(_CN_DIGITS[ch]) for ch in frac)}")


# ------------------------------------------------------------------------------------------- numbering

_CN_NUM = "一二三四五六七八九十百"
_NUMBERING: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^第([{_CN_NUM}\d]+)(?:部分|章|节|篇)[\s、.．:：]*"), 1),
    (re.compile(rf"^([{_CN_NUM}]+)[、.．]\s*"), 1),
    (re.compile(rf"^[（(]([{_CN_NUM}]+)[）)][\s、.．]*"), 2),
    (re.compile(r"^([一二三四五六七八九十]+)是[，,：:\s]*"), 3),
    (re.compile(r"^[（(](\d{1,3})[）)][\s、.．]*"), 3),
    (re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d)|[)）])\s*"), 3),
    (re.compile(r"^([\u2460-\u2473])\s*"), 3),
)
BARE_CN_NUMBER = re.compile(rf"^[{_CN_NUM}]+$")
CLEAN_NUMBER = re.compile(r"^(\d{1,6})[.、．]?$")
CODE_LIKE = re.compile(r"^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+$|^[A-Za-z][A-Za-z0-9_.-]*$")


def strip_numbering(text: str) -> tuple[str, int | None, int | None]:
    """Return ``text`` without its leading numbering ("（一）", "1.", "一是", "①" …), the number and its level.

    Level 1 is a top heading ("一、", "第一部分"), 2 a sub-heading ("（一）"), 3 an item ("1.", "(1)", "①", "一是").
    """
    for pattern, level in _NUMBERING:
        match = pattern.match(text)
        if match:
            token = match.group(1)
            if "\u2460" <= token <= "\u2473":
                number: int | None = ord(token) - 0x245F
            elif token.isdigit():
                number = int(token)
            else:
                number = cn_to_number(token)
            return text[match.end() :].lstrip(" 　:："), number, level
    return text, None, None


# ------------------------------------------------------------------------------------------------ units

_UNIT_SEPARATORS = set("、，,；;/／")
_OPEN = "（(【["
_CLOSE = "）)】]"
_TRAILING_ETC = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?$")
_ADMIN_ONLY = re.compile(r"^各?[区县市镇乡街道、]+(?:[（(][区县市镇乡街道、]+[）)])?$")
_ADMIN_GOV = re.compile(r"^[区县市镇乡街][区县市镇乡街道（）()]*(?:人民)?政府")
_COUNTY_LIST = r"(?:[县市区][、，,]?)+"
COUNTY_GOVERNMENTS = re.compile(rf"^各{_COUNTY_LIST}(?:[（(]{_COUNTY_LIST}[）)])?(?:人民政府|政府)?$")


def is_county_governments(name: str) -> bool:
    """Return whether a unit is the class of every county-level government of the programme.

    各县、市、区人民政府, 各县市区政府, 各县（市、区）人民政府, 各区政府, 各区、县政府, 各县（市、区） and their forms
    in traditional script are; 各市 (no 县 or 区), 各镇（街道） and 各区教育局 are not.
    """
    text = re.sub(r"\s+", "", simplified(name))
    return bool(COUNTY_GOVERNMENTS.match(text)) and ("县" in text or "区" in text)


def simplified(text: str) -> str:
    """Return ``text`` in simplified script (traditional 縣、區 → 县、区); ASCII is returned as it is."""
    if text.isascii():
        return text
    from jundeng.extract.normalize import to_simplified

    return to_simplified(text)


def split_units(text: str) -> list[str]:
    """Return the units named in a cell, in simplified script: split on 、，,；; / spaces and newlines (not inside
    brackets).

    A trailing 等 (等部门, 等有关单位) is removed; "各区、县政府" and "各县、市、区人民政府" stay one unit; repeats
    are dropped.
    """
    text = simplified(text)
    pieces: list[str] = []
    buffer: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and (ch in _UNIT_SEPARATORS or ch.isspace()):
            pieces.append("".join(buffer))
            buffer = []
        else:
            buffer.append(ch)
    pieces.append("".join(buffer))
    cleaned = [_TRAILING_ETC.sub("", p.strip()).strip() for p in pieces]
    cleaned = [p for p in cleaned if p]
    merged: list[str] = []
    for piece in cleaned:
        if merged and _ADMIN_ONLY.match(merged[-1]) and (_ADMIN_GOV.match(piece) or _ADMIN_ONLY.match(piece)):
            merged[-1] = f"{merged[-1]}、{piece}"
        else:
            merged.append(piece)
    return list(dict.fromkeys(merged))


# ---------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Deadline:
    """A parsed 完成时限: the deadline (None for standing tasks), an optional start, or an error (zh, en)."""

    deadline: date | None = None
    start: date | None = None
    error: tuple[str, str] | None = None


_DATE_TOKEN = re.compile(
    r"(?P<compact>(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?!\d))"
    r"|(?P<iso>(?<!\d)(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})(?:[-/.](?P<id>\d{1,2}))?(?![\d年]))"
    r"|(?P<y>(?<!\d)(?:19|20)\d{2})(?!\d)(?:年度?)?"
    r"|(?P<m>(?<!\d)\d{1,2})月份?(?:(?P<d>\d{1,2})[日号]|(?P<part>上旬|中旬|下旬|初|中|底|末))?"
    r"|(?P<half>上半年|下半年|年中)"
    r"|前(?P<qq>[1-4])季度|第?(?P<q>[1-4])季度"
    r"|(?<![\d一二三四五六七八九十两])(?P<end>年底|年末|年内|年度内|本年度|本年|今年|当年|全年)"
    r"|(?P<plan>十[一二三四五六七八九])五(?:规划)?(?:期间|时期|期末|末|期内|内)?"
)
_ATTACHES = ("m", "half", "qq", "q")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def plan_end_year(ordinal: str) -> int:
    """Return the last year of the five-year plan whose ordinal is written ``ordinal`` ("十三" → 2020)."""
    number = cn_to_number(ordinal)
    if number is None:
        raise ValueError(ordinal)
    return 1955 + 5 * number  # the 1st plan ran 1953–1957; 十一五 2006–2010, 十三五 2016–2020


def _normalize_date_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", simplified(text))
    s = re.sub(r"\s+|[“”\"「」『』‘’']", "", s)
    s = re.sub(r"[〇零一二三四五六七八九]{4}(?=年)", lambda m: str(cn_to_number(m[0])), s)
    s = re.sub(r"[一二三四五六七八九十]{1,3}(?=[月日号])", lambda m: str(cn_to_number(m[0])), s)
    s = re.sub(r"[一二三四](?=季度)", lambda m: str(cn_to_number(m[0])), s)
    return re.sub(r"[—–~]", "-", s)


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Return the deadline a 完成时限 cell states, the latest of the dates it names.

    - a day ("2017年6月30日前", "2017-06-30", "20170630") is that day; a month ("2017年6月", "2017年6月底",
      "六月底") its last day (上旬 10th, 中旬 / 中 20th, 初 10th); a year ("2017年", "2017年底前") Dec 31;
      上半年 / 年中 June 30, 下半年 Dec 31, 一季度 … 四季度 and 前三季度 the quarter's end;
    - 年内 / 年底 / 本年度 / 今年 and dates without a year use the last year named in the text, else ``year``;
    - a range ("2017-2018年", "2017年6月至12月") ends at its last date;
    - a five-year plan ("十三五期间", "“十三五”末", "十三五时期", "十四五期间") ends on Dec 31 of its last year
      (十三五 2016–2020, 十四五 2021–2025);
    - traditional script reads as simplified (長期, 年內, 十三五期間);
    - a date followed by 起 / 开始 is a start, not a deadline;
    - no deadline date and a standing word (长期, 持续推进, 常态化, 每年 …) or only a start: None (standing task).
    Anything else is an error.
    """
    s = _normalize_date_text(text)
    matches = list(_DATE_TOKEN.finditer(s))
    current = year
    ends: list[date] = []
    starts: list[date] = []
    skip = False
    try:
        for i, match in enumerate(matches):
            if skip:
                skip = False
                continue
            groups = match.groupdict()
            end_pos = match.end()
            found: date
            if groups["compact"]:
                token = groups["compact"]
                found = date(int(token[:4]), int(token[4:6]), int(token[6:]))
                current = found.year
            elif groups["iso"]:
                current = int(groups["iy"])
                month = int(groups["im"])
                found = date(current, month, int(groups["id"])) if groups["id"] else _month_end(current, month)
            elif groups["plan"]:
                current = plan_end_year(groups["plan"])
                found = date(current, 12, 31)
            elif groups["y"]:
                current = int(groups["y"])
                nxt = matches[i + 1] if i + 1 < len(matches) else None
                if nxt and nxt.start() == end_pos and any(nxt.group(g) for g in _ATTACHES):
                    continue  # "2017年" + "6月": the month token carries the date
                found = date(current, 12, 31)
            else:
                if current is None:
                    return Deadline(
                        error=(
                            f"完成时限“{text}”没有年份：请写明年份（如 2017年6月底前），或导入时指定年度",
                            f"deadline '{text}' names no year: write it (e.g. 2017年6月底前) or give the year",
                        )
                    )
                if groups["m"]:
                    month = int(groups["m"])
                    part = groups["part"]
                    if groups["d"]:
                        found = date(current, month, int(groups["d"]))
                    elif part in ("上旬", "初"):
                        found = date(current, month, 10)
                    elif part in ("中旬", "中"):
                        found = date(current, month, 20)
                    else:
                        found = _month_end(current, month)
                elif groups["half"]:
                    found = date(current, 12, 31) if groups["half"] == "下半年" else date(current, 6, 30)
                elif groups["qq"] or groups["q"]:
                    found = _month_end(current, int(groups["qq"] or groups["q"]) * 3)
                else:
                    found = date(current, 12, 31)
            if s.startswith(START_WORDS, end_pos):  # "2017年起", "2017年6月开始": a start, not a deadline
                exact = groups["d"] or groups["id"] or groups["compact"]
                starts.append(found if exact else date(found.year, 1, 1) if groups["y"] else found.replace(day=1))
            else:
                ends.append(found)
    except ValueError:
        return Deadline(error=(f"完成时限“{text}”不是有效日期", f"deadline '{text}' is not a valid date"))
    start = min(starts) if starts else None
    if ends:
        return Deadline(deadline=max(ends), start=start)
    if start is not None or any(word in s for word in STANDING_WORDS):
        return Deadline(start=start)
    return Deadline(
        error=(
            f"无法识别的完成时限“{text}”：请写作“2017年底前”“2017年6月30日前”“2017年上半年”或“长期”等",
            f"unreadable deadline '{text}': write e.g. 2017年底前, 2017年6月30日前, 2017年上半年 or 长期",
        )
    )


# --------------------------------------------------------------------------------------------- targets

_TARGET_DATES = re.compile(
    r"(?:19|20)\d{2}年度?(?:\d{1,2}月(?:\d{1,2}[日号])?)?(?:底|末)?"
    r"|(?:19|20)\d{2}(?=[-至到]\d{4})"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}月\d{1,2}[日号]"
    r"|十[一二三四五]五"
)
_TARGET_NUMBER = re.compile(
    r"(?P<a>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"|(?P<c>[〇零一二两三四五六七八九十百千万亿]+(?:点[〇零一二三四五六七八九]+)?)"
)
_MULTIPLIERS = re.compile(r"[十百千万亿]+")
_MULTIPLIER_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}


_PER = re.compile(r"(?:/[\u4e00-\u9fff]{1,2}(?![\u4e00-\u9fff]))+")


def _unit_at(text: str, pos: int) -> str | None:
    """Return the unit at ``pos`` with any rate suffix ("元/人/月", "万元/班/年"), or None."""
    unit = next((u for u in TARGET_UNITS if text.startswith(u, pos)), None)
    if unit is not None:
        per = _PER.match(text, pos + len(unit))
        if per:
            unit += per[0]
    return unit


def parse_target(text: str) -> tuple[float, str | None] | None:
    """Return the first target number in ``text`` and the unit after it, or None when there is none.

    "新建12所中小学" → (12, "所"); "2700套" → (2700, "套"); "4万人" / "四万人" → (40000, "人"); "95%" →
    (95, "%"); "500万元" → (500, "万元") (万元 and 亿元 are units of money, not multipliers); a rate keeps its
    whole unit: "690元/人/月" → (690, "元/人/月"). Dates ("2017年", "6月30日") are skipped. A Chinese numeral
    counts only when a known unit follows it. Traditional script reads as simplified ("4萬人" → (40000, "人")).
    """
    s = _TARGET_DATES.sub(" ", unicodedata.normalize("NFKC", simplified(text)))
    for match in _TARGET_NUMBER.finditer(s):
        pos = match.end()
        value: float | None
        if match["a"]:
            value = float(match["a"].replace(",", ""))
        else:
            run = match["c"]
            if not any(ch in _CN_DIGITS for ch in run) and not run.startswith("十"):
                continue  # 千家万户, 百姓 …
            if (
                run[-1] in "千万亿"
                and "点" not in run
                and (_unit_at(s, pos - 1) or "").startswith(("万元", "亿元", "千米", "千克"))
            ):
                run, pos = run[:-1], pos - 1
            value = _cn_decimal(run)
            if value is None:
                continue
        unit = _unit_at(s, pos)
        if unit is None:
            mult = _MULTIPLIERS.match(s, pos)
            if mult:
                for ch in mult[0]:
                    value *= _MULTIPLIER_VALUE[ch]
                unit = _unit_at(s, mult.end())
        if unit is None and match["c"]:
            continue  # a Chinese numeral counts only with its unit (一体化, 一批 …)
        return value, unit
    return None


# --------------------------------------------------------------------------------------------- reading
