"""Hostile and broken files through the real import: each is refused fast with a located, bilingual problem (or
handled), never a crash, a runaway allocation or a 500; and nothing is written.

The hostile workbooks are a few hundred bytes written with ``zipfile`` (see ``tests/io/test_tables.py``, which
also reads the worst of them in a child process under an address-space limit).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from jundeng.io.limits import total_problems
from jundeng.services.observations import ImportReport, import_files, import_population
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, ImportBatchRow, ObservationRow
from tests.conftest import write
from tests.io.test_tables import corner_xlsx, data_row, inline, row_xml, sheet_xml, write_xlsx, xls

HEAD = "indicator,region,period,value,note\n"
LAUGHS = '<!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def snapshot(db: Database) -> tuple[int, ...]:
    """Return the counts of observations, import batches and audit rows."""
    with db.session() as session:
        tables = (ObservationRow, ImportBatchRow, AuditRow)
        return tuple(session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables)


def refused(db: Database, path: Path) -> list[str]:
    """Import ``path``; check it was refused within 2 s without writing; return its error messages."""
    before = snapshot(db)
    start = time.monotonic()
    report = import_files(db, [path], user="tester")
    assert time.monotonic() - start < 2
    assert not report.accepted and snapshot(db) == before
    messages = [str(p) for p in report.errors]
    assert all(" / " in m for m in messages), "every message is given in Chinese and English"
    return messages


def sparse(path: Path) -> Path:
    return write_xlsx(path, sheet_xml(row_xml(1) + row_xml(1048576, [inline("Z1048576", "x")])))


def bomb(path: Path) -> Path:
    return write_xlsx(path, sheet_xml(row_xml(1) + data_row(2) + " " * 11_000_000))


def entity(path: Path) -> Path:
    return write_xlsx(path, sheet_xml(row_xml(1) + row_xml(2, [inline("A2", "BEDS"), inline("B2", "&foo;")])))


def laughs(path: Path) -> Path:
    return write_xlsx(path, sheet_xml(row_xml(1) + row_xml(2, [inline("A2", "&b;")]), prolog=LAUGHS))


def corner_xls(path: Path) -> Path:
    return xls(path, (65535, 255))


def mixed(path: Path) -> Path:
    path.write_bytes((HEAD + "BEDS,440402,2016,4,香洲\n").encode() + "BEDS,440403,2016,4,斗门\n".encode("gbk"))
    return path


def nul(path: Path) -> Path:
    return write(path, HEAD + "BEDS,440402,2016,4,正常\nBEDS,440403,2016,4,坏\x00值\n")


# (file name, builder, where the first error is, what it says)
CASES: list[tuple[str, Callable[[Path], Path], str, str]] = [
    ("corner.xlsx", corner_xlsx, "corner.xlsx[数据]:1048576:16384", "above the limit of 1,000,000 rows"),
    ("corner.xls", corner_xls, "corner.xls[数据]:65536:256", "farthest cell IV65536"),
    ("sparse.xlsx", sparse, "sparse.xlsx[数据]:1048576:26", "reaches row 1,048,576 (cell Z1048576)"),
    ("bomb.xlsx", bomb, "bomb.xlsx:0:0", "疑为压缩炸弹"),
    ("entity.xlsx", entity, "entity.xlsx[数据]:2:2", "undefined XML entity &foo;"),
    ("laughs.xlsx", laughs, "laughs.xlsx:0:0", "declares a DOCTYPE or entities"),
    ("mixed.csv", mixed, "mixed.csv:3:20", "line 2 is UTF-8 but this byte is not"),
    ("nul.csv", nul, "nul.csv:3:5", "control character U+0000"),
]


@pytest.mark.parametrize(("name", "build", "where", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hostile_file_is_refused_fast_and_located(
    sqlite_db: Database, tmp_path: Path, name: str, build: Callable[[Path], Path], where: str, expected: str
) -> None:
    messages = refused(sqlite_db, build(tmp_path / name))
    assert messages[0].startswith(f"{where}: ") and expected in messages[0], messages


def test_control_characters_never_reach_the_database(db: Database, tmp_path: Path) -> None:
    """A NUL in a note was stored on SQLite (breaking later XLSX exports) and a 500 on PostgreSQL."""
    assert [m.split(": ")[0] for m in refused(db, nul(tmp_path / "nul.csv"))] == ["nul.csv:3:5"]
    bell = write_xlsx(tmp_path / "bell.xlsx", sheet_xml(row_xml(1) + data_row(2).replace("440402", "44_x0007_0402")))
    assert {m.split(": ")[0] for m in refused(db, bell)} == {"bell.xlsx[数据]:2:2"}  # and an unknown region
    population = write(tmp_path / "pop.csv", "region,year,resident,group\n440402,2016,1000,\n440403,2016,2000,a\x1b\n")
    before = snapshot(db)
    report = import_population(db, population, user="tester")
    assert [str(p).split(": ")[0] for p in report.errors] == ["pop.csv:3:4"] and snapshot(db) == before
    assert "U+001B" in report.errors[0].en


def with_previous_year(db: Database, tmp_path: Path) -> None:
    """Store 2015's values, so that importing 2016 checks jumps against them."""
    good = write(tmp_path / "2015.csv", HEAD + "BEDS,440402,2015,4,\nBEDS,440403,2015,4,\n")
    assert import_files(db, [good], user="tester").written == 2


