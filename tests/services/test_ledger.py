"""The task ledger end to end: import, progress with evidence, lights, bulletin, reminders, export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.domain.tasks import Notice, ProgressReport
from jundeng.errors import ConflictError, JundengError, NotFoundError
from jundeng.services import ledger
from jundeng.store import tasks_repo
from jundeng.store.db import Database
from jundeng.store.models import AttachmentRow, TaskRow

runner = CliRunner()
DEMO_DAY = date(2017, 9, 30)


def messy_sheet(path: Path, bad: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2017年基本公共服务均等化重点任务分工表"])
    sheet.append(["序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值"])
    sheet.append(["一、公共教育"])
    sheet.append(["1", "（一）新建12所中小学", "市教育局", "香洲区政府、斗门区政府\n金湾区政府", "2017年底前", "12所"])
    sheet.append(["2", "2. 新增学位\n1.5万个", None, "各区政府", "2017年6月", "1.5万个"])
    sheet.merge_cells("C4:C5")
    sheet.append(["3", "一是推进保障房建设", "市住房城乡规划建设局", "各区政府", "明年某时" if bad else "持续推进", ""])
    book.save(path)
    return path


def test_import_list_report_and_export(db: Database, tmp_path: Path) -> None:
    base = ["--db", db.url, "--user", "office"]
    result = runner.invoke(app, [*base, "tasks", "import", str(messy_sheet(tmp_path / "t.xlsx")), "--year", "2017"])
    assert result.exit_code == 0, result.output
    listed = json.loads(
        runner.invoke(app, [*base, "tasks", "list", "--today", "2017-03-31", "--format", "json"]).output
    )
    by_code = {t["code"]: t for t in listed}
    assert set(by_code) == {"2017-001", "2017-002", "2017-003"}
    first = by_code["2017-001"]
    assert first["title"] == "新建12所中小学" and first["lead_units"] == ["市教育局"]
    assert first["responsible_units"] == ["香洲区政府", "斗门区政府", "金湾区政府"]
    assert (first["deadline"], first["status"], first["light"]) == ("2017-12-31", "not_started", "red")
    assert by_code["2017-002"]["lead_units"] == ["市教育局"], "a merged lead-unit cell applies to every row"
    assert by_code["2017-003"]["deadline"] is None
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"\xff\xd8 not really a photo")
    result = runner.invoke(
        app,
        [
            *base,
            "tasks",
            "report",
            "2017-001",
            "--value",
            "9",
            "--note",
            "已开工9所",
            "--as-of",
            "2017-09-30",
            "--evidence",
            str(evidence),
        ],
    )
    assert result.exit_code == 0, result.output
    row = json.loads(runner.invoke(app, [*base, "tasks", "list", "--today", "2017-09-30", "--format", "json"]).output)[
        0
    ]
    assert row["percent"] == pytest.approx(75.0) and row["light"] == "green"
    with db.session() as session:
        assert session.execute(select(AttachmentRow.filename)).scalar_one() == "照片.jpg"
    assert runner.invoke(app, [*base, "tasks", "report", "NOPE", "--percent", "5"]).exit_code == 1
    out = tmp_path / "ledger.xlsx"
    assert runner.invoke(app, [*base, "tasks", "export", "--out", str(out), "--today", "2017-09-30"]).exit_code == 0
    header = [c.value for c in load_workbook(out).active[1]]
    assert header[:6] == ["序号", "任务内容", "牵头单位", "责任单位", "完成时限", "目标值"] and "灯号" in header


def test_export_writes_the_latest_narrative(db: Database, tmp_path: Path) -> None:
    base = ["--db", db.url, "--user", "office"]
    assert (
        runner.invoke(
            app, [*base, "tasks", "import", str(messy_sheet(tmp_path / "t.xlsx")), "--year", "2017"]
        ).exit_code
        == 0
    )
    for as_of, note in (("2017-06-30", "已选址"), ("2017-09-30", "已开工9所")):
        result = runner.invoke(
            app, [*base, "tasks", "report", "2017-001", "--percent", "50", "--note", note, "--as-of", as_of]
        )
        assert result.exit_code == 0, result.output
    out = tmp_path / "ledger.xlsx"
    assert runner.invoke(app, [*base, "tasks", "export", "--out", str(out), "--today", "2017-09-30"]).exit_code == 0
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["2017-001"]["最新进展"] == "已开工9所"
    assert not rows["2017-002"]["最新进展"]


def test_the_ledger_day_is_a_setting_never_the_demo_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ledger.LEDGER_DAY, raising=False)
    assert ledger.ledger_day() == date.today()
    assert ledger.ledger_day(setting=DEMO_DAY) == DEMO_DAY
    assert ledger.ledger_day(date(2018, 1, 2), setting=DEMO_DAY) == date(2018, 1, 2)
    monkeypatch.setenv(ledger.LEDGER_DAY, "2017-09-30")
    assert ledger.ledger_day() == DEMO_DAY


def test_a_bad_sheet_writes_nothing(db: Database, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", db.url, "tasks", "import", str(messy_sheet(tmp_path / "b.xlsx", bad=True))])
    assert result.exit_code == 1
    assert "b.xlsx[Sheet]:6:5: 无法识别的完成时限“明年某时”" in result.output
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(TaskRow)).scalar_one() == 0


def test_reimport_of_a_changed_task_adds_a_revision(db: Database, tmp_path: Path) -> None:
    path = messy_sheet(tmp_path / "t.xlsx")
    assert ledger.import_task_sheet(db, path, user="a", year=2017).written == 3
    book = load_workbook(path)
    book.active["E4"] = "2017年10月底前"
    book.save(path)
    again = ledger.import_task_sheet(db, path, user="b", year=2017)
    assert (again.written, again.unchanged) == (1, 2)
    with db.session() as session:
        history = tasks_repo.task_history(session, code="2017-001")
    assert [(rev, who, t.deadline) for rev, who, t in history] == [
        (1, "a", date(2017, 12, 31)),
        (2, "b", date(2017, 10, 31)),
    ]


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.sqlite'}")
    db.upgrade()
    assert ledger.load_demo_ledger(db, user="demo")[0] == 98
    return db


def test_demo_ledger_mix_and_bulletin_agree(demo_ledger: Database) -> None:
    table = ledger.assessment(demo_ledger, today=DEMO_DAY)
    lights = table["light"].value_counts().to_dict()
    assert lights == {"green": 59, "yellow": 21, "red": 18}  # a realistic mix, fixed by the seed
    result = ledger.period_bulletin(demo_ledger, start=date(2017, 7, 1), end=DEMO_DAY)
    # recount by hand from the per-task table: each task is in exactly one class
    completed = int((table["status"] == "completed").sum())
    overdue = int((table["status"] == "overdue").sum())
    on_track = int(((table["light"] == "green") & ~table["status"].isin(["completed", "overdue"])).sum())
    assert result.totals["tasks"] == 98
    assert (result.totals["completed"], result.totals["overdue"], result.totals["on_track"]) == (
        completed,
        overdue,
        on_track,
    )
    assert result.totals["behind"] == 98 - completed - overdue - on_track
    late = {(r["code"], r["unit"]) for r in result.overdue}  # listed once for each unit in charge
    assert {code for code, _ in late} == {"2017-058"}  # 防灾减灾, due 2017-06-30 (汛期), not finished
    assert len(late) == 2
    schools = table.set_index("code").loc["2017-003"]
    assert list(schools["districts"]) == ["440402", "440403", "440404"] and schools["target_value"] == 12.0
    with demo_ledger.session() as session:
        task = next(t for t in tasks_repo.current_tasks(session) if t.code == "2017-003")
    assert {s.region: s.target_value for s in task.shares} == {"440402": 7.0, "440403": 3.0, "440404": 2.0}
    reported = {r.region for r in ledger.district_reports(demo_ledger, "2017-003")}
    assert reported <= {"440402", "440403", "440404"}


def test_reminders_go_to_an_outbox(demo_ledger: Database, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    result = runner.invoke(
        app,
        ["--db", demo_ledger.url, "tasks", "remind", "--today", "2017-12-10", "--via", "file", "--outbox", str(outbox)],
    )
    assert result.exit_code == 0, result.output
    mails = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert mails and all("督办提醒" in m["subject"] for m in mails)
    assert any("天内到期" in m["body"] for m in mails)


def test_report_review_and_supervision_notices(db: Database, tmp_path: Path) -> None:
    base = ["--db", db.url, "--user", "office"]
    runner.invoke(app, [*base, "tasks", "import", str(messy_sheet(tmp_path / "t.xlsx")), "--year", "2017"])
    runner.invoke(app, [*base, "tasks", "report", "2017-001", "--value", "9", "--as-of", "2017-09-30"])

    def listed() -> Any:
        return json.loads(
            runner.invoke(app, [*base, "tasks", "list", "--today", "2017-09-30", "--format", "json"]).output
        )[0]

    assert listed()["percent"] == pytest.approx(75.0)
    assert runner.invoke(app, [*base, "tasks", "review", "1", "--return"]).exit_code == 2  # a comment is required
    result = runner.invoke(app, [*base, "tasks", "review", "1", "--return", "--comment", "缺佐证材料"])
    assert result.exit_code == 0, result.output
    assert listed()["percent"] == 0.0, "a returned report no longer counts"
    assert runner.invoke(app, [*base, "tasks", "review", "1", "--accept"]).exit_code == 1  # already reviewed
    result = runner.invoke(
        app,
        [
            *base,
            "tasks",
            "notice",
            "2017-001",
            "--unit",
            "市教育局",
            "--request",
            "请说明进度滞后原因",
            "--due",
            "2017-10-15",
        ],
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, [*base, "--user", "edu", "tasks", "respond", "1", "--response", "已开工"]).exit_code == 0
    notices = json.loads(runner.invoke(app, [*base, "tasks", "notices", "--format", "json"]).output)
    assert [(n["unit"], n["due"], n["response"]) for n in notices] == [("市教育局", "2017-10-15", "已开工")]
    assert runner.invoke(app, [*base, "tasks", "notice", "NOPE", "--unit", "x", "--request", "y"]).exit_code == 1


def test_evidence_must_be_files_within_the_size_limits(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--db", db.url, "--user", "office"]
    assert ledger.import_task_sheet(db, messy_sheet(tmp_path / "t.xlsx"), user="office", year=2017).written == 3
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8")
    result = runner.invoke(app, [*base, "tasks", "report", "2017-001", "--percent", "5", "--evidence", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{folder}: 佐证材料应为文件而不是目录" in result.output and "not a directory" in result.output
    monkeypatch.setenv(ledger.EVIDENCE_FILE_MB, "0.001")  # about 1 KB
    monkeypatch.setenv(ledger.EVIDENCE_TOTAL_MB, "0.0015")
    small, big = tmp_path / "small.pdf", tmp_path / "big.pdf"
    small.write_bytes(b"x" * 900)
    big.write_bytes(b"x" * 2000)
    report = ProgressReport(task="2017-001", reporter="市教育局", as_of=DEMO_DAY, percent=5)
    with pytest.raises(JundengError, match="per file") as too_big:
        ledger.add_progress(db, report, user="edu", evidence=[big])
    assert too_big.value.location == str(big) and "上限" in too_big.value.zh
    with pytest.raises(JundengError, match="per report"):
        ledger.add_progress(db, report, user="edu", evidence=[small, small])
    assert ledger.add_progress(db, report, user="edu", evidence=[small])
    monkeypatch.setenv(ledger.EVIDENCE_FILE_MB, "lots")
    with pytest.raises(JundengError, match="JUNDENG_EVIDENCE_FILE_MB"):
        ledger.add_progress(db, report, user="edu", evidence=[small])
    with db.session() as session:
        assert session.execute(select(AttachmentRow.filename)).scalars().all() == ["small.pdf"]


def test_decisions_apply_once(db: Database, tmp_path: Path) -> None:
    ledger.import_task_sheet(db, messy_sheet(tmp_path / "t.xlsx"), user="office", year=2017)
    report_id = ledger.add_progress(
        db, ProgressReport(task="2017-001", reporter="市教育局", as_of=DEMO_DAY, percent=5), user="edu"
    )
    assert ledger.review_report(db, report_id, accept=True, user="office", comment=None).value == "accepted"
    with pytest.raises(ConflictError, match="already been decided"):
        ledger.review_report(db, report_id, accept=False, user="office", comment="重报")
    with pytest.raises(NotFoundError):
        ledger.review_report(db, report_id + 1, accept=True, user="office", comment=None)
    notice_id = ledger.issue_notice(db, Notice(task="2017-001", unit="市教育局", request="说明", issued_by="office"))
    ledger.respond(db, notice_id, response="已开工", user="edu")
    with pytest.raises(ConflictError, match="already been answered"):
        ledger.respond(db, notice_id, response="已完成", user="edu")
    assert [n.response for n in ledger.notice_list(db)] == ["已开工"]


def traditional_twin(path: Path, twin: Path) -> Path:
    """Write the workbook at ``path`` again at ``twin`` with every text cell in traditional script (OpenCC)."""
    from jundeng.extract.normalize import to_traditional

    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = to_traditional(cell.value)
    book.save(twin)
    return twin


def test_a_traditional_sheet_imports_to_the_same_ledger(db: Database, mini_templates: Any, tmp_path: Path) -> None:
    from tests.conftest import copy_sqlite

    (tmp_path / "s").mkdir()
    (tmp_path / "t").mkdir()
    simple = messy_sheet(tmp_path / "s" / "分工.xlsx")
    twin = traditional_twin(simple, tmp_path / "t" / "分工.xlsx")
    assert load_workbook(twin).active["D4"].value == "香洲區政府、斗門區政府\n金灣區政府"
    assert ledger.import_task_sheet(db, simple, user="office", year=2017).written == 3
    again = ledger.import_task_sheet(db, twin, user="office", year=2017)
    assert (again.problems, again.written, again.unchanged) == ([], 0, 3)  # nothing differs
    other = copy_sqlite(Path(mini_templates["sqlite"]), tmp_path / "twin.sqlite")
    assert ledger.import_task_sheet(other, twin, user="office", year=2017).written == 3
    with db.session() as session, other.session() as twin_session:
        stored, stored_twin = tasks_repo.current_tasks(session), tasks_repo.current_tasks(twin_session)
    assert stored_twin == stored
    assert stored_twin[0].responsible_units == ["香洲区政府", "斗门区政府", "金湾区政府"]
    other.dispose()


def test_a_task_for_every_district_government_is_decomposed_to_the_districts(db: Database, tmp_path: Path) -> None:
    ledger.import_task_sheet(db, messy_sheet(tmp_path / "t.xlsx"), user="office", year=2017)
    with db.session() as session:
        tasks = {t.code: t for t in tasks_repo.current_tasks(session)}
    # 各区政府 in Zhuhai: its three districts, not the functional zones (横琴新区 …); the target stays the city's
    assert [(s.region, s.target_value) for s in tasks["2017-002"].shares] == [
        ("440402", None),
        ("440403", None),
        ("440404", None),
    ]
    assert tasks["2017-002"].target_value == 15000
    assert tasks["2017-001"].shares == []  # named districts are units, not the class of every county


JINGMEN_SHEET = """序号,任务内容,牵头单位,责任单位,完成时限,目标值
1,每县新建1所特殊教育学校,市教育局,各縣、市、區人民政府,2017年底前,1所
2,完善市级公共卫生应急体系,市衛生計生局,,十三五期間,
"""
JINGMEN_COUNTIES = ["420802", "420804", "420822", "420881", "420882"]


@pytest.fixture
def two_cities(empty_db: Database) -> Database:
    """荆门 (420800) and 江门 (440700), two programmes in one database."""
    from jundeng.services import city

    city.init(empty_db, code="420800", user="t")
    city.init(empty_db, code="440700", user="t")
    return empty_db


def test_two_programmes_keep_their_own_ledgers(two_cities: Database, tmp_path: Path) -> None:
    from jundeng.errors import ScopeError

    sheet = tmp_path / "荆门分工.csv"
    sheet.write_text(JINGMEN_SHEET, encoding="utf-8")
    with pytest.raises(ScopeError, match="--under"):
        ledger.import_task_sheet(two_cities, sheet, user="office", year=2017)
    assert ledger.import_task_sheet(two_cities, sheet, user="office", year=2017, under="420800").written == 2
    with two_cities.session() as session:
        tasks = {t.code: t for t in tasks_repo.current_tasks(session)}
        assert tasks_repo.task_programmes(session) == {"2017-001": "420800", "2017-002": "420800"}
    school = tasks["2017-001"]
    assert school.responsible_units == ["各县、市、区人民政府"]
    assert [(s.region, s.target_value) for s in school.shares] == [(code, None) for code in JINGMEN_COUNTIES]
    assert tasks["2017-002"].lead_units == ["市卫生计生局"] and tasks["2017-002"].deadline == date(2020, 12, 31)

    day = date(2017, 6, 30)
    assert ledger.assessment(two_cities, today=day, under="440700").empty
    assert list(ledger.assessment(two_cities, today=day, under="420800")["code"]) == ["2017-001", "2017-002"]
    assert list(ledger.ledger(two_cities, today=day, under="420822")["code"]) == ["2017-001"]  # a county's share
    assert ledger.export_rows(two_cities, today=day, under="440700") == []
    assert ledger.period_bulletin(two_cities, start=date(2017, 1, 1), end=day, under="440700").totals["tasks"] == 0
    for ask in (ledger.assessment, ledger.reminders):
        with pytest.raises(ScopeError):
            ask(two_cities, today=day)

    refused = ledger.import_task_sheet(two_cities, sheet, user="office", year=2017, under="440700")
    assert [str(p) for p in refused.errors][0].startswith(
        "荆门分工.csv:0:0: 任务代码 2017-001 已属于另一规划（420800）"
    )
    with two_cities.session() as session:
        assert set(tasks_repo.task_programmes(session).values()) == {"420800"}
