"""``jundeng tasks … --under``: one programme's ledger when the database holds several."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.store.db import Database

runner = CliRunner()
SHEET = """序号,任务内容,牵头单位,责任单位,完成时限,目标值
1,每县新建1所特殊教育学校,市教育局,各县、市、区人民政府,2017年底前,1所
2,完善市级公共卫生应急体系,市卫生计生局,,年内,
"""


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "office", *args])
    return result.exit_code, result.output


@pytest.fixture
def two_cities(empty_db: Database) -> Database:
    """荆门 (420800) and 江门 (440700) in one database."""
    from jundeng.services import city

    city.init(empty_db, code="420800", user="t")
    city.init(empty_db, code="440700", user="t")
    return empty_db


def test_tasks_commands_choose_one_programme(two_cities: Database, tmp_path: Path) -> None:
    sheet = tmp_path / "jingmen.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    code, out = run(two_cities, "tasks", "import", str(sheet), "--year", "2017")
    assert code == 1 and "--under" in out
    code, out = run(two_cities, "tasks", "import", str(sheet), "--year", "2017", "--under", "420800")
    assert code == 0 and "written 2" in out, out
    today = ("--today", "2017-06-30")
    code, out = run(two_cities, "tasks", "list", "--under", "440700", "--format", "json", *today)
    assert code == 0 and json.loads(out) == []
    code, out = run(two_cities, "tasks", "list", "--under", "420800", "--format", "json", *today)
    listed = {t["code"]: t for t in json.loads(out)}
    assert set(listed) == {"2017-001", "2017-002"}
    code, out = run(
        two_cities, "tasks", "list", "--district", "420881", "--under", "420800", "--format", "json", *today
    )
    assert [t["code"] for t in json.loads(out)] == ["2017-001"], "decomposed to 钟祥市 with the other counties"
    code, out = run(two_cities, "tasks", "list", *today)
    assert code == 1 and "--under" in out
    code, out = run(two_cities, "tasks", "bulletin", "--period", "2017H1", "--format", "json", "--under", "440700")
    assert code == 0 and json.loads(out)["totals"]["tasks"] == 0
    code, out = run(two_cities, "tasks", "bulletin", "--period", "2017H1", "--format", "json", "--under", "420800")
    assert json.loads(out)["totals"]["tasks"] == 2
    target = tmp_path / "export.xlsx"
    code, out = run(two_cities, "tasks", "export", "--out", str(target), "--under", "420800", *today)
    assert code == 0 and "2 项" in out
    rows = list(load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == ["各县、市、区人民政府", None]
    code, out = run(two_cities, "tasks", "export", "--out", str(target), "--under", "440700", *today)
    assert code == 0 and "0 项" in out
