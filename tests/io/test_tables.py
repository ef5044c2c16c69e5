"""Readers of user tables under hostile input: limits checked before anything large is built, located refusals.

Hostile workbooks are written here by hand with ``zipfile`` (a few hundred bytes each); nothing in this file
allocates much memory: the one read that used to abort the process runs in a child with a 1.5 GB address-space
limit.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import xlwt

from jundeng.errors import JundengError, Problem
from jundeng.io.encodings import decode_bytes
from jundeng.io.limits import Limits, ProblemLog, Unlisted, cap_problems, total_problems
from jundeng.io.sheet_scan import SheetScan, SheetScanner, column_index, column_letters
from jundeng.io.tables import read_table_file

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["indicator", "region", "period", "value"]


def inline(ref: str, text: str) -> str:
    """Return an inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row_xml(number: int, cells: list[str] | None = None) -> str:
    """Return row ``number`` holding ``cells`` (the header by default: indicator, region, period, value)."""
    if cells is None:
        cells = [inline(f"{column_letters(i)}{number}", h) for i, h in enumerate(HEADER, start=1)]
    return f'<row r="{number}">{"".join(cells)}</row>'


def sheet_xml(rows: str, *, dimension: str = "", prolog: str = "") -> str:
    """Return a worksheet part around ``rows`` (with an optional ``<dimension>`` claim and prolog)."""
    claim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<worksheet xmlns="{MAIN}">{claim}<sheetData>{rows}</sheetData></worksheet>'
    )


def write_xlsx(path: Path, sheet: str | bytes, *, extra: dict[str, bytes] | None = None) -> Path:
    """Write a minimal XLSX with one sheet named 数据 holding the part ``sheet``; return the path."""
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def data_row(number: int, value: str = "4.1") -> str:
    """Return a data row: BEDS for district 440402 in 2016 with a numeric ``value``."""
    cells = [inline(f"A{number}", "BEDS"), inline(f"B{number}", "440402"), inline(f"C{number}", "2016")]
    return row_xml(number, [*cells, f'<c r="D{number}"><v>{value}</v></c>'])


def corner_xlsx(path: Path) -> Path:
    """The 1.6 KB file that used to ask for hundreds of gigabytes: one value at XFD1048576."""
    return write_xlsx(path, sheet_xml(row_xml(1) + row_xml(1048576, [inline("XFD1048576", "x")])))


def refusal(path: Path) -> str:
    """Read ``path`` (in well under 2 s) and return its only problem, which must refuse the whole file."""
    start = time.monotonic()
    tables, problems = read_table_file(path)
    assert time.monotonic() - start < 2
    assert not tables and len(problems) == 1, problems
    return str(problems[0])


def test_column_letters_and_indexes_round_trip() -> None:
    for index, letters in [(1, "A"), (26, "Z"), (27, "AA"), (16384, "XFD")]:
        assert column_letters(index) == letters and column_index(letters) == index


def test_one_far_cell_aborted_the_process_now_it_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    path = corner_xlsx(tmp_path / "corner.xlsx")
    assert path.stat().st_size < 2000
    child = f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
        from jundeng.io.tables import read_table_file
        tables, problems = read_table_file({str(path)!r})
        print(len(tables), problems[0])
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(child)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("0 corner.xlsx[数据]:1048576:16384: ")
    assert "超过上限 1,000,000 行" in done.stdout and "above the limit of 1,000,000 rows" in done.stdout


@pytest.mark.parametrize(
    ("rows", "where", "expected"),
    [
        (row_xml(1) + row_xml(1048576, [inline("Z1048576", "x")]), "1048576:26", "reaches row 1,048,576"),
        (row_xml(1) + row_xml(2, [inline("HB2", "x")]), "2:210", "reaches column 210 (cell HB2)"),
        (row_xml(1) + row_xml(150000, [inline("GR150000", "x")]), "150000:200", "A1:GR150000 has 30,000,000 cells"),
        # cells without r="…" are placed by their order, as the reader places them
        ("<row>" + '<c t="inlineStr"><is><t>a</t></is></c>' * 3 + '</row><row r="1000001"><c><v>1</v></c></row>',
         "1000001:1", "reaches row 1,000,001"),
        # a value tag written unusually cannot hide a far cell from the fast pass
        (row_xml(1) + row_xml(3, ['<c r="A3"><v\t>1</v></c>', '<c r="XFD3"><extLst/><v>1</v></c>']),
         "3:16384", "reaches column 16,384"),
        ('<x:row r="1"><x:c r="XFD1" t="n"><x:v>1</x:v></x:c></x:row>', "1:16384", "reaches column 16,384"),
    ],
    ids=["sparse-1m-by-26", "too-wide", "too-many-cells", "cells-without-r", "odd-value-tag", "prefixed"],
)  # fmt: skip
def test_sheets_beyond_the_limits_are_refused_at_their_farthest_cell(
    tmp_path: Path, rows: str, where: str, expected: str
) -> None:
    path = write_xlsx(tmp_path / "far.xlsx", sheet_xml(rows).replace("<worksheet ", f'<worksheet xmlns:x="{MAIN}" '))
    message = refusal(path)
    assert message.startswith(f"far.xlsx[数据]:{where}: ") and expected in message, message


