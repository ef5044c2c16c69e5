"""The yearly appraisal on the database: stored with its method, reproducible, and on files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.domain.observations import ObservationStatus
from jundeng.errors import NotFoundError, ScopeError
from jundeng.services.appraisal import appraise, default_method, reproduce, same_scores
from jundeng.services.observations import import_files
from jundeng.store import appraisal_repo
from jundeng.store.db import Database
from tests.conftest import Templates, fresh_database

runner = CliRunner()


@pytest.fixture(scope="module")
def writable_demo(demo_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A module-wide copy of the demo city that the tests may change."""
    db, drop = fresh_database("sqlite", demo_templates, tmp_path_factory.mktemp("appraise"))
    yield db
    drop()


def test_default_method_scores_the_three_districts(demo_db: Database) -> None:
    result = appraise(demo_db, year=2017, with_uncertainty=False)
    card = result.scorecard.set_index("region")
    assert set(card.index) == {"440402", "440403", "440404"}
    assert card.loc["440402", "name"] == "香洲区"
    assert sorted(card["rank"]) == [1, 2, 3]
    assert {"education", "health", "targets_achieved", "gaps", "obstacles", "score_change"} <= set(card.columns)
    assert all(len(g) <= 3 for g in card["gaps"])


def test_a_stored_run_is_reproduced_exactly_after_the_data_changed(writable_demo: Database, tmp_path: Path) -> None:
    first = appraise(writable_demo, year=2017, with_uncertainty=False, user="office")
    assert first.run_id is not None
    correction = tmp_path / "fix.csv"
    correction.write_text("indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,900\n", encoding="utf-8")
    approved = ObservationStatus.APPROVED
    assert import_files(writable_demo, [correction], user="clerk", status=approved).written == 1
    now = appraise(writable_demo, year=2017, with_uncertainty=False)
    assert not same_scores(now.scorecard, first.scorecard), "the new value changes today's scores"
    again = reproduce(writable_demo, first.run_id)
    assert same_scores(again.scorecard, first.scorecard)
    assert again.method.version == first.method.version
    with writable_demo.session() as session:
        run = appraisal_repo.get_run(session, run_id=first.run_id)
        assert run is not None and run.created_by == "office" and run.method_version == first.method.version


