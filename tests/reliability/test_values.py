"""Bad values through the real import: non-finite numbers, misplaced thousands separators, negative or fractional
counts, impossible populations and years are refused where they stand; standard grouping is read correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.services.observations import import_files, import_population, table
from jundeng.store.db import Database
from tests.conftest import write

HEAD = "indicator,region,period,value\n"


# (a row of the file, the column of the error, what it says); DOCTORS counts people (unit 人), BEDS does not
OBSERVATIONS = [
    ("BEDS,440402,2016,1e309", 4, "不是有限的数值: '1e309' / not a finite number: '1e309'"),
    ("BEDS,440402,2016,inf", 4, "not a finite number: 'inf'"),
    ("BEDS,440402,2016,-Infinity", 4, "not a finite number: '-Infinity'"),
    ("BEDS,440402,2016,NaN", 4, "not a finite number: 'NaN'"),
    ('BEDS,440402,2016,"12,34"', 4, "千位分隔符用法不对: '12,34'"),
    ('BEDS,440402,2016,"1,2345"', 4, "misplaced thousands separator in '1,2345'"),
    ("DOCTORS,440402,2016,-3", 4, "计数不能为负: -3 人 / a count cannot be negative: -3 人"),
    ("DOCTORS,440402,2016,12.5", 4, "计数须为整数: 12.5 人 / a count must be a whole number: 12.5 人"),
]


@pytest.mark.parametrize(("row", "column", "expected"), OBSERVATIONS, ids=[r[0] for r in OBSERVATIONS])
def test_bad_value_is_refused_where_it_stands(
    sqlite_db: Database, tmp_path: Path, row: str, column: int, expected: str
) -> None:
    report = import_files(sqlite_db, [write(tmp_path / "v.csv", HEAD + row + "\n")], user="t", dry_run=True)
    messages = [str(p) for p in report.errors]
    assert len(messages) == 1 and messages[0].startswith(f"v.csv:2:{column}: ") and expected in messages[0], messages


def test_standard_grouping_is_read_as_thousands(db: Database, tmp_path: Path) -> None:
    """``12,34`` used to be stored as 1234; ``1,234,567`` still means 1234567."""
    rows = 'DOCTORS,440402,2016,"1,234,567"\nDOCTORS,440403,2016,"２,000"\nBEDS,440404,2016,"4，100.5"\n'
    report = import_files(db, [write(tmp_path / "g.csv", HEAD + rows)], user="t")
    assert [str(p).split(": ")[0] for p in report.errors] == ["g.csv:3:4"]  # a full-width digit is no digit
    report = import_files(db, [write(tmp_path / "g.csv", HEAD + rows.replace("２", "2"))], user="t")
    assert report.accepted and report.written == 3
    values = dict(table(db).select("region", "value").iter_rows())
    assert values == {"440402": 1234567.0, "440403": 2000.0, "440404": 4100.5}


POPULATION = [
    ("440402,2016,1e400", 3, "not a finite number: '1e400'"),
    ("440402,2016,12.5", 3, "人口须为整数: '12.5' / a population is a whole number: '12.5'"),
    ("440402,2016,-5", 3, "population cannot be negative"),
    ('440402,2016,"12,34"', 3, "misplaced thousands separator"),
    ("440402,2099,5", 2, "bad year '2099': a whole number from 1949 to"),
    ("440402,inf,5", 2, "年份无效 'inf'"),
    ("440402,2016.5,5", 2, "bad year '2016.5'"),
    ("440402,1800,5", 2, "bad year '1800'"),
]


@pytest.mark.parametrize(("row", "column", "expected"), POPULATION, ids=[r[0] for r in POPULATION])
def test_bad_population_is_refused_where_it_stands(
    sqlite_db: Database, tmp_path: Path, row: str, column: int, expected: str
) -> None:
    path = write(tmp_path / "pop.csv", "region,year,resident\n" + row + "\n")
    report = import_population(sqlite_db, path, user="t", dry_run=True)
    messages = [str(p) for p in report.errors]
    assert len(messages) == 1 and messages[0].startswith(f"pop.csv:2:{column}: ") and expected in messages[0]


def test_good_population_with_grouping_is_stored(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "pop.csv", 'region,year,resident,registered\n440402,2016,"1,234,567",1000\n')
    report = import_population(db, path, user="t")
    assert report.accepted and report.written == 1
