"""How numbers may be written in imported files: one rule for observations and populations, and what
makes an indicator's values counts.

Accepted: an optional sign, digits with an optional decimal point and an optional exponent (``-1.5``,
``.5``, ``2.4e3``). A thousands separator is accepted only in the standard grouping of three digits
(``1,234,567.5``; the full-width ``，`` counts as a comma) and then simply dropped. Refused, each with its
reason: a misplaced separator such as ``12,34`` (a decimal comma? it used to be read as 1234), numbers too
large for a double (``1e309``) and the words ``inf``, ``Infinity`` and ``NaN``; anything else is not a number.

A value may carry a magnitude and the indicator's unit, in either script (:func:`read_quantity`): with the
unit 套, ``6万套`` / ``6萬套`` is 60000; with 万套 it is 6; ``1.2億元`` is 12000 in 万元; a bare ``6萬`` is 60000
人. A unit that is not the indicator's (``6万套`` for 人) is an error, never a silent 6.

A *count* is a value of an additive indicator (:attr:`Indicator.is_additive`: people, schools, beds …):
it may not be negative unless the indicator declares ``valid_min``, and it is a whole number unless its
unit measures a quantity (万人, 公里, 亩, 万元).
"""

from __future__ import annotations

import re
from decimal import Decimal

import polars as pl

from jundeng.domain.catalog import Indicator
from jundeng.extract.numbers import MAGNITUDES

PLAIN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
GROUPED = r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
NON_FINITE = r"(?i)[+-]?(?:inf|infinity|nan)"
QUANTITY_UNITS = frozenset({"万人", "公里", "亩", "万元"})  # additive, but not counted one by one
_PLAIN, _GROUPED, _NON_FINITE = (re.compile(p) for p in (PLAIN, GROUPED, NON_FINITE))


def number_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Return (value, fault) for a column of trimmed text: the Float64 value (null when blank or bad) and
    the fault code ``""`` (fine or blank), ``"separator"``, ``"infinite"`` or ``"syntax"``."""
    text = text.str.replace_all("，", ",", literal=True)
    grouped = text.str.contains(f"^{GROUPED}$")
    plain = pl.when(grouped).then(text.str.replace_all(",", "", literal=True)).otherwise(text)
    valid = plain.str.contains(f"^{PLAIN}$")
    parsed = plain.cast(pl.Float64, strict=False)
    finite = valid & parsed.is_finite()
    value = pl.when(finite).then(parsed).otherwise(None)
    fault = (
        pl.when((text == "") | finite)
        .then(pl.lit(""))
        .when(valid | text.str.contains(f"^{NON_FINITE}$"))
        .then(pl.lit("infinite"))
        .when(text.str.contains(",", literal=True))
        .then(pl.lit("separator"))
        .otherwise(pl.lit("syntax"))
    )
    return value, fault


def parse_number(text: str) -> tuple[float | None, str]:
    """Return (value, fault) for one trimmed cell, by the same rule as :func:`number_expr`."""
    text = text.replace("，", ",")
    if not text:
        return None, ""
    plain = text.replace(",", "") if _GROUPED.fullmatch(text) else text
    if _PLAIN.fullmatch(plain):
        value = float(plain)
        return (value, "") if abs(value) != float("inf") else (None, "infinite")
    if _NON_FINITE.fullmatch(text):
        return None, "infinite"
    return None, "separator" if "," in text else "syntax"


def fault_message(fault: str, text: str) -> tuple[str, str]:
    """Return the (zh, en) message of a number ``fault`` in the cell ``text``."""
    if fault == "separator":
        return (
            f"千位分隔符用法不对: {text!r}（小数点请用“.”，千位分隔须每三位一组，如 1,234,567）",
            f"misplaced thousands separator in {text!r} (write decimals with a point; group thousands by "
            "three, as in 1,234,567)",
        )
    if fault == "infinite":
        return f"不是有限的数值: {text!r}", f"not a finite number: {text!r}"
    return f"不是数值: {text!r}", f"not a number: {text!r}"


def count_rule(indicator: Indicator) -> tuple[bool, bool]:
    """Return (must not be negative, must be whole) for the values of ``indicator`` (see the module)."""
    if not indicator.is_additive:
        return False, False
    return indicator.valid_min is None, indicator.unit not in QUANTITY_UNITS


_QUANTITY = re.compile(rf"(?P<number>{GROUPED}|{PLAIN})\s*(?P<suffix>\D+)")
_HAN = re.compile("[\u4e00-\u9fff%‰]")
_PREFIXES = ("", *sorted(MAGNITUDES, key=len, reverse=True))  # 万亿 before 万, 千万 before 千


def _factor(prefix: str) -> Decimal:
    return Decimal(int(MAGNITUDES[prefix])) if prefix else Decimal(1)


def read_quantity(text: str, unit: str | None) -> tuple[str | None, tuple[str, str] | None] | None:
    """Return a value written with a magnitude and/or a unit ("6万套", "1.2亿元", "6万", "95%") in the
    indicator's ``unit``: (the value as plain number text, None), or (None, (zh, en)) when its unit is not the
    indicator's. None when ``text`` is not a number followed by a magnitude or unit (plain numbers included):
    the number rule judges those. Texts are expected in simplified script (萬 and 億 read first as 万 and 亿).

    The units are compared without their magnitudes (万, 亿, 千, 百万, 千万, 万亿 from the extractor's table):
    6万套 is 60000 套 and 6 万套; 5千米 is 5000 米; a bare magnitude takes the indicator's unit (6万 → 60000 人).
    """
    match = _QUANTITY.fullmatch(text.strip().replace("，", ","))
    if match is None:
        return None
    suffix = re.sub(r"\s+", "", match["suffix"])
    expected = re.sub(r"\s+", "", unit or "")
    scale, base = next(
        ((_factor(k), expected[len(k) :]) for k in _PREFIXES if k and expected.startswith(k) and expected != k),
        (Decimal(1), expected),
    )
    written = next((_factor(k) for k in _PREFIXES if suffix == k + base and (k or base)), None)
    if written is None and suffix in MAGNITUDES:
        written = _factor(suffix)  # a bare magnitude: the indicator's unit
    if written is None:
        if not _HAN.search(suffix):
            return None  # "1e", "0x10": not a quantity, the number rule says why
        shown = expected or "（无）"
        return None, (
            f"单位“{suffix}”与指标单位“{shown}”不符：{text!r}",
            f"unit '{suffix}' does not match the indicator's unit '{expected or '(none)'}': {text!r}",
        )
    value = Decimal(match["number"].replace(",", "")) * written / scale
    return format(value.normalize(), "f"), None