def test_cli_appraise_on_the_database_and_on_files(writable_demo: Database, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", writable_demo.url, "appraise", "--year", "2016", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["method_version"] == default_method().version and payload["run_id"]
    assert {r["region"] for r in payload["scorecard"]} == {"440402", "440403", "440404"}
    assert all(r["rank_p05"] <= r["rank"] <= r["rank_p95"] for r in payload["scorecard"])
    changed = tmp_path / "method.yaml"
    changed.write_text(default_method().to_yaml().replace("education: 0.18", "education: 0.3"), encoding="utf-8")
    other = runner.invoke(
        app,
        [
            "--db",
            writable_demo.url,
            "appraise",
            "--year",
            "2016",
            "--method",
            str(changed),
            "--no-uncertainty",
            "--format",
            "json",
        ],
    )
    assert json.loads(other.output)["method_version"] != payload["method_version"]
    # files: the long data layout with a year column
    rows = [
        {"region": r, "indicator": i, "year": y, "value": v, "domain": d, "direction": "higher"}
        for (r, base) in (("a", 1.0), ("b", 2.0), ("c", 3.0))
        for (i, d) in (("x", "D1"), ("y", "D2"))
        for (y, v) in ((2016, base), (2017, base * 1.1))
    ]
    data = tmp_path / "data.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    method = tmp_path / "m.yaml"
    method.write_text("name: files\nindicators: [{code: x}, {code: y}]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["appraise", "--year", "2017", "--data", str(data), "--method", str(method), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    card = {r["region"]: r for r in json.loads(result.output)["scorecard"]}
    assert card["c"]["rank"] == 1 and card["a"]["score"] == 0.0


def test_cli_appraise_errors_are_clear(demo_db: Database) -> None:
    result = runner.invoke(app, ["--db", demo_db.url, "appraise", "--year", "1999", "--no-save"])
    assert result.exit_code == 1 and "no data for 1999" in result.output


def test_every_target_is_checked_and_rolled_up(demo_db: Database) -> None:
    result = runner.invoke(app, ["--db", demo_db.url, "attainment", "--year", "2017", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 51 and {r["region"] for r in rows} == {"440400"}  # 50 of the plans, 1 access target
    assert {r["status_zh"] for r in rows} <= {"已达成", "进度正常", "进度滞后", "退步", "无数据"}
    rolled = json.loads(
        runner.invoke(
            app, ["--db", demo_db.url, "attainment", "--year", "2017", "--by", "domain", "--format", "json"]
        ).output
    )
    assert sum(r["targets"] for r in rolled) == 51
    for r in rolled:
        assert r["achieved"] + r["on_track"] + r["off_track"] + r["worsening"] + r["no_data"] == r["targets"]


def test_gap_indicators_score_the_inequality_inside_each_district(demo_db: Database) -> None:
    from jundeng.measure.report import within_group_gaps
    from jundeng.store.frames import indicator_frame

    result = appraise(demo_db, year=2017, with_uncertainty=False)
    gaps = result.composite.indicators
    cv_rows = gaps[gaps["indicator"] == "GAP_DISABLED_ENROLMENT_CV"].set_index("region")["value"]
    with demo_db.session() as session:
        towns = indicator_frame(session, indicator="EDU_DISABLED_CHILD_ENROLMENT", period="2017", level="town")
    expected = within_group_gaps(towns[towns["disaggregation"] == ""], "value", "district", "population", "cv")
    assert cv_rows.to_dict() == pytest.approx(expected.to_dict())
    best = cv_rows.idxmin()  # the most equal district gets the full score on this indicator
    score = gaps[(gaps["indicator"] == "GAP_DISABLED_ENROLMENT_CV") & (gaps["region"] == best)]["score"].item()
    assert score == pytest.approx(100.0)


@pytest.fixture
def two_programmes(demo_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A copy of the demo city (珠海) with a second programme beside it (钟祥市, a county)."""
    from jundeng.services import city

    db, drop = fresh_database("sqlite", demo_templates, tmp_path)
    city.init(db, code="420881", user="office")
    yield db
    drop()


def test_two_programmes_are_never_ranked_together(two_programmes: Database) -> None:
    """Without --under the appraisal refuses to mix cities; with it, it ranks that city's units only and the
    stored run reproduces on the same subtree."""
    with pytest.raises(ScopeError, match="choose one with --under"):
        appraise(two_programmes, year=2017, with_uncertainty=False)
    result = appraise(two_programmes, year=2017, with_uncertainty=False, under="440400", user="office")
    assert set(result.scorecard["region"]) == {"440402", "440403", "440404"}
    assert result.run_id is not None
    again = reproduce(two_programmes, result.run_id)
    assert same_scores(result.scorecard, again.scorecard)
    with pytest.raises(NotFoundError, match="unknown region code"):
        appraise(two_programmes, year=2017, with_uncertainty=False, under="999999")


def test_attainment_of_one_programme_only(two_programmes: Database) -> None:
    """The attainment table of a city never lists the other programme's targets; unchosen it refuses."""
    from jundeng.services.appraisal import target_attainment

    with pytest.raises(ScopeError):
        target_attainment(two_programmes, year=2017)
    zhuhai = target_attainment(two_programmes, year=2017, under="440400")
    assert len(zhuhai) > 0 and all(str(r).startswith("4404") for r in zhuhai["region"])


def test_zones_are_appraised_only_when_the_method_says_so_and_only_among_themselves(demo_db: Database) -> None:
    from jundeng.errors import JundengError

    with pytest.raises(JundengError, match="zones: true"):
        appraise(demo_db, year=2017, level="zone", with_uncertainty=False)
    method = default_method().model_copy(update={"zones": True})
    zones = appraise(demo_db, year=2017, method=method, level="zone", with_uncertainty=False).scorecard
    assert set(zones["region"]) == {"440400-HQ", "440400-GX", "440400-GLG", "440400-WS", "440400-BS"}
    assert sorted(zones["rank"]) == [1, 2, 3, 4, 5] and zones.set_index("region").loc["440400-HQ", "name"] == "横琴新区"
    districts = appraise(demo_db, year=2017, method=method, with_uncertainty=False).scorecard
    assert set(districts["region"]) == {"440402", "440403", "440404"}  # never ranked beside the zones
