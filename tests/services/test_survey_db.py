"""Surveys on the database: a wave imported (unknown regions refused, nothing stored), estimated as from the file,
re-imported as a new revision, published as observations with their SE beside them, and a target judged with the
estimate's interval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.domain.regions import Region
from jundeng.errors import InputError
from jundeng.services import catalog, survey, survey_db
from jundeng.services.regions import regions
from jundeng.store import observations_repo, survey_repo
from jundeng.store.db import Database
from jundeng.store.models import SurveyResponseRow
from tests.conftest import write

runner = CliRunner()
QUESTIONNAIRE = """\
code: SAT
title: 满意度
items:
  - {code: Q1, text: 就业服务, scale: [1, 2, 3, 4, 5], satisfied: [4, 5], indicator: SAT_JOB}
  - {code: Q2, text: 卫生服务, scale: [1, 2, 3, 4, 5], satisfied: [4, 5]}
"""
CATALOGUE = """\
domains:
  - {code: employment, name: 就业}
indicators:
  - {code: SAT_JOB, name: 就业服务满意率, domain: employment, unit: "%", numerator: 满意人数, denominator: 受访人数}
targets:
  - {indicator: SAT_JOB, region: "440400", year: 2017, comparator: ">", value: 60}
  - {indicator: SAT_JOB, region: "440402", year: 2017, comparator: ">=", value: 0.5}
