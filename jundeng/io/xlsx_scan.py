"""Inspect an XLSX/XLSM workbook (a zip of XML parts) before any reader materialises it.

A spreadsheet reader sizes its grid from the cells it finds, so one value at XFD1048576 in a 1.6 KB file
asks for hundreds of gigabytes. This module reads the zip's directory, then streams every XML part once,
without building a tree, and refuses the workbook with a located problem when:

* the zip holds too many members, unpacks to too many bytes, or one large member is packed too tightly
  (a zip bomb); a member whose data does not match its declared size or checksum is damaged;
* any part the reader parses declares a document type (``<!DOCTYPE``, ``<!ENTITY``: entity expansion
  attacks) or uses an entity other than the five predefined ones and character references (``&foo;``);
* a sheet's real extent, from A1 to its farthest cell that holds a value (not what its ``<dimension>``
  claims), exceeds the row, column or cell limits of :mod:`jundeng.io.limits`.

It also notes the cells whose formula has no saved result, which the reader reports.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from jundeng.errors import Problem
from jundeng.io.limits import Deadline, Limits, RefusalError
from jundeng.io.sheet_scan import SheetScan, SheetScanner

CHUNK = 1 << 20
MAX_INDEX_BYTES = 16 << 20  # workbook.xml and relationship parts are parsed whole
_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)([^;\s<&]{0,32};?)")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
# the parts a reader parses (others, such as drawings or custom XML, are only counted in the zip's directory)
_READ_PARTS = re.compile(
    r"(^|/)(workbook\.xml|sharedStrings\.xml|styles\.xml|[^/]*\.rels|worksheets/[^/]+\.xml)$", re.I
)
_WORKSHEET = re.compile(r"(^|/)worksheets/[^/]+\.xml$", re.I)


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n:,} B"


def _refuse(name: str, zh: str, en: str) -> RefusalError:
    return RefusalError(Problem(name, 0, 0, zh, en))


def _check_directory(book: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Refuse a zip with too many members, too large an unpacked size or a member packed too tightly."""
    infos = book.infolist()
    if len(infos) > limits.max_members:
        raise _refuse(
            name,
            f"工作簿包含 {len(infos):,} 个部件，超过上限 {limits.max_members:,}",
            f"the workbook holds {len(infos):,} parts, above the limit of {limits.max_members:,}",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_bytes:
        raise _refuse(
            name,
            f"工作簿解压后为 {_size(total)}，超过上限 {_size(limits.max_bytes)}（压缩炸弹？请拆分文件）",
            f"the workbook unpacks to {_size(total)}, above the limit of {_size(limits.max_bytes)} "
            "(a zip bomb? split the file)",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise _refuse(
                name,
                f"工作簿部件 {info.filename} 的压缩比 {ratio:,.0f}:1 过高（上限 {limits.max_ratio:g}:1），疑为压缩炸弹",
                f"workbook part {info.filename} is packed {ratio:,.0f}:1, above the limit of "
                f"{limits.max_ratio:g}:1 (a zip bomb?)",
            )


def _stream(
    book: zipfile.ZipFile,
    member: str,
    name: str,
    deadline: Deadline,
    scanner: SheetScanner | None = None,
    keep: bool = False,
) -> bytes:
    """Read ``member`` through once, refusing DTDs and undefined entities; return it if ``keep``."""
    kept: list[bytes] = []
    size = 0
    window = b""
    try:
        with book.open(member) as stream:
            while chunk := stream.read(CHUNK):
                deadline.check()
                size += len(chunk)
                window = window[-12:] + chunk
                _check_xml(window, member, name, final=False, entities=scanner is None)
                if scanner is not None:
                    scanner.feed(chunk)
                if keep and size > MAX_INDEX_BYTES:
                    raise _refuse(
                        name,
                        f"工作簿部件 {member} 过大（{_size(size)}）",
                        f"workbook part {member} is too large ({_size(size)})",
                    )
                if keep:
                    kept.append(chunk)
            _check_xml(window, member, name, final=True, entities=scanner is None)
            if scanner is not None:
                scanner.feed(b"", final=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise _refuse(name, f"工作簿已损坏：{exc}", f"the workbook is damaged: {exc}") from exc
    return b"".join(kept)


def _check_xml(window: bytes, member: str, name: str, *, final: bool, entities: bool) -> None:
    """Refuse a DTD or (if ``entities``) an undefined entity in ``window``; its last 12 bytes come again with
    the next window (sheets check their entities cell by cell, to say where)."""
    if _DTD.search(window):
        raise _refuse(
            name,
            f"工作簿部件 {member} 含有 DOCTYPE 或实体声明，不予读取",
            f"workbook part {member} declares a DOCTYPE or entities, which is not allowed",
        )
    entity = _ENTITY.search(window) if entities else None
    if entity and (final or entity.start() <= len(window) - 12):
        text = entity.group(0).decode("utf-8", "replace")
        raise _refuse(
            name,
            f"工作簿部件 {member} 含未定义的 XML 实体 {text}（文件已损坏，或并非由电子表格软件保存）",
            f"workbook part {member} uses the undefined XML entity {text} "
            "(the file is damaged or was not saved by a spreadsheet program)",
        )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(data: bytes, member: str, name: str) -> ElementTree.Element:
    """Parse a small index part (its DTDs were refused while streaming, so no entity is expanded)."""
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _refuse(
            name, f"工作簿部件 {member} 不是合法的 XML：{exc}", f"workbook part {member} is not well-formed XML: {exc}"
        ) from exc


def _targets(parts: dict[str, bytes], rels: str, name: str) -> dict[str, str]:
    """Return relationship id → part path of the relationships part ``rels``."""
    if rels not in parts:
        return {}
    folder = posixpath.dirname(posixpath.dirname(rels))
    found = {}
    for rel in _parse(parts[rels], rels, name).iter():
        target = rel.get("Target")
        if _local(rel.tag) != "Relationship" or not target or rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[rel.get("Id", "")] = posixpath.normpath(path)
    return found


def _sheet_parts(parts: dict[str, bytes], name: str) -> dict[str, str]:
    """Return part path → sheet name for the worksheets that the workbook (the last of ``parts``) lists."""
    workbook = list(parts)[-1]
    if not workbook.endswith(".xml"):
        return {}
    rels = posixpath.join(posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels")
    targets = _targets(parts, rels, name)
    sheets = {}
    for node in _parse(parts[workbook], workbook, name).iter():
        if _local(node.tag) != "sheet":
            continue
        rid = next((v for k, v in node.attrib.items() if _local(k) == "id"), "")
        if rid in targets:
            sheets[targets[rid]] = node.get("name", "")
    return sheets


def scan_workbook(path: Path, name: str, limits: Limits, deadline: Deadline) -> dict[str, SheetScan] | None:
    """Return sheet name → :class:`SheetScan` of an XLSX/XLSM file, ``None`` when it is no zip at all.

    Raise :class:`~jundeng.io.limits.RefusalError` (a located problem) when the workbook is beyond the limits,
    damaged, or uses DTDs or undefined entities.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with book:
        _check_directory(book, name, limits)
        names = [info.filename for info in book.infolist()]
        index = {m: _stream(book, m, name, deadline, keep=True) for m in names if m.endswith(".rels")}
        root = _targets(index, "_rels/.rels", name)
        workbook = next((p for p in root.values() if p in names and p.endswith(".xml")), "xl/workbook.xml")
        if workbook in names:
            index[workbook] = _stream(book, workbook, name, deadline, keep=True)
        sheets = _sheet_parts(index, name) if workbook in index else {}
        scans: dict[str, SheetScan] = {}
        for member in names:
            if member in index:
                continue
            if member in sheets or _WORKSHEET.search(member):
                sheet = sheets.get(member, member)
                scanner = SheetScanner(f"{name}[{sheet}]", limits)
                _stream(book, member, name, deadline, scanner)
                scans[sheet] = scanner.scan
            elif _READ_PARTS.search(member):
                _stream(book, member, name, deadline)
    return scans
