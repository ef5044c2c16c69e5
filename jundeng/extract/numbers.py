"""Numbers as policy texts write them: 1,000 · 13.5万 · 5千 · 两 · 十二 · 百分之九十 · 三分之二 · 百分百.

cn2an converts the Chinese numerals (一所, 两张, 三万五千). What is hand-written is the part around it that no
library does for policy text: folding a magnitude written after Arabic digits (13.5万人 → 135000, 2亿元 →
200000000), thousands separators that are only ASCII commas followed by exactly three digits, fractions
(三分之二 → 66.67 %) and the percentage words, with the regular expressions that find them.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an  # type: ignore[import-untyped]

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
CN_START = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
MAGNITUDES = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3}

ARABIC = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
# 千 is a magnitude in 5千元 but part of the unit in 5千米, 5千克, 5千瓦 and of the denominator in 3张/千人.
MAGNITUDE = r"(?:万亿|千万|百万|亿|万|千(?![米克瓦伏卡帕人户字焦]))"
CHINESE = rf"[{CN_START}][{CN_DIGITS}]*"
NUMBER = rf"(?:{ARABIC})(?:{MAGNITUDE})?|{CHINESE}"
NUMBER_RE = re.compile(NUMBER)


@lru_cache(maxsize=4096)
def chinese_to_float(text: str) -> float | None:
    """Return the value of a Chinese numeral (两 → 2, 十二 → 12, 三万五千 → 35000), or None if it is not one."""
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return float(value)


def parse_number(text: str) -> float | None:
    """Return the value of one number as written: Arabic with commas and a magnitude, or a Chinese numeral."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        factor = 1.0
        for suffix, scale in MAGNITUDES.items():
            if text.endswith(suffix):
                factor = scale
                text = text[: -len(suffix)]
                break
        try:
            return _clean(float(text.replace(",", "")) * factor)
        except ValueError:
            return None
    value = chinese_to_float(text)
    return None if value is None else _clean(value)


def parse_fraction(denominator: str, numerator: str) -> float | None:
    """Return ``numerator / denominator`` as a percentage (三分之二 → 66.67), or None."""
    den, num = parse_number(denominator), parse_number(numerator)
    if den is None or num is None or den == 0:
        return None
    return round(num / den * 100, 2)


def is_chinese_numeral(text: str) -> bool:
    """Return whether a number was written in Chinese characters (一, 两, 十二) rather than digits."""
    return bool(text) and text[0] in CN_START


def _clean(value: float) -> float:
    """Round away binary noise from folding (13.5 × 10000 = 135000.00000000003)."""
    rounded = round(value, 6)
    return float(int(rounded)) if rounded == int(rounded) else rounded


def format_number(value: float) -> str:
    """Return a value as people write it: 135000, 93, 99.8."""
    return str(int(value)) if value == int(value) else f"{value:g}"