def test_a_dimension_claim_or_a_styled_far_cell_costs_nothing(tmp_path: Path) -> None:
    styled = '<row r="1048576"><c r="XFD1048576" s="1"/></row><row r="1048575"><c r="XFD1048575"><f>1</f></c></row>'
    path = write_xlsx(tmp_path / "claim.xlsx", sheet_xml(row_xml(1) + data_row(2) + styled, dimension="A1:XFD1048576"))
    start = time.monotonic()
    tables, problems = read_table_file(path)
    assert time.monotonic() - start < 2
    assert not problems and tables[0].header == HEADER and tables[0].rows == [["BEDS", "440402", "2016", "4.1"]]


def test_formulas_without_a_saved_result_are_located(tmp_path: Path) -> None:
    rows = row_xml(1) + data_row(2) + data_row(3, "").replace("<v></v>", "<f>D2*2</f><v></v>")
    rows += row_xml(4, [inline("A4", "BEDS"), inline("B4", "440403"), inline("C4", "2016"), '<c r="D4"><f>1</f></c>'])
    tables, problems = read_table_file(write_xlsx(tmp_path / "f.xlsx", sheet_xml(rows)))
    assert [(p.row, p.column) for p in problems] == [(3, 4), (4, 4)]
    assert all("公式没有保存计算结果" in p.zh for p in problems)
    assert tables[0].row_numbers == [2, 3, 4]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        (sheet_xml(row_xml(1) + row_xml(2, [inline("A2", "&foo;")])), "[数据]:2:1: 未定义的 XML 实体 &foo;"),
        (
            sheet_xml(
                row_xml(1) + row_xml(2, [inline("A2", "&lol3;")]),
                prolog='<!DOCTYPE z [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
            ),
            "declares a DOCTYPE or entities",
        ),
        (sheet_xml(row_xml(1) + "<!-- </c> -->" + data_row(2)), "XML comments, CDATA"),
        (sheet_xml(row_xml(1)).encode("utf-16"), "not UTF-8 XML"),
    ],
    ids=["undefined-entity", "billion-laughs", "comment", "utf-16"],
)
def test_xml_tricks_are_refused_before_the_reader_parses_them(tmp_path: Path, part: str | bytes, expected: str) -> None:
    assert expected in refusal(write_xlsx(tmp_path / "x.xlsx", part))


def test_undefined_entity_in_shared_strings_is_refused(tmp_path: Path) -> None:
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>&bar;</t></si></sst>'.encode()
    path = write_xlsx(tmp_path / "s.xlsx", sheet_xml(row_xml(1)), extra={"xl/sharedStrings.xml": strings})
    assert "xl/sharedStrings.xml uses the undefined XML entity &bar;" in refusal(path)


def test_zip_bombs_and_crowded_zips_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = sheet_xml(row_xml(1) + " " * 12_000_000).encode()  # ~12 MB that packs into ~12 KB
    message = refusal(write_xlsx(tmp_path / "bomb.xlsx", bomb))
    assert message.startswith("bomb.xlsx:0:0: ") and "is packed" in message and "a zip bomb?" in message
    monkeypatch.setenv("JUNDENG_MAX_BYTES", "10000")
    path = write_xlsx(tmp_path / "big.xlsx", sheet_xml(row_xml(1) + " " * 20_000))
    assert "big.xlsx:0:0: " in refusal(path) and "unpacks to" in refusal(path)
    monkeypatch.setenv("JUNDENG_MAX_BYTES", "200000000")
    monkeypatch.setenv("JUNDENG_MAX_MEMBERS", "5")
    extra = {f"xl/media/{i}.bin": b"" for i in range(3)}
    assert "holds 8 parts" in refusal(write_xlsx(tmp_path / "many.xlsx", sheet_xml(row_xml(1)), extra=extra))


