"""How a table cell and a column header are written, the same in every format (HTML, PDF, DOCX): integers
with thousands separators, years without, inequality indices with three decimals, numbers with up to two
decimals, shares as ``12.3 %``, percentage points as ``1.2 个百分点`` / ``1.2 pp``, and "—" where there is no
value. Plain standard library, no I/O."""

from __future__ import annotations

import math
from typing import Any

from jundeng.report.document import Column

MISSING = "—"
NUMERIC_KINDS = ("int", "year", "num", "index", "pct", "pp")


def _number(value: Any) -> float | None:
    """Return a cell value as a float, or None when it is missing or not a finite number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _decimals(number: float, places: int) -> str:
    """Return a number with thousands separators and up to ``places`` decimals (trailing zeros dropped)."""
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_cell(value: Any, column: Column, lang: str = "zh") -> str:
    """Return a cell value written for a reader: formatted by the column's kind, "—" for None."""
    if column.kind == "text":
        return MISSING if value is None or value == "" else str(value)
    number = _number(value)
    if number is None:
        return MISSING if value is None or value == "" else str(value)
    if column.kind == "int":
        return f"{round(number):,}"
    if column.kind == "year":  # 2017, never 2,017
        return str(round(number))
    if column.kind == "index":  # an inequality index as the text states it: 0.133, not 0.13
        return f"{number:.3f}"
    if column.kind == "pct":
        return f"{number * 100:,.1f} %"
    if column.kind == "pp":
        return f"{number:,.1f} {'个百分点' if lang == 'zh' else 'pp'}"
    return _decimals(number, 2)


def header(column: Column, lang: str = "zh") -> str:
    """Return a column header with its unit: ``名称（单位）`` in Chinese, ``Name (unit)`` in English."""
    if not column.unit:
        return column.label
    return f"{column.label}（{column.unit}）" if lang == "zh" else f"{column.label} ({column.unit})"


def numeric(column: Column) -> bool:
    """Return whether a column holds numbers (right-aligned, numeric cells in a workbook)."""
    return column.kind in NUMERIC_KINDS


def cell_number(value: Any) -> float | None:
    """Return a cell value as a number for a workbook, or None when there is none."""
    return _number(value)
