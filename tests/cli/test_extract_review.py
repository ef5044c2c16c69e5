"""``jundeng extract review``: lists and ranges of ids, and the reviewed spreadsheet round trip."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.services import extraction
from jundeng.store import candidates_repo, catalog_repo
from jundeng.store.db import Database
from tests.services.test_extraction_review import _candidate

runner = CliRunner()


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "cli-office", "extract", "review", *args])
    return result.exit_code, result.output


def _stage(db: Database) -> list[int]:
    found = [
        _candidate("target", "全科医生数", 1200, unit="人", code="DOCTORS"),
        _candidate("target", "每千人口床位数", 6, unit="张/千人", code="BEDS"),
        _candidate("target", "初中年辍学率", 0.5, comparator="<=", code="DROPOUT"),
        _candidate("target", "学前三年毛入园率由提高到", 95, comparator="="),
        _candidate("task", "新建学校", 12, unit="所"),
    ]
    with db.session(write=True) as session:
        candidates_repo.add(session, document="plan.txt", sha256="c" * 64, candidates=found, user="office")
    return [c["id"] for c in extraction.staged(db)]


def _statuses(db: Database) -> dict[int, str]:
    return {c["id"]: c["status"] for c in extraction.staged(db, status=None)}


def test_accept_and_reject_lists_and_ranges(db: Database) -> None:
    ids = _stage(db)
    code, out = run(db, "--accept", f"{ids[0]}-{ids[1]},{ids[2]}", "--reject", f"{ids[4]}")
    assert code == 0, out
    assert "accepted" in out and f"rejected {ids[4]}" in out
    assert _statuses(db) == dict(zip(ids, ["accepted"] * 3 + ["staged", "rejected"], strict=True))
    code, out = run(db, "--accept", "1,,2")
    assert code != 0 and "bad id list" in out


def test_csv_round_trip_edits_and_decides(db: Database, tmp_path: Path) -> None:
    ids = _stage(db)
    sheet = tmp_path / "reviewed.csv"
    code, out = run(db, "--export", str(sheet))
    assert code == 0, out
    with sheet.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["id"]) for r in rows] == ids and "decision" in rows[0]
    by_id = {int(r["id"]): r for r in rows}
    by_id[ids[3]] |= {"code": "GER", "comparator": ">=", "baseline_year": "2015", "baseline_value": "85"}
    by_id[ids[3]]["decision"] = "accept"
    by_id[ids[0]]["decision"] = "接受"
    by_id[ids[4]]["decision"] = "reject"
    by_id[ids[1]]["value"] = "很多"  # a bad cell: nothing is written
    header = list(rows[0])

    def write() -> None:
        with sheet.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(by_id.values())

    write()
    code, out = run(db, "--import", str(sheet))
    column = header.index("value") + 1
    assert code == 1 and f"reviewed.csv:3:{column}:" in out and "must be a number" in out
    assert set(_statuses(db).values()) == {"staged"}, "all-or-nothing"

    by_id[ids[1]]["value"] = "6"
    write()
    code, out = run(db, "--import", str(sheet))
    assert code == 0, out
    assert _statuses(db) == dict(zip(ids, ["accepted", "staged", "staged", "accepted", "rejected"], strict=True))
    with db.session() as session:
        goal = next(t for t in catalog_repo.targets(session, indicator="GER") if t.year == 2020)
    assert (goal.comparator.value, goal.value, goal.baseline_year, goal.baseline_value) == (">=", 95, 2015, 85)
