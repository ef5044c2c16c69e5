"""Issue 12's walk-through: 荆门 and 江门 set up in one empty database; each city's appraisal, gap table and
attainment table hold its own units only, fed by the roll-up of the towns they reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.services import regions
from jundeng.store.db import Database

runner = CliRunner()
RATES = ("CN_SI_PENSION_COVERAGE", "CN_SI_MEDICAL_COVERAGE", "CN_HLT_IMMUNIZATION")
TARGETS = """
targets:
  - {indicator: CN_SI_PENSION_COVERAGE, region: "420800", year: 2020, comparator: ">=", value: 90}
  - {indicator: CN_SI_PENSION_COVERAGE, region: "440700", year: 2020, comparator: ">=", value: 95}
"""
METHOD = """
name: 三项参保与免疫
indicators: [{code: CN_SI_PENSION_COVERAGE}, {code: CN_SI_MEDICAL_COVERAGE}, {code: CN_HLT_IMMUNIZATION}]
uncertainty: {replications: 50, sobol_samples: 16}
"""


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "office", *args])
    return result.exit_code, result.output


def as_json(out: str) -> Any:
    return json.loads(out[out.index("[") if out.lstrip().startswith("[") else out.index("{") :])


@pytest.fixture
def two_cities(empty_db: Database, tmp_path: Path) -> Database:
    """Both cities from the CLI, the towns' rates for 2017–2018 (numerators and denominators), two targets."""
    for code in ("420800", "440700"):
        exit_code, out = run(empty_db, "city", "init", code)
        assert exit_code == 0, out
    rows = []
    for n, town in enumerate(r.code for r in regions.regions(empty_db, level="town")):
        for year in (2017, 2018):
            for k, indicator in enumerate(RATES):
                den = 1000 + 10 * n
                num = den - (n * 7 + k * 13 + year) % 150
                rows.append((indicator, town, year, round(100 * num / den, 6), num, den))
    data = tmp_path / "towns.csv"
    pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "numerator", "denominator"]).to_csv(
        data, index=False
    )
    exit_code, out = run(empty_db, "import", str(data), "--status", "approved")
    assert exit_code == 0, out
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    exit_code, out = run(empty_db, "catalog", "load", str(targets))
    assert exit_code == 0, out
    return empty_db


def test_each_city_sees_only_its_own_units(two_cities: Database, tmp_path: Path) -> None:
    method = tmp_path / "method.yaml"
    method.write_text(METHOD, encoding="utf-8")
    for command in (
        ["appraise", "--year", "2018", "--method", str(method), "--no-save", "--no-uncertainty"],
        ["gaps", "--indicator", "CN_SI_PENSION_COVERAGE", "--period", "2018", "--level", "district"],
        ["attainment", "--year", "2018"],
    ):
        exit_code, out = run(two_cities, *command)
        assert exit_code != 0 and "--under" in out, (command, out)  # never mixes two cities unasked
    exit_code, out = run(
        two_cities, "appraise", "--year", "2018", "--under", "440700", "--method", str(method),
        "--no-save", "--no-uncertainty", "--format", "json",
    )  # fmt: skip
    assert exit_code == 0, out
    card = as_json(out)
    ranked = {r["region"] for r in (card["scorecard"] if isinstance(card, dict) else card)}
    assert ranked == {"440703", "440704", "440705", "440781", "440783", "440784", "440785"}  # 江门's 7, derived
    rows = card["scorecard"] if isinstance(card, dict) else card
    assert all(r["derived"] == sorted(RATES) for r in rows)  # every value shown was rolled up: said so
    exit_code, out = run(
        two_cities, "gaps", "--indicator", "CN_SI_PENSION_COVERAGE", "--period", "2018", "--level", "district",
        "--under", "420800", "--format", "json",
    )  # fmt: skip
    assert exit_code == 0, out
    assert "4407" not in out and "钟祥市" in out and "漳河新区" not in out  # counties only: zones are an overlay
    exit_code, out = run(two_cities, "attainment", "--year", "2018", "--under", "440700", "--format", "json")
    assert exit_code == 0, out
    table = as_json(out)
    assert [r["region"] for r in table] == ["440700"]
    assert table[0]["derived"] is True and table[0]["status"] != "no_data"  # rolled up from 82 towns


def test_city_init_says_where_the_map_comes_from(empty_db: Database) -> None:
    """Any city gets a map now, from the bundle where it has no file of its own (嘉峪关市 had none)."""
    exit_code, out = run(empty_db, "city", "init", "6202")
    assert exit_code == 0 and "地图 map: counties.json.gz (嘉峪关市)" in out, out
