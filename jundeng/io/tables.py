"""Read CSV (UTF-8, UTF-8 with BOM or GBK/GB18030), XLSX and XLS files into tables of text cells.

Every cell keeps its spreadsheet position so that later checks can say ``file:row:column``. Structural
problems (bad or mixed encoding, ragged or truncated rows, merged cells, formulas without a saved result,
control characters in a cell) are reported here, all at once (at most ``JUNDENG_MAX_PROBLEMS`` of them).

A file is refused before it is read when it is beyond the limits of :mod:`jundeng.io.limits`: a CSV
by its size and rows, an XLSX by what :mod:`jundeng.io.xlsx_scan` finds in its zip (unpacked size, zip
bombs, DTDs and undefined entities, each sheet's real extent), an XLS by its size and what
:mod:`jundeng.io.xls_scan` finds in its records (each sheet's real extent).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jundeng.errors import Problem
from jundeng.io.encodings import decode_bytes, header_text
from jundeng.io.limits import Deadline, Limits, ProblemLog, RefusalError, current, size_problem
from jundeng.io.sheet_scan import SheetScan, column_letters
from jundeng.io.xls_scan import scan_xls
from jundeng.io.xlsx_scan import scan_workbook

# Sheets that hold instructions rather than data (templates carry one).
INSTRUCTION_SHEETS = {"说明", "填报说明", "readme", "instructions"}
# C0 control characters other than tab, line feed and carriage return: PostgreSQL refuses NUL in text
# and XLSX (XML 1.0) cannot hold any of them, so a value carrying one could be stored but never exported.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class Table:
    """One sheet (or a CSV file): header cells and data rows as text, with spreadsheet row numbers."""

    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def control_problem(where: str, row: int, cells: list[str], first_column: int = 1) -> Problem | None:
    """Return the problem of the first cell of ``cells`` holding a control character (NUL …), if any."""
    if not CONTROL_CHARACTERS.search("\t".join(cells)):
        return None
    for column, cell in enumerate(cells, start=first_column):
        found = CONTROL_CHARACTERS.search(cell)
        if found:
            code = f"U+{ord(found.group()):04X}"
            return Problem(
                where,
                row,
                column,
                f"单元格含有控制字符 {code}（不可见字符，如 NUL）：请删除后再导入",
                f"the cell holds the control character {code} (invisible, e.g. NUL): remove it and import again",
            )
    return None


def csv_records(
    text: str, name: str, problems: list[Problem], limits: Limits | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, fields) of every CSV record; a malformed record (an unclosed
    quote), a record beyond ``limits.max_rows`` or running out of time ends the file with a located problem
    appended to ``problems``."""
    limits = limits or current()
    deadline = Deadline(limits, name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    for count in range(limits.max_rows + 1):
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(name, line + 1, 1, f"CSV 格式错误（引号未闭合？）: {exc}", f"malformed CSV: {exc}"))
            return
        if count % 10_000 == 0:
            try:
                deadline.check(line + 1, 1)
            except RefusalError as refused:
                problems.append(refused.problem)
                return
        yield line + 1, row
        line = reader.line_num
    if next(reader, None) is not None:
        problems.append(
            Problem(
                name,
                line + 1,
                1,
                f"文件超过 {limits.max_rows:,} 行的上限：请拆分后再导入",
                f"the file has more than {limits.max_rows:,} rows, the limit: split it and import the parts",
            )
        )


