"""spark_gap_report equals gap_report figure for figure (Spark local[2]; one session for the module)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from jundeng.measure.report import GapReport, gap_report

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("cpu")]  # one worker: beside no timed test
pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Java 17 is needed for Spark (make java)", allow_module_level=True)

from jundeng.measure.spark.report import session, spark_gap_report  # noqa: E402


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] session for every test here."""
    yield session("local[2]", shuffle_partitions=2)


def people(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """Weighted people in provinces > cities > counties, with ties, zero weights, NaN rows and singletons."""
    rng = np.random.default_rng(seed)
    province = rng.choice(["P1", "P2", "P3"], n)
    city = np.char.add(province.astype(str), rng.choice(["-a", "-b"], n))
    county = np.char.add(city.astype(str), rng.choice(["/1", "/2", "/3"], n))
    frame = pd.DataFrame(
        {
            "province": province,
            "city": city,
            "county": county,
            "income": np.round(rng.lognormal(8, 0.7, n), -1),  # many ties
            "weight": rng.integers(0, 6, n).astype(float),  # zero weights
        }
    )
    frame.loc[0, ["province", "city", "county"]] = ["P4", "P4-z", "P4-z/9"]  # a group of one row
    frame.loc[1, ["province", "city", "county"]] = ["P5", "P5-z", "P5-z/9"]  # a group with zero weight
    frame.loc[1, "weight"] = 0.0
    frame.loc[rng.choice(n, 15, replace=False), "income"] = np.nan
    frame.loc[rng.choice(n, 5, replace=False), "weight"] = np.nan
    frame.loc[rng.choice(np.arange(2, n), 5, replace=False), "city"] = None
    return frame


def assert_same(ours: GapReport, local: GapReport) -> None:
    """Every figure of to_frame within 1e-9 relative; labels, counts, notes and floor identical."""
    assert (ours.units, ours.dropped, ours.notes) == (local.units, local.dropped, local.notes)
    a, b = ours.to_frame(), local.to_frame()
    keys = ["section", "by", "group", "measure", "label"]
    assert a.shape == b.shape
    pd.testing.assert_frame_equal(a[keys].astype(str), b[keys].astype(str))
    for column in ("value", "ci_low", "ci_high"):
        np.testing.assert_allclose(a[column].astype(float), b[column].astype(float), rtol=1e-9, atol=1e-12)
    assert (ours.floor is None) == (local.floor is None)
    if ours.floor is not None and local.floor is not None:
        for name, value in local.floor.__dict__.items():
            assert getattr(ours.floor, name) == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value)


def test_weighted_nested_report_from_parquet(spark: Any, tmp_path: Path) -> None:
    frame = people()
    path = tmp_path / "people.parquet"
    frame.to_parquet(path)
    nest = ["province", "city", "county"]
    ours = spark_gap_report(
        [str(path)], "income", "weight", ["province"], nested=nest, floor=2500.0, target=3500.0, spark=spark
    )
    local = gap_report(frame, "income", "weight", nest, floor=2500.0, target=3500.0)
    assert ours.nested is not None and len(ours.nested) == 4
    assert any("Dagum by county" in note for note in ours.notes) is False  # 13 counties: Dagum computed
    assert_same(ours, local)
    few = spark_gap_report([str(path)], "income", "weight", nest, spark=spark, max_dagum_groups=4)
    assert_same(few, gap_report(frame, "income", "weight", nest, max_dagum_groups=4))
    assert any(note.startswith("Dagum by city") for note in few.notes)


def test_unweighted_csv_files_lower_is_better_with_zeros(spark: Any, tmp_path: Path) -> None:
    frame = people(900, seed=11).drop(columns="weight")
    frame["all"] = "one"  # a single group
    frame.loc[frame.index[2:42], "income"] = 0.0  # MLD and Atkinson(1) undefined: notes
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    frame.iloc[:500].to_csv(first, index=False)
    frame.iloc[500:].to_csv(second, index=False)
    ours = spark_gap_report(
        [str(first), str(second)], "income", None, ["all", "province"], direction="lower", floor=900.0, spark=spark
    )
    from jundeng.io.frames import read_frame

    both = pd.concat([read_frame(first), read_frame(second)], ignore_index=True)
    local = gap_report(both, "income", None, ["all", "province"], direction="lower", floor=900.0)
    assert any("MLD" in note for note in local.notes)
    assert_same(ours, local)


def test_negative_weights_and_values_give_the_local_notes(spark: Any, tmp_path: Path) -> None:
    frame = people(300, seed=2)
    frame.loc[[20, 40, 41], "income"] = -5.0
    path = tmp_path / "bad.parquet"
    frame.to_parquet(path)
    ours = spark_gap_report([str(path)], "income", "weight", ["province"], spark=spark)
    assert_same(ours, gap_report(frame, "income", "weight", ["province"]))
    frame.loc[[7, 9], "weight"] = -1.0
    frame.to_parquet(path)
    ours = spark_gap_report([str(path)], "income", "weight", ["province"], floor=100.0, spark=spark)
    local = gap_report(frame, "income", "weight", ["province"], floor=100.0)
    assert any("weights must be finite and non-negative" in note for note in local.notes)
    assert_same(ours, local)


def test_cli_spark_json_equals_local_json(spark: Any, tmp_path: Path) -> None:
    from jundeng.cli import app

    path = tmp_path / "people.parquet"
    people(700, seed=3).to_parquet(path)
    args = ["measure", str(path), "--value", "income", "--weight", "weight", "--nested", "province,city"]
    args += ["--floor", "2000", "--format", "json"]
    runner = CliRunner()
    local = runner.invoke(app, [*args, "--engine", "local"])
    ours = runner.invoke(app, [*args, "--engine", "spark", "--master", "local[2]"])
    assert local.exit_code == 0 and ours.exit_code == 0, ours.output
    a, b = json.loads(ours.stdout), json.loads(local.stdout)
    assert {k: v for k, v in a.items() if k != "rows"} == {k: v for k, v in b.items() if k != "rows"}
    assert len(a["rows"]) == len(b["rows"])
    for mine, theirs in zip(a["rows"], b["rows"], strict=True):
        for key, value in theirs.items():
            same = mine[key] == pytest.approx(value, rel=1e-9) if isinstance(value, float) else mine[key] == value
            assert same, (key, mine, theirs)
    refused = runner.invoke(app, [*args, "--engine", "spark", "--bootstrap", "50"])
    assert refused.exit_code == 2 and "local-only" in refused.output
