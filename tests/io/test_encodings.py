"""Both scripts and the three encodings Chinese offices save CSV files in."""

from __future__ import annotations

from pathlib import Path

from jundeng.domain.observations import ObservationStatus
from jundeng.io.encodings import decode_bytes, header_text
from jundeng.io.task_sheet import read_task_sheet
from jundeng.services.observations import import_files
from jundeng.store.db import Database

SIMPLIFIED = "指标代码,区划代码,期间,数值,备注\nBEDS,440402,2016,4.5,香洲区卫生院\nBEDS,440403,2016,3.9,斗门区\n"
TRADITIONAL = "指標代碼,區劃代碼,期間,數值,備註\nBEDS,440402,2016,4.5,香洲區衛生院\nBEDS,440403,2016,3.9,斗門區\n"


def test_header_cells_read_the_same_in_either_script() -> None:
    assert header_text("\ufeff 指標代碼 ") == "指标代码"
    assert [header_text(h) for h in ("區劃代碼", "任務內容", "牽頭單位", "完成時限")] == [
        "区划代码",
        "任务内容",
        "牵头单位",
        "完成时限",
    ]
    assert header_text("value") == "value"


def test_big5_gbk_and_utf8_files_are_told_apart() -> None:
    assert decode_bytes(TRADITIONAL.encode("big5"), "big5.csv") == (TRADITIONAL, [])
    assert decode_bytes(SIMPLIFIED.encode("gbk"), "gbk.csv") == (SIMPLIFIED, [])
    assert decode_bytes(TRADITIONAL.encode("utf-8"), "utf8.csv") == (TRADITIONAL, [])


def test_bytes_that_are_neither_reading_cleanly_are_refused_with_a_clear_message() -> None:
    text, problems = decode_bytes(b"a,b\n\xa4\xa4\xa5\xa5\xa6\xa6\xff\xfe\n", "odd.csv")
    assert text == "" and "unreadable encoding" in problems[0].en and "UTF-8" in problems[0].zh


def test_a_traditional_big5_data_file_imports_like_its_simplified_twin(db: Database, tmp_path: Path) -> None:
    big5 = tmp_path / "traditional.csv"
    big5.write_bytes(TRADITIONAL.encode("big5"))
    simplified = tmp_path / "simplified.csv"
    simplified.write_text(SIMPLIFIED, encoding="utf-8")
    first = import_files(db, [big5], user="clerk", status=ObservationStatus.APPROVED)
    assert first.accepted and first.written == 2, [str(p) for p in first.problems]
    twin = import_files(db, [simplified], user="clerk", dry_run=True, status=ObservationStatus.APPROVED)
    assert twin.accepted and twin.rows_read == first.rows_read


def test_a_traditional_task_sheet_reads_like_its_simplified_twin(tmp_path: Path) -> None:
    simplified = "序号,任务内容,牵头单位,完成时限\n1,建设社区卫生服务中心,市卫健局,2017年底\n"
    traditional = "序號,任務內容,牽頭單位,完成時限\n1,建設社區衛生服務中心,市衛健局,2017年底\n"
    (tmp_path / "s.csv").write_text(simplified, encoding="utf-8")
    (tmp_path / "t.csv").write_bytes(traditional.encode("big5"))
    tasks_s, problems_s = read_task_sheet(tmp_path / "s.csv")
    tasks_t, problems_t = read_task_sheet(tmp_path / "t.csv")
    assert not problems_s and not problems_t, (problems_s, problems_t)
    assert [(t.deadline, len(t.lead_units)) for t in tasks_t] == [(t.deadline, len(t.lead_units)) for t in tasks_s]
