"""A corpus of malformed observation files: each is rejected with its located message, changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook
from sqlalchemy import func, select

from jundeng.catalogs import zhuhai_regions
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.errors import ConflictError
from jundeng.services.observations import decide, import_files, review, selected
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, ImportBatchRow, ObservationRow

HEAD = "indicator,region,period,value,numerator,denominator\n"
GOOD = "BEDS,440402,2016,4.1,,\n"


def csv_file(body: str, encoding: str = "utf-8", head: str = HEAD) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes((head + body).encode(encoding))
        return path

    return build


def raw_file(data: bytes) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return build


def truncated_big_file(path: Path) -> Path:
    villages = [r.code for r in zhuhai_regions() if r.level == "village"]
    rows = "".join(f"BEDS,{v},{year},{i % 7 + 1}.5,,\n" for i, v in enumerate(villages) for year in range(2013, 2018))
    text = HEAD + rows
    text = text[: len(text) - 6]  # cut the last row in the middle
    path.write_text(text, encoding="utf-8")
    return path


def xlsx(build_sheet: Callable[[object], None]) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        book = Workbook()
        sheet = book.active
        build_sheet(sheet)
        book.save(path)
        return path

    return build


def merged(sheet: object) -> None:
    sheet.append(["指标代码", "区划代码", "期间", "数值"])  # type: ignore[attr-defined]
    sheet.append(["BEDS", "440402", "2016", 4.1])  # type: ignore[attr-defined]
    sheet.append([None, "440403", "2016", 3.2])  # type: ignore[attr-defined]
    sheet.merge_cells("A2:A3")  # type: ignore[attr-defined]


def formula(sheet: object) -> None:
    sheet.append(["indicator", "region", "period", "value"])  # type: ignore[attr-defined]
    sheet.append(["BEDS", "440402", "2016", 4.1])  # type: ignore[attr-defined]
    sheet.append(["BEDS", "=B2", "2016", 3.0])  # type: ignore[attr-defined]


def empty_sheet(sheet: object) -> None:
    return None


def xls_bad_value(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("数据")
    for col, name in enumerate(["indicator", "region", "period", "value"]):
        sheet.write(0, col, name)
    for col, value in enumerate(["BEDS", "440402", "2016", "四点一"]):
        sheet.write(1, col, value)
    book.save(str(path))
    return path


# (file name, builder, row, column, expected text)
CASES: list[tuple[str, Callable[[Path], Path], int, int, str]] = [
    ("unknown-indicator.csv", csv_file("NOPE,440402,2016,1,,\n"), 2, 1, "未知的指标代码 'NOPE'"),
    ("unknown-region.csv", csv_file(GOOD + "BEDS,449999,2016,1,,\n"), 3, 2, "unknown region code '449999'"),
    ("non-numeric.csv", csv_file("BEDS,440402,2016,abc,,\n"), 2, 4, "不是数值: 'abc'"),
    ("pct-over-100.csv", csv_file("DROPOUT,440402,2016,120,,\n"), 2, 4, "超出有效范围 [0, 100]"),
    ("pct-negative.csv", csv_file("DROPOUT,440402,2016,-0.5,,\n"), 2, 4, "outside the valid range"),
    ("num-over-den.csv", csv_file("DROPOUT,440402,2016,,12,10\n"), 2, 5, "分子 12 大于分母 10"),
    ("value-not-ratio.csv", csv_file("DROPOUT,440402,2016,2.5,1,50\n"), 2, 4, "与 分子/分母 = 2 不符"),
    ("zero-denominator.csv", csv_file("DROPOUT,440402,2016,,0,0\n"), 2, 6, "分母须大于 0"),
    (
        "numerator-only.csv",
        csv_file("DROPOUT,440402,2016,1,1,\n"),
        2,
        6,
        "numerator and denominator go together",
    ),
    ("ratio-on-plain.csv", csv_file("BEDS,440402,2016,4,4,1\n"), 2, 5, "没有分子/分母定义"),
    ("duplicate-key.csv", csv_file(GOOD + GOOD), 3, 1, "duplicate key: same as row 2"),
    ("outside-plan.csv", csv_file("BEDS,440402,2020,4,,\n"), 2, 3, "不在规划期 2013–2017 内"),
    ("bad-period.csv", csv_file("BEDS,440402,2016Q5,4,,\n"), 2, 3, "期间格式错误 '2016Q5'"),
    (
        "missing-column.csv",
        csv_file("BEDS,440402,4\n", head="indicator,region,value\n"),
        1,
        1,
        "缺少必需的列 期间",
    ),
    (
        "unknown-column.csv",
        csv_file("BEDS,440402,2016,4,x\n", head="indicator,region,period,value,remark\n"),
        1,
        5,
        "unknown column 'remark'",
    ),
    (
        "duplicate-column.csv",
        csv_file("BEDS,440402,2016,4,5\n", head="indicator,region,period,value,数值\n"),
        1,
        5,
        "duplicate column",
    ),
    (
        "undeclared-dimension.csv",
        csv_file("BEDS,440402,2016,4,,,urban\n", head=HEAD.strip() + ",urban_rural\n"),
        2,
        7,
        "未声明分组维度 urban_rural",
    ),
    (
        "bad-dimension-value.csv",
        csv_file("GER,440402,2016,90,,,郊区\n", head=HEAD.strip() + ",城乡\n"),
        2,
        7,
        "invalid urban_rural value '郊区'",
    ),
    ("missing-indicator.csv", csv_file(",440402,2016,4,,\n"), 2, 1, "缺少指标代码"),
    ("empty.csv", raw_file(b""), 1, 1, "文件为空"),
    ("header-only.csv", raw_file(HEAD.encode()), 2, 1, "没有数据行"),
    ("truncated.csv", truncated_big_file, 1726, 5, "应有 6 列，实有 4 列"),
    (
        "broken-encoding.csv",
        raw_file((HEAD + GOOD).encode() + b"BEDS,\xff\xfe\xfa,2016,1,,\n"),
        3,
        6,
        "文件编码无法识别",
    ),
    (
        "gbk-unknown-region.csv",
        csv_file("BEDS,珠海,2016,4\n", encoding="gbk", head="指标代码,区划代码,期间,数值\n"),
        2,
        2,
        "未知的区划代码 '珠海'",
    ),
    ("unclosed-quote.csv", raw_file((HEAD + 'BEDS,440402,2016,"4,,\n').encode()), 2, 1, "CSV 格式错误"),
    ("merged.xlsx", xlsx(merged), 2, 1, "合并单元格 A2:A3"),
    ("formula.xlsx", xlsx(formula), 3, 2, "公式没有保存计算结果"),
    ("empty-sheet.xlsx", xlsx(empty_sheet), 1, 1, "工作表为空"),
    ("bad-value.xls", xls_bad_value, 2, 4, "not a number: '四点一'"),
    ("corrupt.xlsx", raw_file(b"PK\x03\x04 this is not really a workbook"), 1, 1, "无法读取工作簿"),
    ("data.json", raw_file(b'{"indicator": "BEDS"}'), 0, 0, "不支持的文件类型 .json"),
]


def snapshot(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (ObservationRow, ImportBatchRow, AuditRow)
        )


def test_corpus_has_at_least_25_files() -> None:
    assert len(CASES) >= 25
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "build", "row", "col", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_rejected_with_located_message(
    db: Database, tmp_path: Path, name: str, build: Callable[[Path], Path], row: int, col: int, expected: str
) -> None:
    path = build(tmp_path / name)
    before = snapshot(db)
    report = import_files(db, [path], user="tester")
    assert not report.accepted
    messages = [str(p) for p in report.errors]
    assert any(m.startswith(f"{name}") and f":{row}:{col}: " in m and expected in m for m in messages), messages
    assert all(" / " in m for m in messages), "every message is given in Chinese and English"
    assert snapshot(db) == before


def test_all_errors_are_reported_at_once(db: Database, tmp_path: Path) -> None:
    body = "NOPE,440402,2016,1,,\nBEDS,449999,2016,1,,\nBEDS,440402,2016x,1,,\nBEDS,440403,2016,abc,,\n"
    path = csv_file(body)(tmp_path / "many.csv")
    report = import_files(db, [path], user="tester")
    assert [(p.row, p.column) for p in report.errors] == [(2, 1), (3, 2), (4, 3), (5, 4)]


def test_one_bad_file_rejects_the_whole_import(db: Database, tmp_path: Path) -> None:
    good = csv_file(GOOD)(tmp_path / "good.csv")
    bad = csv_file("BEDS,440403,2016,abc,,\n")(tmp_path / "bad.csv")
    before = snapshot(db)
    report = import_files(db, [good, bad], user="tester")
    assert [p.file for p in report.errors] == ["bad.csv"]
    assert snapshot(db) == before


def test_same_key_in_two_files_is_a_duplicate(db: Database, tmp_path: Path) -> None:
    first = csv_file(GOOD)(tmp_path / "a.csv")
    second = csv_file(GOOD)(tmp_path / "b.csv")
    report = import_files(db, [first, second], user="tester")
    assert [str(p).split(": ")[0] for p in report.errors] == ["b.csv:2:1"]
    assert "a.csv:2" in str(report.errors[0])


def test_a_value_is_decided_once(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(HEAD + GOOD, encoding="utf-8")
    assert import_files(db, [path], user="clerk").written == 1
    (pending,) = selected(db)
    office = Principal(username="office", display_name="办公室", role="office")
    review(db, office, obs_id=pending["id"], status=ObservationStatus.APPROVED)
    with pytest.raises(ConflictError) as late:
        review(db, office, obs_id=pending["id"], status=ObservationStatus.REJECTED, comment="有误")
    assert "他人" in late.value.zh and "someone else" in late.value.en
    assert decide(db, status=ObservationStatus.REJECTED, user="office", comment="有误") == 0
    with db.session() as session:
        assert session.execute(select(func.count()).where(AuditRow.action == "status")).scalar_one() == 1
