"""Find the real extent of each sheet of an XLS workbook (BIFF5/BIFF8 in an OLE compound file) without
building it.

The reader builds a sheet's whole grid, from A1 to its farthest cell, before anyone can ask how large it
is: a 6 KB XLS with one value at IV65536 costs a gigabyte. This module walks the compound file's sector
tables to the ``Workbook`` stream and reads only the record headers and the row and column of each cell
record that holds a value (blank, styled-only cells do not count, as the reader ignores them), then refuses
a sheet beyond the limits of :mod:`jundeng.io.limits` at its farthest cell. A file it cannot follow (not a
compound file, encrypted, damaged) is left to the reader, which refuses it or bounds it by the format
(65,536 × 256 cells per sheet).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from jundeng.errors import Problem
from jundeng.io.limits import Deadline, Limits, RefusalError
from jundeng.io.sheet_scan import column_letters

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN = 0xFFFFFFFE
LAST_SECTOR = 0xFFFFFFF9  # larger numbers mark free, end-of-chain and table sectors
BOF, EOF, BOUNDSHEET, FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
CELLS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0006, 0x00D6}  # LABELSST, NUMBER, RK, LABEL, BOOLERR …
MULRK = 0x00BD


class _UnreadableError(Exception):
    """The compound file cannot be followed (the reader will say why)."""


@dataclass
class _Compound:
    """Just enough of an OLE compound file to read one stream."""

    data: bytes
    sector: int
    mini_sector: int
    cutoff: int
    fat: tuple[int, ...]

    def chain(self, start: int, table: tuple[int, ...] | None = None) -> list[int]:
        """Return the sector numbers of the chain from ``start`` (a loop or a bad link is unreadable)."""
        table = self.fat if table is None else table
        found: list[int] = []
        while start != END_OF_CHAIN:
            if start >= len(table) or len(found) > len(table):
                raise _UnreadableError
            found.append(start)
            start = table[start]
        return found

    def read(self, start: int, size: int | None = None) -> bytes:
        """Return the stream in the big sectors from ``start`` (cut to ``size``)."""
        s = self.sector
        body = b"".join(self.data[(n + 1) * s : (n + 2) * s] for n in self.chain(start))
        return body if size is None else body[:size]


def _u32s(data: bytes, offset: int, count: int) -> tuple[int, ...]:
    return struct.unpack_from(f"<{count}I", data, offset)


def _open(data: bytes) -> _Compound:
    """Return the compound file in ``data`` with its sector allocation table."""
    if not data.startswith(SIGNATURE) or len(data) < 512:
        raise _UnreadableError
    sector, mini = 1 << struct.unpack_from("<H", data, 0x1E)[0], 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector not in (512, 4096) or mini != 64:
        raise _UnreadableError
    n_fat, cutoff = struct.unpack_from("<I", data, 0x2C)[0], struct.unpack_from("<I", data, 0x38)[0]
    fat_sectors = [n for n in _u32s(data, 0x4C, 109) if n <= LAST_SECTOR]
    next_difat, per = struct.unpack_from("<I", data, 0x44)[0], sector // 4 - 1
    while next_difat <= LAST_SECTOR and len(fat_sectors) < n_fat:
        if (next_difat + 2) * sector > len(data):
            raise _UnreadableError
        entries = _u32s(data, (next_difat + 1) * sector, per + 1)
        fat_sectors += [n for n in entries[:per] if n <= LAST_SECTOR]
        next_difat = entries[per]
    if len(fat_sectors) < n_fat or any((n + 2) * sector > len(data) for n in fat_sectors[:n_fat]):
        raise _UnreadableError
    fat = tuple(e for n in fat_sectors[:n_fat] for e in _u32s(data, (n + 1) * sector, sector // 4))
    return _Compound(data, sector, mini, cutoff, fat)


def _workbook_stream(data: bytes) -> bytes:
    """Return the ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream of the compound file in ``data``."""
    doc = _open(data)
    directory = doc.read(struct.unpack_from("<I", data, 0x30)[0])
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _UnreadableError
    for entry in entries:
        length = min(struct.unpack_from("<H", entry, 64)[0], 64)
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if entry[66] != 2 or name not in ("Workbook", "Book"):
            continue
        start, size = struct.unpack_from("<II", entry, 116)
        if size >= doc.cutoff:
            return doc.read(start, size)
        root_start, root_size = struct.unpack_from("<II", entries[0], 116)
        mini_stream = doc.read(root_start, root_size)
        first_mini, n_mini = struct.unpack_from("<II", data, 0x3C)
        mini_fat_bytes = doc.read(first_mini)[: n_mini * doc.sector]
        mini_fat = _u32s(mini_fat_bytes, 0, len(mini_fat_bytes) // 4)
        body = b"".join(mini_stream[n * 64 : (n + 1) * 64] for n in doc.chain(start, mini_fat))
        return body[:size]
    raise _UnreadableError


def _sheet_names(stream: bytes) -> dict[int, str]:
    """Return stream offset of each sheet's BOF → sheet name, from the BOUNDSHEET records."""
    names: dict[int, str] = {}
    pos, biff8 = 0, True
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        if kind == BOF and pos == 0 and len(body) >= 2:
            biff8 = struct.unpack_from("<H", body)[0] >= 0x0600
        elif kind == BOUNDSHEET and len(body) >= 7:
            count = body[6]
            wide = biff8 and len(body) > 7 and body[7] & 1
            raw = body[8 : 8 + count * 2] if wide else body[8 if biff8 else 7 :][:count]
            names[struct.unpack_from("<I", body)[0]] = raw.decode("utf-16-le" if wide else "latin-1", "replace")
        elif kind == EOF:
            break
        pos += 4 + length
    return names


