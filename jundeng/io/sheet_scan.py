"""Stream one worksheet's XML (``xl/worksheets/sheetN.xml``) and find its real extent without building it.

The extent runs from A1 to the farthest cell that holds a value (``<v>`` or ``<is>``, as the reader
counts them; a ``<dimension>`` claim and cells with only a style do not count). The scanner refuses the
sheet, located at the offending cell, as soon as the extent passes a limit, and notes the formulas that
have no saved result.

Two passes over each block of whole rows: a fast one where every loop runs in the regex engine, valid
when every cell is written the usual way (``<c r="B7" …>`` with nothing but a formula before its value),
and otherwise an element-by-element one. Comments, CDATA sections and processing instructions inside a
sheet (which no spreadsheet program writes) are refused: they could hide a cell from both passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jundeng.errors import Problem
from jundeng.io.limits import Limits, RefusalError

MAX_PENDING = 8 << 20  # an element cut at a block's end waits; no real cell comes near this size
_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix
_INNER = rb"([^<]*+(?:<(?!/?" + _P + rb"c[\s/>])[^<]*+)*+)"  # a cell's content: never another cell's tag
_TAG = re.compile(
    rb"<" + _P + rb"(?:(row)(?=[\s/>])([^>]*)>|c(?=[\s/>])([^>]*?)(?:/>|>" + _INNER + rb"</" + _P + rb"c>))"
)
_START = re.compile(rb"<" + _P + rb"(?:row|c)(?=[\s/>])")
_REF = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})["']""")
_ROW = re.compile(rb"""\br\s*=\s*["']([0-9]{1,7})["']""")
_VALUE = re.compile(rb"<" + _P + rb"(?:v|is)[\s/>]")
_SAVED = re.compile(rb"<" + _P + rb"(?:v(?:\s[^>]*)?>[^<]|is[\s>])")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s/>]")
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)([^;\s<&]{0,32};?)")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")
# the fast pass
_ODD = re.compile(  # a cell or row without r="…" first, a value tag unlike <v> or <is>, a prefix, <! or <?
    rb'<(?:c(?:[\t\r\n>/]| (?!r="))|row(?:[\t\r\n>/]| (?!r="))|v[^ />]|is[^ />]|[!?]|[\w.-]+:(?:c|v|is|f|row)[\s/>])'
)
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*+>(?:<f[ />][^<]*+(?:</f>)?)?<(?:v|is)[ />]')
_LETTERS, _DIGITS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0123456789"
_UNSAVED = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*><f[\s/>][^<]*(?:</f>)?(?:<v\s*/>|<v></v>)?</c>')


@dataclass
class SheetScan:
    """What one worksheet really holds: its extent from A1 and the formulas without a saved result."""

    rows: int = 0
    columns: int = 0
    formulas: dict[int, list[int]] = field(default_factory=dict)  # row → columns (1-based)
    formulas_unlisted: int = 0