def read_csv_text(text: str, name: str) -> tuple[list[Table], list[Problem]]:
    """Return the table in CSV ``text`` and the structural problems found (ragged or truncated rows,
    control characters, too many rows or columns)."""
    limits = current()
    fatal: list[Problem] = []
    records = csv_records(text, name, fatal, limits)
    _, header = next(records, (1, []))
    if fatal:
        return [], fatal
    if not any(h.strip() for h in header):
        return [], [Problem(name, 1, 1, "文件为空", "the file is empty")]
    if len(header) > limits.max_columns:
        return [], [_too_wide(name, len(header), limits)]
    log = ProblemLog(limits.max_problems)
    controls = CONTROL_CHARACTERS.search(text) is not None
    if controls and (bad := control_problem(name, 1, header)):
        log.add(bad)
    table = Table(name, [h.strip() for h in header])
    width = len(header)
    for start, row in records:
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            log.add(
                Problem(
                    name,
                    start,
                    min(len(row), width) + 1,
                    f"应有 {width} 列，实有 {len(row)} 列（行被截断或多出分隔符？）",
                    f"expected {width} fields, found {len(row)} (truncated row or stray delimiter?)",
                )
            )
            continue
        if controls and (bad := control_problem(name, start, row)):
            log.add(bad)
        table.rows.append(row)
        table.row_numbers.append(start)
    log.extend(fatal)
    return [table], log.result()


def _too_wide(where: str, columns: int, limits: Limits) -> Problem:
    return Problem(
        where,
        1,
        limits.max_columns + 1,
        f"表格有 {columns:,} 列，超过上限 {limits.max_columns:,} 列",
        f"the table has {columns:,} columns, above the limit of {limits.max_columns:,}",
    )


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


def open_workbook(path: Path, name: str) -> tuple[Any, list[Problem]]:
    """Return (the calamine workbook, []) or (None, [the located problem]) for a corrupt file or one beyond
    the limits (see :func:`check_workbook`)."""
    limits = current()
    try:
        check_workbook(path, name, limits, Deadline(limits, name))
    except RefusalError as refused:
        return None, [refused.problem]
    return _calamine(path, name)


