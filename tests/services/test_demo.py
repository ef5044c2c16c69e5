"""The demo build: its summary counts are what the database holds, and building again adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jundeng.services import catalog, demo, regions, users
from jundeng.store import tasks_repo
from jundeng.store.db import Database
from jundeng.store.models import ObservationRow, ProgressReportRow
from tests.conftest import Templates, fresh_database


@pytest.fixture
def blank(templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database the demo may be built in."""
    db, drop = fresh_database("sqlite", templates, tmp_path)
    yield db
    drop()


def counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        observations = session.execute(select(func.count()).select_from(ObservationRow)).scalar_one()
        reports = session.execute(select(func.count()).select_from(ProgressReportRow)).scalar_one()
        tasks = len(tasks_repo.current_tasks(session))
    return observations, reports, tasks


@pytest.mark.slow
def test_the_demo_summary_matches_the_database(blank: Database) -> None:
    city = demo.build(blank, user="demo")
    stored = catalog.read(blank)
    summary = city.summary
    assert summary.regions == len(regions.regions(blank)) == 385
    assert (summary.indicators, summary.targets, summary.items) == (
        len(stored.indicators), len(stored.targets), len(stored.items),
    )  # fmt: skip
    assert summary.population_rows == len(regions.population(blank))
    observations, reports, tasks = counts(blank)
    assert summary.observations_written == summary.observations_total == observations > 0
    assert (city.reports, city.tasks) == (reports, tasks) and tasks > 0
    assert sum(city.lights.values()) == tasks
    assert {a["username"] for a in city.accounts} == {u.username for u in users.users(blank)}
    assert catalog.published(blank) and demo.gap_overview(blank)

    again = demo.build(blank, user="demo")
    assert again.summary.observations_written == 0 and again.reports == 0
    assert counts(blank) == (observations, reports, tasks) and again.lights == city.lights


def test_gap_overview_of_the_demo_city(demo_db: Database) -> None:
    rows = demo.gap_overview(demo_db, limit=3)
    assert 0 < len(rows) <= 3
    assert all(0 <= r["gini_2013"] < 1 and 0 <= r["gini_2017"] < 1 for r in rows)
    assert {r["trend"] for r in rows} <= {"收敛 converging", "发散 diverging", "—"}
