"""The ``measure``, ``gaps`` and ``trend`` commands on a file and on the database."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.measure import gini
from jundeng.store.db import Database

runner = CliRunner()


def test_measure_command_on_csv_and_xlsx(frame: pd.DataFrame, tmp_path: Path) -> None:
    csv = tmp_path / "data.csv"
    frame.to_csv(csv, index=False, encoding="gbk")
    result = runner.invoke(
        app, ["measure", str(csv), "--value", "value", "--weight", "pop", "--by", "district", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    gini_row = next(r for r in payload["rows"] if r["measure"] == "gini" and r["section"] == "summary")
    assert gini_row["value"] == pytest.approx(gini(frame["value"], frame["pop"]))
    xlsx = tmp_path / "data.xlsx"
    frame.to_excel(xlsx, index=False)
    result = runner.invoke(app, ["measure", str(xlsx), "--value", "value", "--format", "csv"])
    assert result.exit_code == 0 and result.output.startswith("section,by,group,measure")
    result = runner.invoke(app, ["measure", str(csv), "--value", "nope"])
    assert result.exit_code == 1 and "missing columns" in result.output


def test_gaps_command_on_the_demo_database(demo_db: Database) -> None:
    db = demo_db
    args = [
        "--db",
        db.url,
        "gaps",
        "--indicator",
        "SOC_DIBAO_STANDARD",
        "--period",
        "2017",
        "--by",
        "district",
        "--by",
        "urban_rural",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    groups = {r["group"] for r in payload["rows"] if r["section"] == "group"}
    assert "香洲区 (440402)" in groups and "rural" in groups
    bad = runner.invoke(app, ["--db", db.url, "gaps", "--indicator", "NOPE", "--period", "2017"])
    assert bad.exit_code == 1 and "unknown indicator" in bad.output


def test_trend_command_reports_sigma_and_beta(demo_db: Database) -> None:
    result = runner.invoke(app, ["--db", demo_db.url, "trend", "--indicator", "SOC_DIBAO_STANDARD", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.output)}
    assert [k for k in rows if k.startswith("σ cv ")] == [f"σ cv {y}" for y in range(2013, 2018)]
    # the demo profile makes the 低保 gaps narrow: dispersion falls and poorer towns grow faster
    assert rows["σ slope / yr"]["value"] < 0 and "converging" in rows["σ slope / yr"]["detail"]
    assert rows["β"]["value"] < 0
