"""The demo city: real tree, built-in catalogues and synthetic data that is labelled and behaves as documented;
its summary counts are what the database holds, and building again adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from jundeng.catalogs import demo as generator
from jundeng.catalogs.access_indicators import RULES
from jundeng.services import access_publish, catalog, demo, regions, users
from jundeng.services.demo import load_demo, read_profiles
from jundeng.services.observations import import_files
from jundeng.store import export, observations_repo, tasks_repo
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


def test_every_indicator_has_five_years_of_synthetic_data(demo_db: Database) -> None:
    with demo_db.session() as session:
        obs = observations_repo.observations(session)
    per_indicator = obs.group_by("indicator").agg(pl.col("period").n_unique().alias("years"))
    assert per_indicator.height >= 40
    assert set(per_indicator["years"]) == {5}
    computed = {access_publish.source_of(r.category, r.within, synthetic=True) for r in RULES.values()}
    assert set(obs["source"]) == {generator.SOURCE} | computed  # the access indicators are computed
    assert all("synthetic" in s and "合成" in s for s in {generator.SOURCE} | computed)
    assert set(obs["status"]) == {"approved"}


def test_demo_data_passes_the_importers_own_checks(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    with demo_db.session() as session:
        export.write_frames({"o": export.observations_frame(session)}, "csv", out)
    report = import_files(demo_db, [out], user="check", dry_run=True)
    assert report.accepted, [str(p) for p in report.errors[:5]]


def test_loading_the_demo_twice_changes_nothing(demo_db: Database) -> None:
    assert load_demo(demo_db, user="demo").observations_written == 0


def _district_spread(obs: pl.DataFrame, code: str, period: str) -> float:
    rows = obs.filter(
        (pl.col("indicator") == code)
        & (pl.col("period") == period)
        & pl.col("region").is_in(["440402", "440403", "440404"])
        & (pl.col("disaggregation") == "")
    )
    values = rows["value"].to_numpy()
    return float(values.std() / values.mean())


def test_gaps_narrow_or_widen_as_the_profile_says(demo_db: Database) -> None:
    with demo_db.session() as session:
        obs = observations_repo.observations(session)
    profiles = {p.indicator: p for p in read_profiles()}
    checked = {"narrow": 0, "widen": 0}
    for code, profile in profiles.items():
        if profile.gap_trend not in checked or profile.district_gap < 0.1 or profile.noise > 0.05:
            continue
        first, last = _district_spread(obs, code, "2013"), _district_spread(obs, code, "2017")
        if profile.gap_trend == "narrow":
            assert last < first, code
        else:
            assert last > first, code
        checked[profile.gap_trend] += 1
    assert checked["narrow"] >= 3 and checked["widen"] >= 1, checked


def test_the_demo_city_has_five_years_of_synthetic_fiscal_facts(demo_db: Database) -> None:
    from jundeng.services.fiscal_db import growth_from_db, transfers_from_db
    from jundeng.services.ledger import SYNTHETIC_MARK
    from jundeng.store import fiscal_repo, regions_repo

    with demo_db.session() as session:
        facts = fiscal_repo.facts(session)
        costs = fiscal_repo.costs(session)
        levels = {r.code: r.level.value for r in regions_repo.regions(session)}
        resident = {(p.region, p.year): p.resident for p in regions_repo.population(session)}
    assert sorted(set(facts["year"])) == [2013, 2014, 2015, 2016, 2017]
    assert {levels[r] for r in facts["region"]} == {"district", "town"}
    assert all(SYNTHETIC_MARK in s for s in [*facts["source"], *costs["source"]])
    assert all(resident[r, y] == p for r, y, p in zip(facts["region"], facts["year"], facts["population"], strict=True))
    assert dict(zip(costs["item"], costs["unit_cost"], strict=True))["SOC-DIBAO"] == 690 * 12
    answer = transfers_from_db(demo_db, year=2017, pool=1e8)
    gaps = dict(zip(answer.result.regions["region"], answer.result.regions["gap"].astype(float), strict=True))
    assert list(gaps) == ["440402", "440403", "440404"]
    assert gaps["440403"] > 0 == gaps["440402"]
    assert float(answer.result.summary["gini_after"]) < float(answer.result.summary["gini_before"])
    assert len(growth_from_db(demo_db).regions) == 3
