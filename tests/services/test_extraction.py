"""Staging, review and import of extracted candidates into the catalogue and the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.services import extraction
from jundeng.store import catalog_repo, tasks_repo
from jundeng.store.db import Database

FIXTURE = Path(__file__).parents[1] / "fixtures" / "extract" / "zhuhai-2017-work-plan.txt"
PLAN = (
    "珠海市2017年工作计划。\n（一）公共教育\n到2017年底，学前三年毛入园率达到95%以上。新建12所中小学。\n"
    "（二）社会保障\n城乡低保标准提高到每人每月690元。\n"
)


def test_stage_review_accept_and_reject(db: Database, tmp_path: Path) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text(PLAN, encoding="utf-8")
    name, count, new = extraction.stage(db, doc, user="office")
    assert (name, new) == ("plan.txt", True) and count >= 2
    assert extraction.stage(db, doc, user="office")[2] is False, "the same document is staged once"
    staged = {c["kind"]: c for c in extraction.staged(db)}
    target, task = staged["target"], staged["task"]
    assert (target["value"], target["comparator"], target["year"]) == (95, ">=", 2017)

    with pytest.raises(extraction.ReviewError, match="choose the indicator"):
        extraction.accept(db, target["id"], user="office")
    decision = extraction.accept(db, target["id"], user="office", code="EDU_GER3", domain="edu")
    assert decision.result == "target:EDU_GER3"
    with db.session() as session:
        indicator = next(i for i in catalog_repo.indicators(session) if i.code == "EDU_GER3")
        goal = next(t for t in catalog_repo.targets(session) if t.indicator == "EDU_GER3")
    assert indicator.unit == "%" and indicator.source is not None and indicator.source.document == "plan.txt"
    assert (goal.region, goal.year, goal.value, goal.comparator.value) == ("440400", 2017, 95.0, ">=")
    assert goal.source is not None and "95%" in (goal.source.clause or "")

    extraction.accept(db, task["id"], user="office", code="2017-X1")
    with db.session() as session:
        ledger_task = next(t for t in tasks_repo.current_tasks(session) if t.code == "2017-X1")
    assert ledger_task.target_value == 12 and ledger_task.target_unit == "所"
    assert ledger_task.source_clause and "新建12所中小学" in ledger_task.source_clause

    with pytest.raises(extraction.ReviewError, match="already accepted"):
        extraction.reject(db, task["id"], user="office")
    rest = [c["id"] for c in extraction.staged(db)]
    assert rest, "the standard is still staged"
    for cid in rest:
        extraction.reject(db, cid, user="office")
    assert extraction.staged(db) == []
    assert {c["status"] for c in extraction.staged(db, status=None)} == {"accepted", "rejected"}


def test_the_corpus_work_plan_stages_its_standards_and_tasks(db: Database) -> None:
    extraction.stage(db, FIXTURE, user="office")
    values = {(c["kind"], c["value"], c["unit"]) for c in extraction.staged(db)}
    assert ("standard", 690, "元/人/月") in values
    assert ("task", 12, "所") in values and ("task", 2700, "套") in values


def test_with_two_programmes_an_accepted_target_asks_for_its_region(db: Database, tmp_path: Path) -> None:
    """It used to be filed under the first city by code, silently (issue 12)."""
    from jundeng.services import city

    city.init(db, code="420881", user="office")  # 钟祥市 beside 珠海市
    doc = tmp_path / "plan.txt"
    doc.write_text(PLAN, encoding="utf-8")
    extraction.stage(db, doc, user="office")
    target = next(c for c in extraction.staged(db) if c["kind"] == "target")
    with pytest.raises(extraction.ReviewError, match="2 programmes"):
        extraction.accept(db, target["id"], user="office", code="EDU_GER3", domain="edu")
    extraction.accept(db, target["id"], user="office", code="EDU_GER3", domain="edu", region="420881")
    with db.session() as session:
        goal = next(t for t in catalog_repo.targets(session) if t.indicator == "EDU_GER3")
    assert goal.region == "420881"
