"""The binding (约束性) or expected (预期性) flag of an indicator, and the baseline a target states.

Hand-written because plans mark the flag in three conventional ways: a table column (属性 / 指标属性), a mark on
the indicator's name (★ / ▲ / *) explained by a note ("注：带★的为约束性指标，其余为预期性指标"), or the word
in brackets after the name ("（约束性）"). A target written 由2015年的85%提高到95% also gives its baseline.
"""

from __future__ import annotations

import re

from jundeng.extract.patterns import YEAR_RE

MARKS = "★☆▲△*※◆●"
MARK_NOTE_RE = re.compile(
    rf"(?:带|标有|标注|有|注有)?\s*[“\"]?([{re.escape(MARKS)}])[”\"]?\s*(?:号|标记|标识)?\s*(?:的|者)?\s*"
    r"(?:指标)?\s*(?:为|表示|是|代表|属于|系)\s*(约束性|预期性)"
)
REST_NOTE_RE = re.compile(
    r"(?:其余|其他|其它|未标注的?|其余指标)\s*(?:指标)?\s*(?:均)?\s*(?:为|是|属于)\s*(约束性|预期性)"
)
BRACKET_FLAG_RE = re.compile(r"[(\[【〔]\s*(约束性|预期性)\s*(?:指标)?\s*[)\]】〕]|(约束性|预期性)指标")


def mark_flags(norm: str) -> dict[str, str]:
    """Return mark → flag from the document's notes (★ → 约束性), with "" → the flag of unmarked indicators."""
    flags = {m.group(1): m.group(2) for m in MARK_NOTE_RE.finditer(norm)}
    rest = REST_NOTE_RE.search(norm)
    if flags and rest:
        flags[""] = rest.group(1)
    return flags


def cell_flag(name: str, flags: dict[str, str]) -> str | None:
    """Return the flag of an indicator named ``name`` in a table: its mark's, else that of unmarked ones."""
    for mark, flag in flags.items():
        if mark and mark in name:
            return flag
    word = BRACKET_FLAG_RE.search(name)
    if word:
        return word.group(1) or word.group(2)
    return flags.get("") if flags else None


def text_flag(norm: str, lower: int, upper: int) -> str | None:
    """Return 约束性 / 预期性 where the clause ``norm[lower:upper]`` says it in brackets, else None."""
    match = BRACKET_FLAG_RE.search(norm, lower, upper)
    return (match.group(1) or match.group(2)) if match else None


def previous_year(norm: str, lower: int, at: int) -> int | None:
    """Return the year written just before a change's old value (由2015年的85% → 2015), else None."""
    years = [int(m.group(1)) for m in YEAR_RE.finditer(norm, lower, at)]
    return years[-1] if years else None