def test_a_member_larger_than_its_header_says_is_damaged(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "lie.xlsx", sheet_xml(row_xml(1) + data_row(2) * 2000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    true_size = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = fake  # the local header …
    central = bytes(data).rfind(b"xl/worksheets/sheet1.xml") - 46
    assert data[central + 24 : central + 28] == true_size
    data[central + 24 : central + 28] = fake  # … and the central directory both claim 1000 bytes
    path.write_bytes(bytes(data))
    assert "the workbook is damaged" in refusal(path)


def xls(path: Path, far: tuple[int, int], rows: int = 0) -> Path:
    """Write an XLS with an instructions sheet, then 数据: the header, ``rows`` rows of numbers and one far cell."""
    book = xlwt.Workbook()
    book.add_sheet("说明").write(0, 0, "填报说明")
    sheet = book.add_sheet("数据")
    for col, name in enumerate(HEADER):
        sheet.write(0, col, name)
    for row in range(1, rows + 1):
        for col, value in enumerate(["BEDS", "440402", 2016, row + 0.5]):
            sheet.write(row, col, value)
    sheet.write(*far, "far")
    if far[0] < 65535:  # a styled blank beyond: the reader ignores it
        sheet.write(far[0] + 5, far[1] + 5, None, xlwt.easyxf("pattern: pattern solid, fore_colour yellow"))
    book.save(str(path))
    return path


def test_xls_sheets_are_bounded_by_size_and_real_extent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corner = xls(tmp_path / "corner.xls", (65535, 255))  # 6 KB that the reader would make a 16.7M-cell grid of
    assert corner.stat().st_size < 10_000
    message = refusal(corner)
    assert message.startswith("corner.xls[数据]:65536:256: ") and "farthest cell IV65536" in message
    big = xls(tmp_path / "big.xls", (3000, 3), rows=2000)
    assert big.stat().st_size > 8192  # its records live in the big sectors, not the mini stream
    tables, problems = read_table_file(big)
    assert not problems and len(tables[0].rows) == 2001
    monkeypatch.setenv("JUNDENG_MAX_ROWS", "2500")
    message = refusal(big)  # the styled blank beyond the far cell does not count
    assert message.startswith("big.xls[数据]:3001:4: ") and "farthest cell D3001" in message
    monkeypatch.setenv("JUNDENG_MAX_BYTES", "1000")
    assert "bytes, above the limit of 1,000" in refusal(big)


def test_control_characters_are_refused_in_csv_and_xlsx_cells(tmp_path: Path) -> None:
    csv_path = tmp_path / "nul.csv"
    csv_path.write_bytes(b"indicator,region,period,value,note\nBEDS,440402,2016,4,a\x00b\nBEDS,440403,2016,4,\tok\n")
    tables, problems = read_table_file(csv_path)
    assert [str(p).split(" / ")[0] for p in problems] == [
        "nul.csv:2:5: 单元格含有控制字符 U+0000（不可见字符，如 NUL）：请删除后再导入"
    ]
    rows = row_xml(1) + row_xml(2, [inline("A2", "BEDS"), inline("B2", "4404_x0007_02")])
    _, problems = read_table_file(write_xlsx(tmp_path / "bell.xlsx", sheet_xml(rows)))
    assert [(p.file, p.row, p.column) for p in problems] == [("bell.xlsx[数据]", 2, 2)] and "U+0007" in problems[0].en


def test_csv_files_are_bounded_by_size_rows_and_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "long.csv"
    path.write_text("indicator,region,period,value\n" + "BEDS,440402,2016,4\n" * 20, encoding="utf-8")
    monkeypatch.setenv("JUNDENG_MAX_ROWS", "10")
    tables, problems = read_table_file(path)
    assert [str(p).split(": ")[0] for p in problems] == ["long.csv:12:1"] and "more than 10 rows" in problems[0].en
    monkeypatch.setenv("JUNDENG_MAX_COLUMNS", "3")
    assert refusal(path).startswith("long.csv:1:4: ")
    monkeypatch.setenv("JUNDENG_MAX_BYTES", "100")
    assert "long.csv:0:0: " in refusal(path)
    monkeypatch.setenv("JUNDENG_MAX_SECONDS", "1e-9")
    monkeypatch.setenv("JUNDENG_MAX_BYTES", "1000")
    monkeypatch.setenv("JUNDENG_MAX_COLUMNS", "10")
    assert "reading took longer than 1e-09 s" in refusal(path)


def test_a_file_mixing_utf8_and_gbk_is_refused_where_utf8_stops() -> None:
    data = "指标代码,区划代码\n".encode() + "床位,香洲区\n".encode("gbk")
    text, problems = decode_bytes(data, "mixed.csv")
    assert text == "" and [(p.row, p.column) for p in problems] == [(2, 1)]
    assert "第 1 行是 UTF-8" in problems[0].zh and "mixes encodings" in problems[0].en
    gbk = "指标代码,区划代码,期间,数值\n床位,香洲区,2016,4\n".encode("gbk")
    assert decode_bytes(gbk, "gbk.csv") == (gbk.decode("gbk"), [])


def test_limits_come_from_the_environment_and_bad_values_are_refused() -> None:
    assert Limits.from_env({}) == Limits()
    limits = Limits.from_env({"JUNDENG_MAX_ROWS": "5_000", "JUNDENG_MAX_SECONDS": "2.5"})
    assert limits.max_rows == 5000 and limits.max_seconds == 2.5
    for bad in ("-1", "many", "0"):
        with pytest.raises(JundengError, match="JUNDENG_MAX_CELLS"):
            Limits.from_env({"JUNDENG_MAX_CELLS": bad})


def test_problem_log_keeps_the_first_problems_and_counts_the_rest() -> None:
    problems = [Problem("f.csv", row, 4, "错", "bad") for row in range(2, 2002)]
    capped = cap_problems(problems, 1000)
    assert len(capped) == 1001 and capped[:1000] == problems[:1000] and total_problems(capped) == 2000
    assert str(capped[-1]) == (
        "f.csv:0:0: 另有 1000 处问题未列出（只列出前 1000 处） / 1000 more problems not listed (only the first 1000 "
        "are shown)"
    )
    log = ProblemLog(2)
    log.extend(problems[:1])
    log.count(5, Problem("f.csv", 0, 0, "", "", "warning"))
    zh, en = "另有 5 处问题未列出（只列出前 1 处）", "5 more problems not listed (only the first 1 are shown)"
    assert log.result() == [*problems[:1], Unlisted("f.csv", 0, 0, zh, en, "warning", more=5)]
    assert cap_problems(problems[:3], 1000) == problems[:3]
    merged = cap_problems(capped + capped, 1500)  # two capped files: the second's closing line is counted
    assert len(merged) == 1501 and total_problems(merged) == 4000


@pytest.mark.parametrize("prefix", ["", "x:"], ids=["plain", "prefixed"])
def test_the_sheet_scan_does_not_depend_on_where_the_blocks_are_cut(prefix: str) -> None:
    rows = "".join(data_row(n, f"{n}.5") for n in range(2, 400)) + row_xml(400, [inline("AD400", "far")])
    rows += data_row(401, "").replace("<v></v>", "<f>1</f>")
    part = sheet_xml(row_xml(1) + rows).replace("<worksheet ", f'<worksheet xmlns:x="{MAIN}" ').encode()
    if prefix:
        part = re.sub(rb"<(/?)(row|c|v|is|t|f)([ >])", rb"<\1x:\2\3", part)
    expected = SheetScan(rows=401, columns=30, formulas={401: [4]})
    for size in (len(part), 4096, 97, 7):
        scanner = SheetScanner("s.xlsx[数据]", Limits())
        for start in range(0, len(part), size):
            scanner.feed(part[start : start + size])
        scanner.feed(b"", final=True)
        assert scanner.scan == expected, size


def test_a_sheet_stored_where_the_workbook_says_is_scanned_too(tmp_path: Path) -> None:
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/worksheet" Target="/xl/elsewhere/s.xml"/></Relationships>'
    )
    far = sheet_xml(row_xml(1) + row_xml(2, [inline("XFD2", "x")])).encode()
    extra = {"xl/_rels/workbook.xml.rels": rels.encode(), "xl/elsewhere/s.xml": far}
    path = write_xlsx(tmp_path / "moved.xlsx", sheet_xml(row_xml(1)), extra=extra)
    assert refusal(path).startswith("moved.xlsx[数据]:2:16384: ")


def test_a_row_larger_than_the_blocks_is_scanned_whole() -> None:
    text = "长" * 30_000  # 90 KB a cell, 20 cells: a row of 1.8 MB
    cells = [inline(f"{column_letters(c)}2", text) for c in range(1, 21)]
    part = sheet_xml(row_xml(1) + row_xml(2, cells) + data_row(3)).encode()
    scanner = SheetScanner("s.xlsx[数据]", Limits())
    for start in range(0, len(part), 100_000):
        scanner.feed(part[start : start + 100_000])
        assert len(scanner.pending) < 200_000
    scanner.feed(b"", final=True)
    assert (scanner.scan.rows, scanner.scan.columns) == (3, 20)
