"""Review of staged candidates: edits, batch decisions, revisions of targets, baselines and standards attached."""

from __future__ import annotations

from typing import Any

import pytest

from jundeng.domain.catalog import Catalog, ServiceItem
from jundeng.services import extraction, extraction_review
from jundeng.store import candidates_repo, catalog_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow


def _candidate(kind: str, indicator: str, value: float, **more: Any) -> dict[str, Any]:
    sentence = more.pop("sentence", f"{indicator}{value}")
    return {
        "kind": kind,
        "indicator": indicator,
        "value": value,
        "unit": "%",
        "comparator": ">=",
        "low": None,
        "high": None,
        "year": 2020,
        "scope": None,
        "domain": "公共教育",
        "lead_units": [],
        "responsible_units": [],
        "sentence": sentence,
        "start": 0,
        "end": len(sentence),
        **more,
    }


def _stage(db: Database, *candidates: dict[str, Any], sha: str = "a" * 64) -> list[int]:
    with db.session(write=True) as session:
        candidates_repo.add(session, document="plan.txt", sha256=sha, candidates=candidates, user="office")
    return [c["id"] for c in extraction.staged(db) if c["sha256"] == sha]


def _targets(db: Database, code: str) -> dict[int, Any]:
    with db.session() as session:
        return {t.year: t for t in catalog_repo.targets(session, indicator=code) if t.region == "440400"}


def test_parse_ids_lists_and_ranges() -> None:
    assert extraction_review.parse_ids("3,5,9-14") == [3, 5, 9, 10, 11, 12, 13, 14]
    assert extraction_review.parse_ids("2, 2，4") == [2, 4]
    for bad in ("3,,5", "9-4", "a"):
        with pytest.raises(extraction_review.ReviewError, match="bad id list"):
            extraction_review.parse_ids(bad)


def test_batch_accept_with_a_range_and_reject_in_one_transaction(db: Database) -> None:
    ids = _stage(
        db,
        _candidate("target", "全科医生数", 1200, unit="人", code="DOCTORS", domain="health"),
        _candidate("target", "每千人口床位数", 6, unit="张/千人", code="BEDS", domain="health"),
        _candidate("target", "初中年辍学率", 0.5, comparator="<=", code="DROPOUT"),
        _candidate("task", "新建学校", 12, unit="所"),
    )
    spec = f"{ids[0]}-{ids[2]}"
    decisions = extraction_review.decide(db, user="office", accept=extraction_review.parse_ids(spec), reject=[ids[3]])
    assert [d.status for d in decisions] == ["accepted"] * 3 + ["rejected"]
    assert _targets(db, "DROPOUT")[2020].comparator.value == "<="
    assert _targets(db, "BEDS")[2020].value == 6
    with db.session() as session:
        audit = session.query(AuditRow).filter_by(entity="extract_candidates").all()
    assert {(a.key, a.action, a.user) for a in audit} == {(str(i), "accepted", "office") for i in ids[:3]} | {
        (str(ids[3]), "rejected", "office")
    }


def test_a_failing_acceptance_writes_nothing(db: Database) -> None:
    ids = _stage(
        db,
        _candidate("target", "全科医生数", 1200, unit="人", code="DOCTORS"),
        _candidate("target", "某指标", 3),  # no indicator chosen
    )
    with pytest.raises(extraction_review.CandidateError, match=f"candidate {ids[1]}: choose the indicator"):
        extraction_review.decide(db, user="office", accept=ids)
    assert 2020 not in _targets(db, "DOCTORS")
    assert len(extraction.staged(db)) == 2


