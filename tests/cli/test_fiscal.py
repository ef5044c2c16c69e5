"""``jundeng fiscal needs | transfers | growth`` on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.measure import gini

runner = CliRunner()
DATA = "region,population,capacity,cost_index,dibao,school\nA,100,1000,1,10,20\nB,200,500,1.2,30,10\nC,50,5000,,0,5\n"
COSTS = "item,unit_cost\ndibao,100\nschool,50\n"
REGION_KEYS = {
    "region",
    "population",
    "capacity",
    "cost_index",
    "need",
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
    assert csv.exit_code == 0 and csv.stdout.startswith("region,population,capacity,cost_index,need,gap,transfer")
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