"""
ROWS = [
    # id, region (village), urban_rural, weight, stratum, psu, Q1, Q2
    (1, "440402001001", "urban", 10, "440402", "p1", 5, 4),
    (2, "440402001002", "urban", 12, "440402", "p1", 4, 2),
    (3, "440402001003", "urban", 8, "440402", "p2", 2, 5),
    (4, "440402001004", "urban", 9, "440402", "p2", 4, 4),
    (5, "440403100001", "urban", 11, "440403", "p3", 5, 1),
    (6, "440403100002", "urban", 7, "440403", "p3", 3, 3),
    (7, "440403100003", "urban", 6, "440403", "p4", 1, 5),
    (8, "440403100200", "urban", 9, "440403", "p4", 4, 4),
]
DATA = "id,region,urban_rural,weight,stratum,psu,Q1,Q2\n" + "".join(",".join(map(str, r)) + "\n" for r in ROWS)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "wave.csv", DATA), write(tmp_path / "q.yaml", QUESTIONNAIRE)


def test_a_stored_wave_estimates_as_the_file_does(db: Database, files: tuple[Path, Path]) -> None:
    done = survey_db.import_wave(db, *files, year=2017, user="clerk")
    assert (done.wave, done.revision, done.respondents) == ("SAT-2017", 1, 8)
    stored = survey_db.estimate_db(db, item="Q1", by=["district"], year=2017)
    direct = survey.estimate_file(*files, item="Q1", by=["district"], regions=_regions(db))
    assert stored.cells.drop(columns=[]).equals(direct.cells)
    again = survey_db.import_wave(db, *files, year=2017, user="clerk")
    assert again.revision == 2  # a re-import is a new revision; the first is kept
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(SurveyResponseRow)).scalar() == 16


def test_an_unknown_region_is_located_and_nothing_is_stored(db: Database, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", DATA.replace("440403100200", "999999999999"))
    with pytest.raises(InputError) as caught:
        survey_db.import_wave(db, bad, write(tmp_path / "q.yaml", QUESTIONNAIRE), year=2017, user="clerk")
    assert "bad.csv:9:2" in str(caught.value) and "999999999999" in str(caught.value)
    with db.session() as session:
        assert survey_repo.waves(session).empty


def test_published_estimates_are_observations_with_their_se_and_targets_are_judged(
    db: Database, files: tuple[Path, Path], tmp_path: Path
) -> None:
    catalog.load_file(db, source=write(tmp_path / "c.yaml", CATALOGUE), user="clerk", bind_plan=False)
    survey_db.import_wave(db, *files, year=2017, user="clerk")
    done = survey_db.publish(db, user="clerk", year=2017)
    assert done.items == {"Q1": "SAT_JOB"} and done.written == 3  # the city and two districts
    total = survey_db.estimate_db(db, item="Q1", year=2017).cells.iloc[0]
    with db.session() as session:
        obs = observations_repo.observations(session, indicators=["SAT_JOB"]).to_pandas().set_index("region")
        kept = survey_repo.estimates(session, indicator="SAT_JOB").set_index("region")
    assert obs.loc["440400", "value"] == pytest.approx(total["estimate"] * 100)  # a share × 100 for %
    assert kept.loc["440400", "se"] == pytest.approx(total["se"] * 100) and kept.loc["440400", "n"] == 8
    assert set(obs.index) == {"440400", "440402", "440403"} and str(obs.loc["440400", "source"]).startswith(
        "抽样调查估计"
    )
    judged = survey_db.judged(db, year=2017).set_index("region")
    low, high = total["ci_low"] * 100, total["ci_high"] * 100
    assert low < 60 < high and judged.loc["440400", "judgement"] == "undetermined"  # the interval straddles 60 %
    district = kept.loc["440402"]
    assert district["ci_low"] >= 0.5 and judged.loc["440402", "judgement"] == "met"
    result = runner.invoke(app, ["--db", db.url, "survey", "targets", "--year", "2017", "--format", "json"])
    assert {t["judgement"] for t in json.loads(result.stdout)["targets"]} == {"met", "undetermined"}


def test_the_cli_imports_estimates_and_publishes(db: Database, files: tuple[Path, Path]) -> None:
    base = ["--db", db.url, "--user", "clerk", "survey"]
    done = runner.invoke(app, [*base, "import", str(files[0]), "--questionnaire", str(files[1]), "--year", "2017"])
    assert done.exit_code == 0 and "8" in done.output, done.output
    result = runner.invoke(app, [*base, "estimate", "--item", "Q2", "--by", "district", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [c["group"] for c in json.loads(result.stdout)["cells"]] == ["440402", "440403"]
    missing = runner.invoke(app, [*base, "estimate", "--item", "Q2", "--year", "2030"])
    assert missing.exit_code == 1 and "survey import" in missing.output


def _regions(db: Database) -> list[Region]:
    return list(regions(db))


def test_the_demo_survey_is_stratified_synthetic_and_estimable(demo_db: Database) -> None:
    found = survey_db.stored_wave(demo_db, year=2017)
    assert found.name == "ZH-SAT-2017" and "synthetic" in (found.source or "")
    frame = found.micro.frame
    assert 1_000 <= len(frame) <= 5_000 and frame["stratum"].nunique() == 6
    cells = survey_db.estimate_db(demo_db, item="Q1", by=["district"], year=2017).cells.set_index("group")
    assert set(cells.index) == {"440402", "440403", "440404"}
    share = cells["estimate"].to_dict()
    assert share["440402"] > share["440403"]  # 香洲 more satisfied than 斗门
    assert (cells["se"] > 0).all() and (cells["ci_low"] < cells["estimate"]).all()


def test_the_year_comes_from_the_file_when_not_given(db: Database, tmp_path: Path) -> None:
    lines = DATA.splitlines()
    dated = "\n".join([lines[0] + ",year", *(line + ",2016" for line in lines[1:])]) + "\n"
    form = write(tmp_path / "q.yaml", QUESTIONNAIRE)
    done = runner.invoke(
        app, ["--db", db.url, "survey", "import", str(write(tmp_path / "d.csv", dated)), "--questionnaire", str(form)]
    )
    assert done.exit_code == 0 and "SAT-2016" in done.output, done.output
    undated = runner.invoke(
        app, ["--db", db.url, "survey", "import", str(write(tmp_path / "u.csv", DATA)), "--questionnaire", str(form)]
    )
    assert undated.exit_code == 1 and "--year" in undated.output
