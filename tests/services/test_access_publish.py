"""Access as an indicator: coverage computed from stored facilities and points, rolled up to every region and
year, stored as observations marked computed, and read by attainment like any other indicator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.errors import JundengError
from jundeng.services import access_db, catalog
from jundeng.services.access_publish import publish
from jundeng.store import observations_repo
from jundeng.store.db import Database
from tests.conftest import write

runner = CliRunner()
# Planar metres (EPSG:4547). Two communities of 翠香街道 (香洲区) and one village of 斗门区 (440403100).
POINTS = "id,region,population,x,y\np1,440402001001,300,0,0\np2,440402001002,100,2000,0\np3,440403100001,600,10000,0\n"
# s1 serves p1 since 2010; s2 (opened 2016) serves p3; s3 is a clinic next to p2.
STOPS = (
    "id,category,capacity,x,y,opening_year\n"
    "s1,bus_stop,1,100,0,2010\n"
    "s2,bus_stop,1,10300,0,2016\n"
    "s3,clinic,1,2000,10,2000\n"
)


@pytest.fixture
def stored(db: Database, tmp_path: Path) -> Database:
    access_db.import_files(
        db,
        facilities=write(tmp_path / "f.csv", STOPS),
        population=write(tmp_path / "p.csv", POINTS),
        user="clerk",
        epsg=4547,
    )
    catalog.load_file(db, source="access", user="clerk", bind_plan=False)
    return db


def _values(db: Database, indicator: str) -> dict[tuple[str, str], float]:
    with db.session() as session:
        obs = observations_repo.observations(session, indicators=[indicator])
    return {(r["region"], r["period"]): r["value"] for r in obs.iter_rows(named=True)}


def test_coverage_by_hand_at_every_level_and_year(stored: Database) -> None:
    done = publish(stored, indicator="ACC_BUS_STOP_500M", years=[2015, 2016], user="clerk")
    assert (done.regions, done.rows, done.written) == (8, 16, 16)  # 3 points, 2 towns, 2 districts, the city
    values = _values(stored, "ACC_BUS_STOP_500M")
    # 2015: only s1 is open: p1 (300) covered of 300 + 100 + 600
    assert values["440402001001", "2015"] == 100 and values["440402001002", "2015"] == 0
    assert values["440402001", "2015"] == pytest.approx(75.0)  # 300 / 400
    assert values["440403", "2015"] == 0 and values["440400", "2015"] == pytest.approx(30.0)  # 300 / 1000
    # 2016: s2 opens 300 m from p3: 900 / 1000
    assert values["440403", "2016"] == 100 and values["440400", "2016"] == pytest.approx(90.0)
    with stored.session() as session:
        obs = observations_repo.observations(session, indicators=["ACC_BUS_STOP_500M"])
    assert set(obs["status"]) == {"approved"} and set(obs["created_by"]) == {"clerk"}
    assert all(s.startswith("由设施与人口点计算") and "computed" in s for s in obs["source"])
    assert set(obs["numerator"].drop_nulls()) <= {0.0, 100.0, 300.0, 600.0, 900.0}
    again = publish(stored, indicator="ACC_BUS_STOP_500M", years=[2015, 2016], user="clerk")
    assert again.written == 0  # nothing changed: no new revision


def test_a_target_on_a_computed_indicator_is_checked(stored: Database, tmp_path: Path) -> None:
    publish(stored, indicator="ACC_BUS_STOP_500M", years=[2013, 2016], user="clerk")
    targets = (
        "targets:\n"
        "  - indicator: ACC_BUS_STOP_500M\n    region: '440400'\n    year: 2016\n    comparator: '>='\n"
        "    value: 75\n"
    )
    catalog.load_file(stored, source=write(tmp_path / "t.yaml", targets), user="clerk", bind_plan=False)
    result = runner.invoke(app, ["--db", stored.url, "attainment", "--year", "2016", "--format", "json"])
    rows = [r for r in json.loads(result.output) if r["indicator"] == "ACC_BUS_STOP_500M"]
    assert [(r["actual"], r["status"]) for r in rows] == [(pytest.approx(90.0), "achieved")]


def test_the_cli_publishes_and_refuses_what_it_cannot_compute(stored: Database) -> None:
    base = ["--db", stored.url, "--user", "clerk", "access", "publish"]
    done = runner.invoke(app, [*base, "--indicator", "ACC_CLINIC_1KM", "--years", "2016-2017"])
    assert done.exit_code == 0, done.output
    assert _values(stored, "ACC_CLINIC_1KM")["440402001002", "2017"] == 100  # the clinic 10 m from p2
    unknown = runner.invoke(app, [*base, "--indicator", "NOPE", "--years", "2016"])
    assert unknown.exit_code == 1 and "give --category and --within" in unknown.output
    missing = runner.invoke(app, [*base, "--indicator", "NOPE", "--years", "2016", "--category", "x", "--within", "1"])
    assert missing.exit_code == 1 and "no indicator NOPE" in missing.output
    bad = runner.invoke(app, [*base, "--indicator", "ACC_CLINIC_1KM", "--years", "20x6"])
    assert bad.exit_code == 2


def test_nothing_stored_means_a_clear_refusal(db: Database) -> None:
    catalog.load_file(db, source="access", user="clerk", bind_plan=False)
    with pytest.raises(JundengError, match="no demand points stored"):
        publish(db, indicator="ACC_BUS_STOP_500M", years=[2017], user="clerk")
