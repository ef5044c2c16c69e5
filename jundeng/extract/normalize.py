"""Text normalization for matching, one character for one character, so offsets stay on the original.

OpenCC does the script conversion (traditional → simplified). What is hand-written here is the guarantee the
extractor needs and no library gives: a normalized text of exactly the original's length, so that every match
found on it is reported with the original's offsets and the original's characters. OpenCC's phrase tables can
change a length in rare cases; those lines are converted character by character instead. Full-width ASCII forms
(０-９, Ａ-Ｚ, ％, （, ：…) become their half-width forms by a fixed table (NFKC would also fold 〔, ㎡ and ½ and
change lengths). The Chinese full-width comma "，" is kept, so that an ASCII "," can be read as a thousands
separator (1,000) while "，" never is.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH[0xFF0C] = 0xFF0C  # keep "，": only the ASCII comma may separate thousands
_WIDTH.update(
    {
        0x3000: 0x20,  # ideographic space
        0x00A0: 0x20,  # no-break space
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: 0x20,  # zero-width space (kept as a space to keep the length)
        0xFEFF: 0x20,
        0x2215: ord("/"),  # division slash ∕
        0x2044: ord("/"),  # fraction slash ⁄
        0x2264: ord("≤"),
        0x2265: ord("≥"),
        0x2266: ord("≤"),  # ≦
        0x2267: ord("≥"),  # ≧
        0x2013: ord("-"),  # en dash
        0x2212: ord("-"),  # minus sign
        0x301C: ord("~"),  # wave dash 〜
        0x2236: ord(":"),  # ratio ∶
        0xFE50: ord(","),
        0xFE51: ord("、"),
        0xFE52: ord("."),
        0xFE54: ord(";"),
        0xFE55: ord(":"),
        0xFE59: ord("("),
        0xFE5A: ord(")"),
    }
)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Return ``text`` in traditional script (OpenCC s2t), for names the extractor supplies itself."""
    return str(_to_traditional().convert(text))


def is_traditional(original: str, simplified: str) -> bool:
    """Return whether a text is written in traditional script: more than 1 % of its Han characters change."""
    han = changed = 0
    for before, after in zip(original, simplified, strict=True):
        if "\u4e00" <= before <= "\u9fff":
            han += 1
            changed += before != after
    return han > 0 and changed > 0.01 * han


def to_half_width(text: str) -> str:
    """Return ``text`` with full-width ASCII forms and odd spaces replaced by their half-width forms."""
    return text.translate(_WIDTH)


def to_simplified(text: str) -> str:
    """Return ``text`` in simplified script, of the same length (OpenCC hk2s; per character where a phrase differs)."""
    converter = _converter()
    converted: str = converter.convert(text)
    if len(converted) == len(text):
        return converted
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        done: str = converter.convert(line)
        if len(done) != len(line):
            chars = [converter.convert(ch) for ch in line]
            done = "".join(c if len(c) == 1 else o for c, o in zip(chars, line, strict=True))
        out.append(done)
    return "\n".join(out)


def normalize(text: str) -> str:
    """Return the matching form of ``text``: simplified script, half-width digits and punctuation, same length."""
    result = to_half_width(to_simplified(text))
    if len(result) != len(text):  # pragma: no cover - guarded above; a broken converter must not shift offsets
        raise ValueError("normalization changed the text length")
    return result
