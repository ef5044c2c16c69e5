"""How numbers may be written in imported files: one rule for observations and populations, and what
makes an indicator's values counts.

Accepted: an optional sign, digits with an optional decimal point and an optional exponent (``-1.5``,
``.5``, ``2.4e3``). A thousands separator is accepted only in the standard grouping of three digits
(``1,234,567.5``; the full-width ``，`` counts as a comma) and then simply dropped. Refused, each with its
reason: a misplaced separator such as ``12,34`` (a decimal comma? it used to be read as 1234), numbers too
large for a double (``1e309``) and the words ``inf``, ``Infinity`` and ``NaN``; anything else is not a number.

A *count* is a value of an additive indicator (:attr:`Indicator.is_additive`: people, schools, beds …):
it may not be negative unless the indicator declares ``valid_min``, and it is a whole number unless its
unit measures a quantity (万人, 公里, 亩, 万元).
"""

from __future__ import annotations

import re

import polars as pl

from jundeng.domain.catalog import Indicator

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
