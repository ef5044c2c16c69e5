"""``jundeng catalog retire | restore | edit-target | history`` and ``--include-retired`` as a user runs them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.store.db import Database

runner = CliRunner()


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "cli-admin", *args])
    return result.exit_code, result.output


def listed(db: Database, *args: str) -> list[dict[str, object]]:
    code, out = run(db, "catalog", *args, "--format", "json")
    assert code == 0, out
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_retire_and_restore_a_target(db: Database) -> None:
    assert [t["year"] for t in listed(db, "targets")] == [2015]
    code, out = run(db, "catalog", "retire", "target", "GER:440400:2015")
    assert code == 2 and "--reason" in out, "a reason is required"
    code, out = run(db, "catalog", "retire", "target", "GER:440400:2015", "--reason", "目标已调整")
    assert code == 0 and "GER:440400:2015" in out, out
    assert listed(db, "targets") == []
    [kept] = listed(db, "targets", "--include-retired")
    assert kept["year"] == 2015 and "cli-admin: 目标已调整" in str(kept["retired"])
    code, out = run(db, "catalog", "retire", "target", "GER:440400:2015", "--reason", "again")
    assert code == 1 and "already retired" in out
    assert run(db, "catalog", "restore", "target", "GER:440400:2015")[0] == 0
    assert [t["retired"] for t in listed(db, "targets", "--include-retired")] == [None]
    history = listed(db, "history", "target", "GER:440400:2015")
    assert [(h["user"], h["action"]) for h in history] == [
        ("fixture", "insert"),
        ("cli-admin", "retire"),
        ("cli-admin", "restore"),
    ]


def test_retire_an_indicator_and_an_item(db: Database) -> None:
    code, out = run(db, "catalog", "retire", "indicator", "BEDS", "--reason", "停止统计")
    assert code == 0, out
    assert "BEDS" not in {i["code"] for i in listed(db, "list")}
    assert {i["code"]: i["retired"] for i in listed(db, "list", "--include-retired")}["GER"] is None
    assert run(db, "catalog", "show", "BEDS")[0] == 1
    assert run(db, "catalog", "show", "BEDS", "--include-retired")[0] == 0
    code, out = run(db, "catalog", "retire", "item", "NOPE", "--reason", "x")
    assert code == 1 and "no service item NOPE" in out
    assert listed(db, "items", "--include-retired") == []


def test_edit_a_target(db: Database) -> None:
    code, out = run(db, "catalog", "edit-target", "GER", "440400", "2015", "--value", "95", "--comparator", ">")
    assert code == 0 and "value=95.0" in out, out
    [target] = listed(db, "targets")
    assert (target["value"], target["comparator"]) == (95.0, ">")
    *_, last = listed(db, "history", "target", "GER:440400:2015")
    assert last["before"] == {"comparator": ">=", "value": 93.0} and last["after"] == {"comparator": ">", "value": 95.0}
    code, out = run(db, "catalog", "edit-target", "GER", "440400", "2015", "--comparator", "range")
    assert code == 1 and "low <= high" in out
    assert run(db, "catalog", "edit-target", "GER", "440400", "2015")[0] == 2
    code, out = run(db, "catalog", "edit-target", "GER", "440400", "2015", "--to-year", "2016")
    assert code == 0 and [t["year"] for t in listed(db, "targets")] == [2016]
    assert run(db, "catalog", "edit-target", "GER", "440400", "2015", "--value", "1")[0] == 1