def check_workbook(path: Path, name: str, limits: Limits, deadline: Deadline) -> dict[str, SheetScan] | None:
    """Raise :class:`RefusalError` for a workbook beyond ``limits``; return the scan of an XLSX's sheets."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return scan_workbook(path, name, limits, deadline)
    if too_large := size_problem(name, path.stat().st_size, limits):
        raise RefusalError(too_large)
    scan_xls(path.read_bytes(), name, limits, deadline)
    return None


def _calamine(path: Path, name: str) -> tuple[Any, list[Problem]]:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path)), []
    except Exception as exc:  # calamine raises several error types for corrupt files
        return None, [Problem(name, 1, 1, f"无法读取工作簿: {exc}", f"cannot read the workbook: {exc}")]


def read_workbook(path: Path, name: str) -> tuple[list[Table], list[Problem]]:
    """Return one table per data sheet of an XLSX/XLS workbook, and the structural problems found."""
    limits = current()
    deadline = Deadline(limits, name)
    try:
        scans = check_workbook(path, name, limits, deadline)
    except RefusalError as refused:
        return [], [refused.problem]
    book, opened = _calamine(path, name)
    if book is None:
        return [], opened
    tables: list[Table] = []
    log = ProblemLog(limits.max_problems)
    for sheet_name in book.sheet_names:
        if sheet_name.strip().lower() in INSTRUCTION_SHEETS:
            continue
        where = f"{name}[{sheet_name}]"
        try:
            table = _read_sheet(book, sheet_name, where, (scans or {}).get(sheet_name), limits, deadline, log)
        except RefusalError as refused:
            return [], [refused.problem]
        except Exception as exc:  # calamine's errors for a damaged sheet
            log.add(Problem(where, 1, 1, f"无法读取工作表: {exc}", f"cannot read the sheet: {exc}"))
            continue
        if table is None:
            if len(book.sheet_names) == 1:
                log.add(Problem(where, 1, 1, "工作表为空", "the sheet is empty"))
            continue
        tables.append(table)
    return tables, log.result()


def _read_sheet(
    book: Any, sheet_name: str, where: str, scan: SheetScan | None, limits: Limits, deadline: Deadline, log: ProblemLog
) -> Table | None:
    """Return the table of one sheet (None when its first row is empty); problems go to ``log``."""
    sheet = book.get_sheet_by_name(sheet_name)
    if sheet.start is None:
        return None
    lead = sheet.start[1]
    rows, columns = sheet.end[0] + 1, sheet.end[1] + 1
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        zh = f"工作表的已用区域 A1:{column_letters(columns)}{rows} 超过上限（{limits.max_rows:,} 行、"
        zh += f"{limits.max_columns:,} 列、{limits.max_cells:,} 个单元格）"
        en = f"the sheet's used area A1:{column_letters(columns)}{rows} is above the limits ({limits.max_rows:,} "
        en += f"rows, {limits.max_columns:,} columns, {limits.max_cells:,} cells)"
        raise RefusalError(Problem(where, rows, columns, zh, en))
    lines = iter(sheet.iter_rows())
    first: list[Any] = next(lines, [])
    header = [""] * lead + [cell_text(c) for c in first]
    while header and not header[-1]:
        header.pop()
    if not header:
        return None
    _merged(sheet, where, log)
    if bad := control_problem(where, 1, header):
        log.add(bad)
    width = len(header)
    table = Table(where, header)
    formulas = scan.formulas if scan else {}
    for number, raw in enumerate(lines, start=2):
        if number % 10_000 == 0:
            deadline.check(number, 1)
        row = [""] * lead + [cell_text(c) for c in raw[: width - lead]]
        row += [""] * (width - len(row))
        if not any(row):
            continue
        if bad := control_problem(where, number, row):
            log.add(bad)
        for col in formulas.get(number, ()):
            if col <= width and not row[col - 1]:
                log.add(_formula_problem(where, number, col))
        table.rows.append(row)
        table.row_numbers.append(number)
    if scan and scan.formulas_unlisted:
        log.count(scan.formulas_unlisted, _formula_problem(where, 0, 0))
    return table


def _formula_problem(where: str, row: int, column: int) -> Problem:
    return Problem(
        where,
        row,
        column,
        "公式没有保存计算结果：请在 Excel 中打开并保存，或粘贴为数值",
        "formula without a saved result: open and save it in Excel, or paste values",
    )


def _merged(sheet: Any, where: str, log: ProblemLog) -> None:
    for merged in sheet.merged_cell_ranges or []:
        (r0, c0), (r1, c1) = merged
        ref = f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
        log.add(
            Problem(
                where,
                r0 + 1,
                c0 + 1,
                f"合并单元格 {ref}：请取消合并并在每一行填写",
                f"merged cells {ref}: unmerge them and fill every row",
            )
        )


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
    """Return the text of a CSV file (UTF-8, UTF-8 with BOM or GBK), or the problem: empty, too large,
    undecodable."""
    limits = current()
    if too_large := size_problem(path.name, path.stat().st_size, limits):
        return "", [too_large]
    data = path.read_bytes()
    if not data.strip():
        return "", [Problem(path.name, 1, 1, "文件为空", "the file is empty")]
    return decode_bytes(data, path.name)


def first_table(path: str | Path) -> Table:
    """Return the first data sheet of a file; raise InputError with the reading problems, or when there is none."""
    from jundeng.errors import InputError

    tables, problems = read_table_file(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors or not tables:
        raise InputError(errors or [Problem(Path(path).name, 1, 1, "没有数据表", "no data sheet")])
    return tables[0]


def column_index(
    table: Table,
    aliases: dict[str, str],
    required: tuple[str, ...],
    log: ProblemLog,
    optional: tuple[str, ...] = ("cost_index",),
) -> dict[str, int]:
    """Return the 0-based position of each column of the header, the known ones under their English key
    (``aliases``: 中文 name → key); an empty or repeated name and a missing ``required`` column are located
    problems in ``log``."""
    index: dict[str, int] = {}
    for col, raw in enumerate(table.header, start=1):
        text = header_text(raw)
        key = aliases.get(text, aliases.get(text.lower(), text))
        key = key.lower() if key.lower() in required or key.lower() in optional else key
        if not key:
            log.add(Problem(table.name, 1, col, "列名为空", "empty column name"))
        elif key in index:
            log.add(Problem(table.name, 1, col, f"列名重复 {raw!r}", f"duplicate column {raw!r}"))
        else:
            index[key] = col - 1
    for name in required:
        if name not in index:
            log.add(Problem(table.name, 1, 1, f"缺少必需的列 {name}", f"missing required column {name}"))
    return index