def scan_xls(data: bytes, name: str, limits: Limits, deadline: Deadline) -> None:
    """Raise :class:`RefusalError` when a sheet of the XLS workbook ``data`` reaches beyond ``limits``."""
    try:
        stream = _workbook_stream(data)
        names = _sheet_names(stream)
    except (_UnreadableError, struct.error, IndexError):
        return
    pos, depth, sheet, rows, columns, records = 0, 0, "", 0, 0, 0
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == FILEPASS:
            return
        if kind == BOF:
            if depth == 0:  # a chart's substream inside a sheet does not start a new sheet
                sheet, rows, columns = names.get(pos, "?"), 0, 0
            depth += 1
        elif kind == EOF:
            depth = max(depth - 1, 0)
        elif (kind in CELLS or kind == MULRK) and length >= 4 and pos + 4 + length <= len(stream):
            row, first = struct.unpack_from("<HH", stream, pos + 4)
            last = struct.unpack_from("<H", stream, pos + 2 + length)[0] if kind == MULRK else first
            if row + 1 > rows or last + 1 > columns:
                rows, columns = max(rows, row + 1), max(columns, last + 1)
                _check(f"{name}[{sheet}]", row + 1, last + 1, rows, columns, limits)
        records += 1
        if records % 100_000 == 0:
            deadline.check()
        pos += 4 + length


def _check(where: str, row: int, column: int, rows: int, columns: int, limits: Limits) -> None:
    if rows <= limits.max_rows and columns <= limits.max_columns and rows * columns <= limits.max_cells:
        return
    area = f"A1:{column_letters(columns)}{rows}"
    raise RefusalError(
        Problem(
            where,
            row,
            column,
            f"工作表的已用区域 {area} 超过上限（{limits.max_rows:,} 行、{limits.max_columns:,} 列、"
            f"{limits.max_cells:,} 个单元格；最远的单元格 {column_letters(column)}{row}）",
            f"the sheet's used area {area} is above the limits ({limits.max_rows:,} rows, "
            f"{limits.max_columns:,} columns, {limits.max_cells:,} cells; farthest cell "
            f"{column_letters(column)}{row})",
        )
    )
