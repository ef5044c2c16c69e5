"""Read CSV (UTF-8, UTF-8 with BOM or GBK/GB18030), XLSX and XLS files into tables of text cells.

Every cell keeps its spreadsheet position so that later checks can say ``file:row:column``. Structural
problems (bad encoding, ragged or truncated rows, merged cells, formulas without a saved result) are
reported here, all at once.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jundeng.errors import Problem

# Sheets that hold instructions rather than data (templates carry one).
INSTRUCTION_SHEETS = {"说明", "填报说明", "readme", "instructions"}
FORMULA_SCAN_LIMIT = 20 * 1024 * 1024


@dataclass
class Table:
    """One sheet (or a CSV file): header cells and data rows as text, with spreadsheet row numbers."""

    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def decode_bytes(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GBK/GB18030, or a located problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), []
        except UnicodeDecodeError:
            offset = utf8_error.start
            row = data.count(b"\n", 0, offset) + 1
            col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
            return "", [
                Problem(
                    name,
                    row,
                    col,
                    "文件编码无法识别：须为 UTF-8 或 GBK",
                    "unreadable encoding: the file must be UTF-8 or GBK",
                )
            ]


def csv_records(text: str, name: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, fields) of every CSV record; a malformed record (an unclosed
    quote) ends the file with a located problem appended to ``problems``."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(name, line + 1, 1, f"CSV 格式错误（引号未闭合？）: {exc}", f"malformed CSV: {exc}"))
            return
        yield line + 1, row
        line = reader.line_num


def read_csv_text(text: str, name: str) -> tuple[list[Table], list[Problem]]:
    """Return the table in CSV ``text`` and the structural problems found (ragged or truncated rows)."""
    problems: list[Problem] = []
    records = csv_records(text, name, problems)
    _, header = next(records, (1, []))
    if problems:
        return [], problems
    if not any(h.strip() for h in header):
        return [], [Problem(name, 1, 1, "文件为空", "the file is empty")]
    table = Table(name, [h.strip() for h in header])
    width = len(header)
    for start, row in records:
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            problems.append(
                Problem(
                    name,
                    start,
                    min(len(row), width) + 1,
                    f"应有 {width} 列，实有 {len(row)} 列（行被截断或多出分隔符？）",
                    f"expected {width} fields, found {len(row)} (truncated row or stray delimiter?)",
                )
            )
            continue
        table.rows.append(row)
        table.row_numbers.append(start)
    return [table], problems


def cell_text(value: Any) -> str:
    """Return a spreadsheet cell as text (whole floats without .0, dates in ISO form, None as "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _formula_cells(path: Path, sheet: str) -> set[tuple[int, int]]:
    """Return (row, column) of formula cells whose cached result is empty (openpyxl, small files only)."""
    if path.suffix.lower() != ".xlsx" or path.stat().st_size > FORMULA_SCAN_LIMIT:
        return set()
    import openpyxl

    formulas: set[tuple[int, int]] = set()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for row in book[sheet].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.add((cell.row, cell.column))
    finally:
        book.close()
    return formulas


def open_workbook(path: Path, name: str) -> tuple[Any, list[Problem]]:
    """Return (the calamine workbook, []) or (None, [the located problem]) for a corrupt file."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path)), []
    except Exception as exc:  # calamine raises several error types for corrupt files
        return None, [Problem(name, 1, 1, f"无法读取工作簿: {exc}", f"cannot read the workbook: {exc}")]


def read_workbook(path: Path, name: str) -> tuple[list[Table], list[Problem]]:
    """Return one table per data sheet of an XLSX/XLS workbook, and the structural problems found."""
    book, opened = open_workbook(path, name)
    if book is None:
        return [], opened
    tables: list[Table] = []
    problems: list[Problem] = []
    for sheet_name in book.sheet_names:
        if sheet_name.strip().lower() in INSTRUCTION_SHEETS:
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        where = f"{name}[{sheet_name}]"
        cells = sheet.to_python(skip_empty_area=False)
        if not cells or not any(cell_text(c) for c in cells[0]):
            if len(book.sheet_names) == 1:
                problems.append(Problem(where, 1, 1, "工作表为空", "the sheet is empty"))
            continue
        for merged in sheet.merged_cell_ranges or []:
            (r0, c0), (r1, c1) = merged
            ref = f"{_column_letter(c0)}{r0 + 1}:{_column_letter(c1)}{r1 + 1}"
            problems.append(
                Problem(
                    where,
                    r0 + 1,
                    c0 + 1,
                    f"合并单元格 {ref}：请取消合并并在每一行填写",
                    f"merged cells {ref}: unmerge them and fill every row",
                )
            )
        header = [cell_text(c) for c in cells[0]]
        while header and not header[-1]:
            header.pop()
        table = Table(where, header)
        formulas: set[tuple[int, int]] | None = None
        for offset, raw in enumerate(cells[1:], start=2):
            row = [cell_text(c) for c in raw[: len(header)]]
            row += [""] * (len(header) - len(row))
            if not any(row):
                continue
            if any(not cell for cell in row[:4]):
                formulas = _formula_cells(path, sheet_name) if formulas is None else formulas
                for col, cell in enumerate(row, start=1):
                    if not cell and (offset, col) in formulas:
                        problems.append(
                            Problem(
                                where,
                                offset,
                                col,
                                "公式没有保存计算结果：请在 Excel 中打开并保存，或粘贴为数值",
                                "formula without a saved result: open and save it in Excel, or paste values",
                            )
                        )
            table.rows.append(row)
            table.row_numbers.append(offset)
        tables.append(table)
    return tables, problems


def table_kind(path: Path) -> tuple[str, list[Problem]]:
    """Return ``"workbook"`` (XLSX/XLSM/XLS) or ``"csv"`` (CSV/TXT) for a file, else ``""`` and the problem."""
    suffix = path.suffix.lower()
    if not path.exists():
        return "", [Problem(path.name, 0, 0, "文件不存在", "no such file")]
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "workbook", []
    if suffix in (".csv", ".txt"):
        return "csv", []
    zh, en = f"不支持的文件类型 {suffix}", f"unsupported file type {suffix}: use CSV, XLSX or XLS"
    return "", [Problem(path.name, 0, 0, zh, en)]


def read_table_file(path: str | Path) -> tuple[list[Table], list[Problem]]:
    """Return the tables of a CSV, XLSX or XLS file and the structural problems found in it."""
    path = Path(path)
    name = path.name
    kind, problems = table_kind(path)
    if kind != "csv":
        return read_workbook(path, name) if kind == "workbook" else ([], problems)
    text, problems = decode_file(path)
    return ([], problems) if problems else read_csv_text(text, name)


def decode_file(path: Path) -> tuple[str, list[Problem]]:
    """Return the text of a CSV file (UTF-8, UTF-8 with BOM or GBK), or the problem: empty, undecodable."""
    data = path.read_bytes()
    if not data.strip():
        return "", [Problem(path.name, 1, 1, "文件为空", "the file is empty")]
    return decode_bytes(data, path.name)
