"""``jundeng access import | coverage | score`` on files and on the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from jundeng.cli import app
from jundeng.measure import gini, theil
from jundeng.store.db import Database
from jundeng.store.models import AccessFacilityRow, AccessPointRow
from tests.conftest import write

runner = CliRunner()
# Three points and two bus stops on a line (metres): p1 100 m from s1, p2 400 m from s2, p3 1000 m from s2.
STOPS = "id,category,capacity,x,y\ns1,bus_stop,10,0,0\ns2,bus_stop,5,1000,0\nc1,clinic,3,0,0\n"
PEOPLE = "id,region,population,x,y\np1,A,100,100,0\np2,A,50,600,0\np3,B,200,2000,0\n"


@pytest.fixture
def files(tmp_path: Path) -> list[str]:
    return [
        "--facilities",
        str(write(tmp_path / "f.csv", STOPS)),
        "--population",
        str(write(tmp_path / "p.csv", PEOPLE)),
    ]


def _json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_coverage_json_by_hand(files: list[str]) -> None:
    args = ["access", "coverage", *files, "--epsg", "4547", "--category", "bus_stop", "--within", "500"]
    payload = _json(runner.invoke(app, [*args, "--format", "json"]))
    assert set(payload) == {"regions", "summary"}
    assert payload["regions"] == [
        {"region": "A", "population": 150.0, "covered": 150.0, "share": 1.0},
        {"region": "B", "population": 200.0, "covered": 0.0, "share": 0.0},
    ]
    summary = payload["summary"]
    assert isinstance(summary, dict)
    assert summary["share"] == pytest.approx(150 / 350) and summary["total"]["covered"] == 150
    # Gini = Σ_i Σ_j p_i p_j |x_i − x_j| / 2μ over the two regions, p = (150, 200)/350, μ = 150/350
    assert summary["gini"] == pytest.approx(2 * (150 / 350) * (200 / 350) / (2 * 150 / 350))
    assert summary["theil"] == pytest.approx(theil([1, 0], [150, 200]))
    table = runner.invoke(app, args)  # the default format is a table, grouped by region
    assert table.exit_code == 0 and "覆盖率 Coverage" in table.stdout and "0.4286" in table.stdout
    csv = runner.invoke(app, [*args, "--format", "csv"])
    assert csv.stdout.splitlines()[0] == "region,population,covered,share"


def test_score_json_keys_and_2sfca_by_hand(files: list[str]) -> None:
    args = ["access", "score", *files, "--epsg", "4547", "--category", "bus_stop", "--catchment", "1500"]
    payload = _json(runner.invoke(app, [*args, "--method", "2sfca", "--format", "json"]))
    assert set(payload) == {"points", "regions", "summary"}
    points = payload["points"]
    assert isinstance(points, list) and [set(p) for p in points] == [{"id", "score"}] * 3
    # s1 reaches p1, p2 (150 people), s2 reaches p1, p2, p3 (350): R = 10/150, 5/350
    r1, r2 = 10 / 150, 5 / 350
    assert [p["score"] for p in points] == pytest.approx([r1 + r2, r1 + r2, r2])
    regions = payload["regions"]
    assert isinstance(regions, list) and [set(r) for r in regions] == [{"region", "population", "score"}] * 2
    summary = payload["summary"]
    assert isinstance(summary, dict) and summary["gini"] == pytest.approx(gini([r1 + r2, r2], [150, 200]))
    default = _json(runner.invoke(app, [*args, "--format", "json"]))  # e2sfca with the catchment's thirds
    assert default["summary"]["weights"] == [[500, 1], [1000, 0.68], [1500, 0.22]]
    weighted = _json(runner.invoke(app, [*args[:-2], "--weights", "1000:1,2000:0.5", "--format", "json"]))
    assert weighted["summary"]["catchment"] == 2000
    csv = runner.invoke(app, [*args, "--format", "csv"])
    assert csv.stdout.splitlines()[0] == "id,score"


def test_a_cost_matrix_is_used_instead_of_the_straight_line(files: list[str], tmp_path: Path) -> None:
    cost = write(tmp_path / "od.csv", "origin,destination,cost\np1,s1,12\np2,s2,3\np3,s2,8\n")
    args = ["access", "coverage", *files, "--epsg", "4547", "--within", "10", "--cost", str(cost), "--format", "json"]
    payload = _json(runner.invoke(app, args))
    assert payload["regions"] == [
        {"region": "A", "population": 150.0, "covered": 50.0, "share": 50 / 150},
        {"region": "B", "population": 200.0, "covered": 200.0, "share": 1.0},
    ]


def test_bad_files_exit_1_with_their_location(files: list[str], tmp_path: Path) -> None:
    swapped = write(tmp_path / "g.csv", "id,category,capacity,lon,lat\ns1,bus,1,22.2,113.5\n")
    args = ["access", "coverage", "--facilities", str(swapped), "--population", files[3], "--within", "5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and result.stdout == ""
    assert "g.csv:2:5:" in result.output and "longitude and latitude look swapped" in result.output
    assert "经纬度可能颠倒" in result.output
    local = runner.invoke(app, ["access", "coverage", *files, "--within", "500", "--category", "bus_stop"])
    assert local.exit_code == 0 and "0.4286" in local.stdout  # x, y without EPSG: one local grid in metres
    lonlat = write(tmp_path / "ll.csv", "id,category,capacity,lon,lat\ns1,bus,1,113.5,22.2\n")
    mixed = runner.invoke(
        app, ["access", "coverage", "--facilities", str(lonlat), "--population", files[3], "--within", "5"]
    )
    assert mixed.exit_code == 1 and "without an EPSG code" in mixed.output and "EPSG 代码" in mixed.output
    one = runner.invoke(app, ["access", "coverage", "--facilities", files[1], "--within", "5"])
    assert one.exit_code == 2 and "--population" in one.output
    method = runner.invoke(app, ["access", "score", *files, "--epsg", "4547", "--method", "x", "--catchment", "1"])
    assert method.exit_code == 2 and "--method" in method.output
    weights = runner.invoke(app, ["access", "score", *files, "--epsg", "4547", "--weights", "1000"])
    assert weights.exit_code == 1 and "bound:weight" in weights.output


SITES = "id,category,capacity,lon,lat,region\nh1,clinic,5,113.551,22.271,440402001\nh2,clinic,5,113.301,22.211,\n"
POINTS = "id,region,population,lon,lat\np1,440402001,100,113.55,22.27\np2,440402105,50,113.70,22.10\n"
POINTS += "p3,440403001,200,113.30,22.21\n"


def _db_run(db: Database, *args: str) -> Result:
    return runner.invoke(app, ["--db", db.url, "--user", "clerk", *args])


def test_import_then_coverage_and_score_from_the_database(db: Database, tmp_path: Path) -> None:
    sites, people = write(tmp_path / "s.csv", SITES), write(tmp_path / "p.csv", POINTS)
    done = _db_run(db, "access", "import", "--facilities", str(sites), "--population", str(people))
    assert done.exit_code == 0 and "2 written" in done.output and "3 written" in done.output
    again = _db_run(db, "access", "import", "--population", str(people))
    assert again.exit_code == 0 and "3 unchanged" in again.output
    args = ["access", "coverage", "--within", "1000", "--under", "440400", "--format", "json"]
    payload = _json(_db_run(db, *args, "--by", "district"))
    assert [(r["region"], r["share"]) for r in payload["regions"]] == [("440402", 100 / 150), ("440403", 1.0)]
    assert 0 <= payload["summary"]["theil_between_district_share"] <= 1
    kinds = _json(_db_run(db, *args, "--by", "urban_rural"))
    assert [r["region"] for r in kinds["regions"]] == ["rural", "urban"]
    files = _json(_db_run(db, *args, "--by", "district", "--facilities", str(sites), "--population", str(people)))
    assert files["regions"] == payload["regions"]  # files grouped by the database's districts
    scored = _json(_db_run(db, "access", "score", "--method", "2sfca", "--catchment", "1000", "--format", "json"))
    assert [p["score"] for p in scored["points"]] == pytest.approx([5 / 100, 0, 5 / 200])
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AccessPointRow)) == 3
        created = session.scalars(select(AccessFacilityRow.created_by)).all()
    assert created == ["clerk", "clerk"]


def test_a_bad_import_stores_nothing_and_says_where(db: Database, tmp_path: Path) -> None:
    sites = write(tmp_path / "s.csv", SITES)
    people = write(tmp_path / "p.csv", POINTS.replace("440403001", "999999"))
    result = _db_run(db, "access", "import", "--facilities", str(sites), "--population", str(people))
    assert result.exit_code == 1 and "p.csv:4:2:" in result.output and "unknown region code" in result.output
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AccessFacilityRow)) == 0
    empty = _db_run(db, "access", "coverage", "--within", "10")
    assert empty.exit_code == 1 and "access import" in empty.output
    assert _db_run(db, "access", "import").exit_code == 2