def test_edit_then_accept(db: Database) -> None:
    (cid,) = _stage(db, _candidate("target", "全科医生数由提高到", 100, unit="人", comparator="="))
    changed = extraction_review.edit(
        db, cid, {"code": "DOCTORS", "value": "1,200", "comparator": ">=", "year": "2020"}, user="office"
    )
    assert changed == {"code": "DOCTORS", "value": 1200, "comparator": ">="}
    with pytest.raises(extraction_review.ReviewError, match="must be a number"):
        extraction_review.edit(db, cid, {"value": "很多"}, user="office")
    extraction_review.decide(db, user="office", accept=[cid])
    goal = _targets(db, "DOCTORS")[2020]
    assert (goal.value, goal.comparator.value) == (1200, ">=")
    with db.session() as session:
        edit = session.query(AuditRow).filter_by(entity="extract_candidates", action="edit").one()
    assert edit.user == "office" and edit.before == {"code": None, "value": 100, "comparator": "="}


def test_accepting_onto_an_existing_target_is_a_revision_that_keeps_the_baseline(db: Database) -> None:
    """It used to replace GER's 2015 target and erase its baseline (2011: 88)."""
    (cid,) = _stage(db, _candidate("target", "学前三年毛入园率", 95, code="GER", year=2015))
    extraction_review.decide(db, user="reviewer", accept=[cid])
    goal = _targets(db, "GER")[2015]
    assert (goal.value, goal.baseline_year, goal.baseline_value) == (95, 2011, 88)
    with db.session() as session:
        history = catalog_repo.history(session, kind="target", key="GER:440400:2015")
    assert history[0]["action"] == "insert" and history[0]["after"]["value"] == 93
    assert history[-1]["user"] == "reviewer" and history[-1]["before"] == {"value": 93.0}


def test_a_target_with_a_baseline_carries_it(db: Database) -> None:
    (cid,) = _stage(db, _candidate("target", "学前三年毛入园率", 95, code="GER", baseline_year=2015, baseline_value=85))
    extraction_review.decide(db, user="office", accept=[cid])
    goals = _targets(db, "GER")
    assert (goals[2020].baseline_year, goals[2020].baseline_value) == (2015, 85)
    assert goals[2015].value == 93, "the 2015 target is still there"


def test_a_baseline_attaches_to_its_target(db: Database) -> None:
    ids = _stage(
        db,
        _candidate("baseline", "每千人口床位数", 4.5, code="BEDS", year=2015, unit="张/千人"),
        _candidate("target", "每千人口床位数", 6, code="BEDS", unit="张/千人"),
    )
    decisions = extraction_review.decide(db, user="office", accept=ids)
    assert {d.result for d in decisions} == {"target:BEDS", "baseline:BEDS:440400:2020"}
    goal = _targets(db, "BEDS")[2020]
    assert (goal.baseline_year, goal.baseline_value) == (2015, 4.5)
    (alone,) = _stage(db, _candidate("baseline", "全科医生数", 800, code="DOCTORS", year=2015), sha="b" * 64)
    with pytest.raises(extraction_review.ReviewError, match="accept its target first"):
        extraction_review.decide(db, user="office", accept=[alone])


def test_a_standard_attaches_to_the_matched_item(db: Database) -> None:
    item = ServiceItem(code="SOC-05", domain="health", name="受灾人员救助", content="应急救助")
    with db.session(write=True) as session:
        catalog_repo.load_catalog(session, catalog=Catalog(items=[item]), user="fixture")
    (cid,) = _stage(
        db,
        _candidate("standard", "受灾人员救助标准提高到", 600, unit="元/人", sentence="受灾人员救助标准提高到每人600元"),
    )
    (best, *_rest) = extraction_review.suggestions(db, extraction.staged(db))[cid]
    assert (best.code, best.name) == ("SOC-05", "受灾人员救助") and best.score > 0.6
    assert extraction_review.search(db, "受灾", "standard")[0].code == "SOC-05"
    extraction_review.decide(db, user="office", accept=[cid], edits={cid: {"item": "SOC-05"}})
    with db.session() as session:
        items = {i.code: i for i in catalog_repo.items(session)}
    assert set(items) == {"SOC-05"}, "no new item with a garbled name"
    assert items["SOC-05"].amount is not None and items["SOC-05"].amount.amount == 600
    assert items["SOC-05"].content == "应急救助" and items["SOC-05"].name == "受灾人员救助"
