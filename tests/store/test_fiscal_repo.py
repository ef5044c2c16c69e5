"""Fiscal facts and costs are never overwritten: a correction is a revision, the latest wins, every write audited."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import select

from jundeng.store import fiscal_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, FiscalEligibleRow, FiscalFactRow

BASE = {"spending": 900.0, "revenue": 800.0, "transfers_received": math.nan, "cost_index": 1.0}


def _frame(capacity: float, dibao: float, school: float | None = None) -> pd.DataFrame:
    rows = [{"region": "440402", "year": 2016, "population": 100.0, "capacity": capacity, **BASE, "dibao": dibao}]
    rows.append({"region": "440403", "year": 2016, "population": 50.0, "capacity": 10.0, **BASE, "dibao": 3.0})
    if school is not None:
        rows[0]["school"] = school
    return pd.DataFrame(rows)


def test_a_correction_is_a_new_revision_and_the_latest_wins(db: Database) -> None:
    with db.session() as session:
        assert fiscal_repo.write_facts(session, _frame(1000, 10), items=["dibao"], user="a", source=None, what="f1")
    with db.session() as session:
        written = fiscal_repo.write_facts(
            session, _frame(1200, 10, 4), items=["dibao", "school"], user="b", source=None, what="f2"
        )
    assert written == (1, 1)
    with db.session() as session:
        current = fiscal_repo.facts(session, year=2016)
        stored = len(session.execute(select(FiscalFactRow)).all())
        counts = len(session.execute(select(FiscalEligibleRow)).all())
        audits = session.execute(select(AuditRow.user, AuditRow.key).where(AuditRow.entity == "fiscal_facts")).all()
    assert (stored, counts) == (3, 4)
    first = current.iloc[0]
    assert (first["region"], first["capacity"], first["revision"], first["created_by"]) == ("440402", 1200, 2, "b")
    assert (first["dibao"], first["school"]) == (10, 4)
    assert math.isnan(current.iloc[1]["school"]) and current.iloc[1]["revision"] == 1
    assert math.isnan(first["transfers_received"]) and first["spending"] == 900
    assert sorted(audits) == [("a", "f1"), ("b", "f2")]


def test_facts_filter_by_region_and_year(db: Database) -> None:
    with db.session() as session:
        fiscal_repo.write_facts(session, _frame(1000, 10), items=["dibao"], user="a", source="s", what="f")
        assert list(fiscal_repo.facts(session, regions={"440403"})["region"]) == ["440403"]
        assert fiscal_repo.facts(session, year=2017).empty


def test_costs_revisions(db: Database) -> None:
    frame = pd.DataFrame([{"item": "dibao", "unit_cost": 8280.0, "city_share": 0.5}])
    with db.session() as session:
        assert fiscal_repo.write_costs(session, frame, user="a", source=None, what="c") == (1, 0)
    with db.session() as session:
        assert fiscal_repo.write_costs(session, frame, user="a", source=None, what="c") == (0, 1)
        frame.loc[0, "unit_cost"] = 9000.0
        assert fiscal_repo.write_costs(session, frame, user="b", source=None, what="c") == (1, 0)
    with db.session() as session:
        costs = fiscal_repo.costs(session)
    assert costs.to_dict(orient="records") == [
        {"item": "dibao", "unit_cost": 9000.0, "city_share": 0.5, "source": None, "revision": 2}
    ]
