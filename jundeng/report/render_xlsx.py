"""A report's tables as an Excel workbook (XLSX), written with openpyxl.

openpyxl was chosen because it is already the project's spreadsheet library (imports read workbooks with it),
it is pure Python, and it writes real numeric cells with number formats (so the office can re-sort, sum and
chart the figures) rather than text. The first sheet says what the workbook is (title, date, notes such as
"synthetic data"); then one sheet per table, named after it, with a bold frozen header row that carries the
units."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jundeng.report.cells import MISSING, cell_number, header, numeric
from jundeng.report.document import Column, Document, Table

NUMBER_FORMATS = {"int": "#,##0", "year": "0", "index": "0.000", "num": "#,##0.00", "pct": "0.0%", "pp": "0.0"}
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")


def sheet_name(wanted: str, taken: set[str]) -> str:
    """Return a valid, unique sheet name: forbidden characters removed, at most 31 characters."""
    base = _FORBIDDEN.sub("", wanted).strip().strip("'") or "Sheet"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _width(text: str) -> float:
    """Return the display width of a text in Excel columns (CJK characters count double)."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def _about(wb: Workbook, doc: Document, taken: set[str]) -> None:
    """Fill the first sheet: title, subtitle, issuer, date and notes."""
    zh = doc.lang == "zh"
    ws = wb.active
    assert ws is not None
    ws.title = sheet_name("说明" if zh else "About", taken)
    labels = ("标题", "副标题", "发布单位", "日期") if zh else ("Title", "Subtitle", "Issuer", "Date")
    rows = list(zip(labels, (doc.title, doc.subtitle, doc.issuer, doc.date), strict=True))
    rows += [("说明" if zh else "Note", note) for note in doc.notes]
    for label, value in rows:
        if value:
            ws.append([label, value])
    ws["A1"].font = Font(bold=True)
    ws["B1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 80


def _sheet(wb: Workbook, table: Table, lang: str, taken: set[str]) -> None:
    """Add one sheet for a table: unit-bearing bold header, frozen; numbers as numeric cells."""
    ws = wb.create_sheet(sheet_name(table.sheet or table.title, taken))
    heads = [header(c, lang) for c in table.columns]
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [_width(h) for h in heads]
    for r, row in enumerate(table.rows, start=2):
        for c, column in enumerate(table.columns, start=1):
            _write(ws.cell(row=r, column=c), row.get(column.key), column)
            shown = ws.cell(row=r, column=c).value
            widths[c - 1] = max(widths[c - 1], _width(str(shown if shown is not None else MISSING)) + 2)
    ws.freeze_panes = "A2"
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    if table.note:
        ws.cell(row=len(table.rows) + 3, column=1, value=table.note).font = Font(italic=True, color="555555")


def _write(cell: Any, value: Any, column: Column) -> None:
    """Write one value: a number with its format in a numeric column, text otherwise, empty for None."""
    if numeric(column):
        number = cell_number(value)
        if number is not None:
            cell.value = round(number) if column.kind in ("int", "year") else number
            cell.number_format = NUMBER_FORMATS[column.kind]
            return
    if value is not None and value != "":
        cell.value = str(value)


def render_xlsx(doc: Document) -> bytes:
    """Return a document's tables as XLSX bytes: an about sheet, then one sheet per table."""
    wb = Workbook()
    taken: set[str] = set()
    _about(wb, doc, taken)
    for table in doc.tables():
        _sheet(wb, table, doc.lang, taken)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