def column_letters(index: int) -> str:
    """Return the spreadsheet letters of the 1-based column ``index`` (1 → A, 27 → AA)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """Return the 1-based column of spreadsheet ``letters`` (A → 1, AA → 27)."""
    index = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        index = index * 26 + ord(char) - 64
    return index


class SheetScanner:
    """Feed a sheet's XML in blocks; :attr:`scan` holds the result, :class:`RefusalError` stops a bad sheet."""

    def __init__(self, where: str, limits: Limits) -> None:
        self.where, self.limits = where, limits
        self.scan = SheetScan()
        self.row = 0
        self.column = 0
        self.kept_formulas = 0
        self.pending = b""
        self.started = False

    def feed(self, data: bytes, final: bool = False) -> None:
        """Scan ``data``, the next bytes of the sheet (``final`` for the last, possibly empty, block)."""
        buf = self.pending + data
        if not self.started:
            buf = self._start(buf)
            if not self.started and not final:
                self.pending = buf
                return
        cut = len(buf) if final else buf.rfind(b"</row>") + 6
        if cut >= 6:
            block, buf = buf[:cut], buf[cut:]
            if not self._fast(block):
                self._slow(block, final=True)
        if buf and (cut < 6 or len(buf) > MAX_PENDING // 2):  # no whole row (or rows in a namespace, or a
            buf = self._slow(buf, final)  # huge one): the element-by-element pass keeps only a cut element
        self.pending = buf
        if len(self.pending) > MAX_PENDING:
            self._refuse(
                self.row, self.column + 1, "单元格未闭合（文件已损坏）", "a cell is never closed (damaged file)"
            )

    def _start(self, buf: bytes) -> bytes:
        """Drop the XML declaration; refuse a part that is not UTF-8."""
        if len(buf) < 64 and b">" not in buf:
            return buf
        self.started = True
        if buf[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in buf[:64]:
            self._refuse(0, 0, "工作表不是 UTF-8 编码的 XML", "the sheet is not UTF-8 XML")
        found = _DECLARATION.match(buf)
        return buf[found.end() :] if found else buf

    def _check_markup(self, block: bytes) -> None:
        if b"<!" in block or b"<?" in block:
            self._refuse(
                self.row,
                0,
                "工作表含有 XML 注释、CDATA 或处理指令（并非由电子表格软件保存）：请在 Excel 或 WPS 中另存后再导入",
                "the sheet holds XML comments, CDATA or processing instructions (not saved by a spreadsheet "
                "program): save it again in Excel or WPS",
            )

    def _fast(self, block: bytes) -> bool:
        """Scan a block of whole rows in the regex engine; return False when its cells are written unusually
        (or when the block passes a limit, so that the element-by-element pass locates the first cell that does).

        Every cell must start ``<c r="`` and every value tag be ``<v`` or ``<is`` followed by a space, ``/`` or
        ``>``; then one value tag per matched cell proves that no cell with a value was missed.
        """
        if _ODD.search(block) or b"&" in block and _ENTITY.search(block):
            return False
        tags = block.count(b"<v") + block.count(b"<is")
        cells = _VALUE_CELL.findall(block)
        if len(cells) != tags:
            return False
        lim, scan = self.limits, self.scan
        if cells:
            joined = b" ".join(cells)
            rows = max(scan.rows, *map(int, joined.translate(None, _LETTERS).split()))
            letters = set(joined.translate(None, _DIGITS).split())
            columns = max(scan.columns, column_index(max(letters, key=lambda s: (len(s), s))))
            if rows > lim.max_rows or columns > lim.max_columns or rows * columns > lim.max_cells:
                return False
            scan.rows, scan.columns = rows, columns
        if b"<f" in block:
            for letters_, digits_ in _UNSAVED.findall(block):
                self._formula(int(digits_), column_index(letters_))
        last = _ROW_NUMBER.match(block, max(block.rfind(b'<row r="'), 0))
        if last:
            self.row, self.column = int(last.group(1)), 0
        return True

    def _slow(self, buf: bytes, final: bool) -> bytes:
        """Scan ``buf`` element by element; return what must wait for the next block (a cut element)."""
        self._check_markup(buf)
        end = 0
        for match in _TAG.finditer(buf):
            end = match.end()
            if match.group(1):
                found = _ROW.search(match.group(2))
                self.row = int(found.group(1)) if found else self.row + 1
                self.column = 0
            else:
                self._cell(match.group(3), match.group(4))
        if b"&" in buf and (entity := _ENTITY.search(buf, 0, end if not final else len(buf))):
            self._entity(entity.group(0), self.row, 0)
        if final:
            return b""
        start = _START.search(buf, end)
        return buf[start.start() if start else max(buf.rfind(b"<", end), end) :]

    def _cell(self, attrs: bytes, inner: bytes | None) -> None:
        ref = _REF.search(attrs)
        if ref:
            row, column = int(ref.group(2)), column_index(ref.group(1))
        else:
            row, column = self.row, self.column + 1
        self.column = column
        if not inner:
            return
        if b"&" in inner and (entity := _ENTITY.search(inner)):
            self._entity(entity.group(0), row, column)
        if _FORMULA.search(inner) and not _SAVED.search(inner):
            self._formula(row, column)
        if _VALUE.search(inner):
            self._extent(row, column, row, column)

    def _formula(self, row: int, column: int) -> None:
        if self.kept_formulas < self.limits.max_problems:
            self.scan.formulas.setdefault(row, []).append(column)
            self.kept_formulas += 1
        else:
            self.scan.formulas_unlisted += 1

    def _extent(self, row: int, column: int, rows: int, columns: int) -> None:
        """Widen the extent to ``rows`` × ``columns`` (reached at cell ``row``, ``column``) within the limits."""
        lim, scan = self.limits, self.scan
        scan.rows, scan.columns = max(scan.rows, rows), max(scan.columns, columns)
        ref = f"{column_letters(column)}{row}"
        if scan.rows > lim.max_rows:
            self._refuse(
                row,
                column,
                f"工作表用到第 {scan.rows:,} 行（单元格 {ref}），超过上限 {lim.max_rows:,} 行：请删除多余内容或拆分",
                f"the sheet reaches row {scan.rows:,} (cell {ref}), above the limit of {lim.max_rows:,} rows: "
                "delete stray content or split the file",
            )
        if scan.columns > lim.max_columns:
            self._refuse(
                row,
                column,
                f"工作表用到第 {scan.columns:,} 列（单元格 {ref}），超过上限 {lim.max_columns:,} 列",
                f"the sheet reaches column {scan.columns:,} (cell {ref}), above the limit of {lim.max_columns:,}",
            )
        if scan.rows * scan.columns > lim.max_cells:
            area = f"A1:{column_letters(scan.columns)}{scan.rows}"
            cells = scan.rows * scan.columns
            self._refuse(
                row,
                column,
                f"工作表的已用区域 {area} 有 {cells:,} 个单元格，超过上限 {lim.max_cells:,}（最远的单元格 {ref}）",
                f"the sheet's used area {area} has {cells:,} cells, above the limit of {lim.max_cells:,} "
                f"(farthest cell {ref})",
            )

    def _entity(self, entity: bytes, row: int, column: int) -> None:
        text = entity.decode("utf-8", "replace")
        self._refuse(
            row,
            column,
            f"未定义的 XML 实体 {text}（文件已损坏，或并非由电子表格软件保存）",
            f"undefined XML entity {text} (the file is damaged or was not saved by a spreadsheet program)",
        )

    def _refuse(self, row: int, column: int, zh: str, en: str) -> None:
        raise RefusalError(Problem(self.where, row, column, zh, en))
