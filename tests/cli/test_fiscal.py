"""``jundeng fiscal needs | transfers | growth`` on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from jundeng.cli import app
from jundeng.measure import gini
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, FiscalFactRow
from tests.conftest import write

runner = CliRunner()
DATA = "region,population,capacity,cost_index,dibao,school\nA,100,1000,1,10,20\nB,200,500,1.2,30,10\nC,50,5000,,0,5\n"
COSTS = "item,unit_cost\ndibao,100\nschool,50\n"
REGION_KEYS = {
    "region",
    "population",
    "capacity",
    "cost_index",
    "need",
    "need_district",
    "gap",
    "transfer",
    "remaining_gap",
    "per_capita_before",
    "per_capita_after",
}
SUMMARY_KEYS = {
    "pool",
    "coefficient",
    "total_need",
    "total_need_district",
    "total_capacity",
    "total_gap",
    "total_transfer",
    "unspent",
    "gap_closed",
    "regions_with_gap",
    "gini_before",
    "gini_after",
    "theil_before",
    "theil_after",
    "cv_before",
    "cv_after",
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    data, costs = tmp_path / "data.csv", tmp_path / "costs.csv"
    data.write_text(DATA, encoding="utf-8")
    costs.write_text(COSTS, encoding="utf-8")
    return str(data), str(costs)


def test_transfers_json(files: tuple[str, str]) -> None:
    data, costs = files
    args = ["fiscal", "transfers", "--data", data, "--costs", costs, "--pool", "2350", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"regions", "summary"}
    assert [set(r) for r in payload["regions"]] == [REGION_KEYS] * 3
    assert set(payload["summary"]) == SUMMARY_KEYS
    assert [r["transfer"] for r in payload["regions"]] == pytest.approx([500, 1850, 0])
    assert payload["summary"]["coefficient"] == pytest.approx(0.5)
    assert payload["summary"]["gini_after"] == pytest.approx(gini([15, 11.75, 100], [100, 200, 50]))


def test_transfers_simulation_floor_cap_table_and_csv(files: tuple[str, str]) -> None:
    data, costs = files
    base = ["fiscal", "transfers", "--data", data, "--costs", costs, "--pool", "3000"]
    result = runner.invoke(
        app, [*base, "--pools", "0,1000,5000", "--floor", "1000", "--cap", "2000", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r["transfer"] for r in payload["regions"]] == pytest.approx([1000, 2000, 0])
    assert [s["pool"] for s in payload["simulation"]] == [0, 1000, 5000]
    assert [s["unspent"] for s in payload["simulation"]] == pytest.approx([0, 0, 2000])
    table = runner.invoke(app, [*base, "--pools", "0,1000"])
    assert table.exit_code == 0 and "gini_after" in table.stdout and "资金池模拟" in table.stdout
    csv = runner.invoke(app, [*base, "--format", "csv"])
    assert csv.exit_code == 0 and csv.stdout.startswith(
        "region,population,capacity,cost_index,need,need_district,gap,transfer"
    )
    bad = runner.invoke(app, [*base, "--pools", "1,x"])
    assert bad.exit_code == 2


def test_needs_and_growth(files: tuple[str, str], tmp_path: Path) -> None:
    data, costs = files
    result = runner.invoke(app, ["fiscal", "needs", "--data", data, "--costs", costs, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["need"] for r in json.loads(result.stdout)["regions"]] == [2000, 4200, 250]
    spending = tmp_path / "spending.csv"
    spending.write_text("region,year,spending,revenue\nA,2020,100,100\nA,2021,110,110\n", encoding="utf-8")
    result = runner.invoke(app, ["fiscal", "growth", "--data", str(spending), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [y["ok"] for y in payload["years"]] == [None, False]  # equal growth is not 高于
    assert payload["regions"][0]["years_failed"] == [2021]


def test_an_unknown_item_exits_1_with_its_location(files: tuple[str, str], tmp_path: Path) -> None:
    data, costs = files
    Path(data).write_text("region,population,capacity,dibao,clinic\nA,1,1,1,1\n", encoding="utf-8")
    result = runner.invoke(
        app, ["fiscal", "transfers", "--data", data, "--costs", costs, "--pool", "1", "--format", "json"]
    )
    assert result.exit_code == 1
    assert "data.csv:1:5:" in result.output and "unknown item 'clinic'" in result.output
    assert result.stdout == ""  # nothing written


def test_a_zero_population_exits_1_with_its_location(files: tuple[str, str]) -> None:
    data, costs = files
    Path(data).write_text("region,population,capacity,dibao\nA,0,1,1\n", encoding="utf-8")
    result = runner.invoke(app, ["fiscal", "needs", "--data", data, "--costs", costs])
    assert result.exit_code == 1 and "data.csv:2:2:" in result.output and result.stdout == ""


def test_data_is_required_for_now(files: tuple[str, str]) -> None:
    result = runner.invoke(app, ["fiscal", "transfers", "--costs", files[1], "--pool", "1"])
    assert result.exit_code == 2 and "--data" in result.output


FACTS = (
    "region,year,population,capacity,spending,revenue,transfers,cost_index,dibao,school\n"
    "440400,2016,350,6500,,,,,40,35\n"
    "440402,2016,100,1000,900,800,,1,10,20\n"
    "440403,2016,200,500,500,400,100,1.2,30,10\n"
    "440404,2016,50,5000,300,300,,,0,5\n"
    "440402,2015,100,900,800,750,,1,10,20\n"
)


def _db_run(db: Database, *args: str) -> Result:
    return runner.invoke(app, ["--db", db.url, "--user", "clerk", *args])


def test_import_then_transfers_needs_and_growth_from_the_database(db: Database, tmp_path: Path) -> None:
    facts, costs = write(tmp_path / "facts.csv", FACTS), write(tmp_path / "costs.csv", COSTS + "")
    done = _db_run(db, "fiscal", "import-costs", str(costs))
    assert done.exit_code == 0 and "2 written" in done.output
    assert _db_run(db, "fiscal", "import", str(facts)).exit_code == 0
    result = _db_run(db, "fiscal", "transfers", "--year", "2016", "--pool", "2350", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r["region"] for r in payload["regions"]] == ["440402", "440403", "440404"]  # districts, not the city
    assert [r["transfer"] for r in payload["regions"]] == pytest.approx([500, 1850, 0])
    assert payload["summary"]["coefficient"] == pytest.approx(0.5)
    city = _db_run(db, "fiscal", "needs", "--year", "2016", "--level", "city", "--format", "json")
    assert json.loads(city.stdout)["regions"][0]["need"] == pytest.approx(40 * 100 + 35 * 50)
    growth = json.loads(_db_run(db, "fiscal", "growth", "--format", "json").stdout)
    passed = [y["ok"] for y in growth["years"] if y["region"] == "440402" and y["year"] == 2016]
    assert passed == [True]  # 900/800 − 1 = 12.5 % > 800/750 − 1 = 6.7 %
    coverage = {(y["region"], y["year"]): y["need_coverage"] for y in growth["years"]}
    assert coverage["440402", 2016] == pytest.approx(900 / 2000)  # spending / (10 × 100 + 20 × 50)
    with db.session() as session:
        audits = session.execute(select(AuditRow.user).where(AuditRow.entity.like("fiscal%"))).scalars().all()
        received = session.execute(select(FiscalFactRow.transfers_received).where(FiscalFactRow.region == "440403"))
        assert list(received.scalars()) == [100]
    assert audits == ["clerk", "clerk"]


def test_a_bad_import_changes_nothing_and_says_where(db: Database, tmp_path: Path) -> None:
    assert _db_run(db, "fiscal", "import-costs", str(write(tmp_path / "costs.csv", COSTS))).exit_code == 0
    assert _db_run(db, "fiscal", "import", str(write(tmp_path / "ok.csv", FACTS))).exit_code == 0
    bad = FACTS.replace("440404,2016,50,5000", "440404,2016,50,9999") + "999999,2016,10,1,,,,,1,1\n"
    bad = bad.replace("440403,2016,200", "440403,2016,-5")
    result = _db_run(db, "fiscal", "import", str(write(tmp_path / "bad.csv", bad)))
    assert result.exit_code == 1
    assert "bad.csv:4:3" in result.output  # the negative population, not the unknown region yet
    unknown = _db_run(db, "fiscal", "import", str(write(tmp_path / "bad2.csv", bad.replace("-5", "200"))))
    assert unknown.exit_code == 1 and "bad2.csv:7:1" in unknown.output and "999999" in unknown.output
    item = _db_run(db, "fiscal", "import", str(write(tmp_path / "bad3.csv", FACTS.replace("school", "schol"))))
    assert (
        item.exit_code == 1 and "bad3.csv:1:10:" in item.output and "unknown item 'schol'" in item.output
    )  # neither catalogue nor costs
    with db.session() as session:
        stored = session.execute(select(FiscalFactRow.capacity).where(FiscalFactRow.region == "440404")).scalars()
        assert list(stored) == [5000]


def test_the_database_form_needs_a_year_and_stored_costs(db: Database, tmp_path: Path) -> None:
    assert _db_run(db, "fiscal", "needs").exit_code == 2
    assert _db_run(db, "fiscal", "needs", "--year", "2016").exit_code == 1  # nothing stored
    assert _db_run(db, "fiscal", "import-costs", str(write(tmp_path / "c1.csv", COSTS))).exit_code == 0
    assert _db_run(db, "fiscal", "import", str(write(tmp_path / "f.csv", FACTS))).exit_code == 0
    costs = write(tmp_path / "c.csv", "item,unit_cost\ndibao,100\n")  # a costs file without school
    result = _db_run(db, "fiscal", "needs", "--year", "2016", "--costs", str(costs))
    assert result.exit_code == 1 and "import-costs" in result.output and "school" in result.output
    costs = write(tmp_path / "c.csv", COSTS)
    assert _db_run(db, "fiscal", "needs", "--year", "2016", "--costs", str(costs)).exit_code == 0


def test_the_gap_on_the_districts_own_share(tmp_path: Path) -> None:
    data = write(tmp_path / "data.csv", DATA)
    costs = write(tmp_path / "costs.csv", "item,unit_cost,city_share\ndibao,100,0.5\nschool,50,0\n")
    base = ["fiscal", "needs", "--data", str(data), "--costs", str(costs), "--format", "json"]
    total = json.loads(runner.invoke(app, base).stdout)["regions"]
    own = json.loads(runner.invoke(app, [*base, "--basis", "district"]).stdout)["regions"]
    assert [r["need_district"] for r in total] == pytest.approx([1500, 2400, 250])
    assert [r["gap"] for r in total] == pytest.approx([1000, 3700, 0])
    assert [r["gap"] for r in own] == pytest.approx([500, 1900, 0])
    bad = runner.invoke(app, [*base, "--basis", "city"])
    assert bad.exit_code == 1 and "basis must be total or district" in bad.output