def test_formula_without_a_saved_result_is_located_not_a_crash(db: Database, tmp_path: Path) -> None:
    """The jump check used to fail with a polars SchemaError when every row's value was an unsaved formula."""
    with_previous_year(db, tmp_path)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据"
    sheet.append(["indicator", "region", "period", "value"])
    sheet.append(["BEDS", "440402", "2016", "=1+1"])
    book.save(tmp_path / "formula.xlsx")
    messages = refused(db, tmp_path / "formula.xlsx")
    assert [m.split(": ")[0] for m in messages] == ["formula.xlsx[数据]:2:4"]
    assert "公式没有保存计算结果" in messages[0]


def test_a_file_of_blank_values_imports_nothing_and_says_so(db: Database, tmp_path: Path) -> None:
    """Rows with an indicator, region and period but no value used to crash the jump check."""
    with_previous_year(db, tmp_path)
    before = snapshot(db)
    blank = write(tmp_path / "blank.csv", HEAD + "BEDS,440402,2016,,\nBEDS,440403,2016, ,\n")
    report = import_files(db, [blank], user="tester")
    assert report.accepted and report.written == 0 and report.skipped_empty == 2 and snapshot(db) == before
    assert [str(w).split(": ")[0] for w in report.warnings] == ["blank.csv:2:4"]


def test_the_problems_of_a_file_of_bad_rows_are_capped(sqlite_db: Database, tmp_path: Path) -> None:
    """1M bad rows used to come back as 182 MB of errors; every reader now lists 1000 and counts the rest."""
    rows = "".join(f"NOPE{i},440402,2016,abc,\n" for i in range(20_000))
    report: ImportReport = import_files(sqlite_db, [write(tmp_path / "bad.csv", HEAD + rows)], user="tester")
    assert len(report.problems) == 1001 and total_problems(report.problems) == 40_000
    assert report.problems[-1].row == 0 and "另有 39000 处问题未列出" in str(report.problems[-1])
    assert "39000 more problems not listed" in report.problems[-1].en
    ragged = "".join(f"BEDS,440402,2016,{i}\n" for i in range(5000))
    report = import_files(sqlite_db, [write(tmp_path / "ragged.csv", HEAD + ragged)], user="tester")
    assert len(report.errors) == 1001 and total_problems(report.errors) == 5001  # and "no data rows"


def test_a_dimension_claim_alone_is_harmless(sqlite_db: Database, tmp_path: Path) -> None:
    """The reader sizes a sheet by its cells, not by what <dimension> claims: this file imports as usual."""
    path = write_xlsx(tmp_path / "claim.xlsx", sheet_xml(row_xml(1) + data_row(2), dimension="A1:XFD1048576"))
    report = import_files(sqlite_db, [path], user="tester", dry_run=True)
    assert report.accepted and report.rows_read == 1 and not report.problems
