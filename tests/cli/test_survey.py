"""``jundeng survey estimate`` on files: JSON keys, --mean, lonely PSUs, CSV and table, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from jundeng.cli import app
from jundeng.store.db import Database
from jundeng.survey import Design, mean, proportion
from tests.conftest import write

runner = CliRunner()
QUESTIONNAIRE = """\
code: SAT
title: 满意度
items:
  - {code: Q3, text: 卫生服务, scale: [1, 2, 3, 4, 5], satisfied: [4, 5]}
"""
DATA = (
    "id,region,urban_rural,weight,stratum,psu,Q3\n"
    "1,440402001,urban,10,A,a1,5\n"
    "2,440402001,urban,12,A,a1,4\n"
    "3,440402105,rural,8,A,a2,2\n"
    "4,440403001,urban,11,B,b1,5\n"
    "5,440403001,rural,7,B,b2,3\n"
    "6,440403001,rural,6,B,b2,\n"
)
WEIGHT = np.array([10, 12, 8, 11, 7, 6], dtype=float)
Q3 = np.array([5, 4, 2, 5, 3, np.nan])
KEYS = {"group", "estimate", "se", "ci_low", "ci_high", "n", "deff", "n_eff", "small"}


@pytest.fixture
def base(tmp_path: Path) -> list[str]:
    data, form = write(tmp_path / "d.csv", DATA), write(tmp_path / "q.yaml", QUESTIONNAIRE)
    return ["survey", "estimate", "--data", str(data), "--questionnaire", str(form), "--item", "Q3"]


def _json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_json_keys_and_values(base: list[str]) -> None:
    payload = _json(runner.invoke(app, [*base, "--by", "urban_rural", "--format", "json"]))
    assert set(payload) == {"cells", "item", "kind"} and payload["kind"] == "share"
    assert [set(c) for c in payload["cells"]] == [KEYS, KEYS]
    assert [c["group"] for c in payload["cells"]] == ["rural", "urban"]
    design = Design(WEIGHT, np.array(list("AAABBB"), dtype=object), np.array(["a1", "a1", "a2", "b1", "b2", "b2"]))
    satisfied = np.where(np.isnan(Q3), np.nan, (Q3 >= 4).astype(float))
    direct = proportion(satisfied, design, domain=["urban", "urban", "rural", "urban", "rural", "rural"])
    for cell, want in zip(payload["cells"], direct, strict=True):
        assert cell["estimate"] == pytest.approx(want.estimate) and cell["se"] == pytest.approx(want.se)
        assert cell["n"] == want.n and cell["small"] is True
    assert payload["cells"][0]["estimate"] == 0.0 and payload["cells"][1]["estimate"] == 1.0


def test_mean(base: list[str]) -> None:
    payload = _json(runner.invoke(app, [*base, "--mean", "--format", "json"]))
    design = Design(WEIGHT, np.array(list("AAABBB"), dtype=object), np.array(["a1", "a1", "a2", "b1", "b2", "b2"]))
    want = mean(Q3, design)[0]
    assert payload["kind"] == "mean" and len(payload["cells"]) == 1
    cell = payload["cells"][0]
    assert cell["group"] == "total" and cell["estimate"] == pytest.approx(want.estimate)
    assert cell["estimate"] == pytest.approx((50 + 48 + 16 + 55 + 21) / 48)
    assert cell["deff"] == pytest.approx(want.deff) and cell["n"] == 5


def test_table_flags_small_cells_and_csv(base: list[str]) -> None:
    table = runner.invoke(app, base)
    assert table.exit_code == 0, table.output
    assert "total" in table.stdout and "样本少" in table.stdout and "small n" in table.stdout
    csv = runner.invoke(app, [*base, "--format", "csv"])
    assert csv.exit_code == 0 and csv.stdout.splitlines()[0] == "group,estimate,se,ci_low,ci_high,n,deff,n_eff,small"
    big = runner.invoke(app, [*base, "--min-n", "1"])
    assert big.exit_code == 0 and "样本少" not in big.stdout


def test_lonely_psu_refused_with_the_hint_then_accepted(tmp_path: Path, base: list[str]) -> None:
    lonely = write(tmp_path / "l.csv", DATA.replace(",A,a2,", ",A,a1,"))
    args = [*base[:2], "--data", str(lonely), *base[4:], "--format", "json"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and "stratum A has a single PSU" in refused.output
    assert "--lonely certainty" in refused.output and refused.stdout == ""
    accepted = _json(runner.invoke(app, [*args, "--lonely", "certainty"]))
    assert accepted["cells"][0]["se"] > 0


def test_input_errors_exit_1(tmp_path: Path, base: list[str]) -> None:
    bad = write(tmp_path / "b.csv", DATA.replace("1,440402001,urban,10,A,a1,5", "1,440402001,urban,0,A,a1,9"))
    result = runner.invoke(app, [*base[:2], "--data", str(bad), *base[4:]])
    assert result.exit_code == 1 and "b.csv:2:4:" in result.output and "b.csv:2:7:" in result.output
    assert "off the scale of item Q3" in result.output and "不在题目 Q3 的量表" in result.output
    unknown = runner.invoke(app, [*base[:-1], "Q9"])
    assert unknown.exit_code == 1 and "has no item 'Q9'" in unknown.output
    group = runner.invoke(app, [*base, "--by", "hukou"])
    assert group.exit_code == 1 and "cannot group by 'hukou'" in group.output
    explicit = runner.invoke(app, [*base, "--psu", "cluster"])
    assert explicit.exit_code == 1 and "missing psu column 'cluster'" in explicit.output


@pytest.mark.parametrize(
    ("option", "value"),
    [("--format", "xml"), ("--lonely", "skip"), ("--ci", "exact"), ("--level", "95")],
)
def test_bad_options_exit_2(base: list[str], option: str, value: str) -> None:
    result = runner.invoke(app, [*base, option, value])
    assert result.exit_code == 2 and option in result.output


def test_without_data_the_database_is_read(base: list[str], db: Database) -> None:
    result = runner.invoke(app, ["--db", db.url, *base[:2], "--item", "Q3"])
    assert result.exit_code == 1 and "survey import" in result.output  # nothing stored yet: say how to store it
    no_form = runner.invoke(app, [*base[:4], "--item", "Q3"])
    assert no_form.exit_code == 2 and "--questionnaire" in no_form.output


def test_by_district_reads_the_regions_of_the_database(db: Database, base: list[str]) -> None:
    payload = _json(runner.invoke(app, ["--db", db.url, *base, "--by", "district", "--format", "json"]))
    assert [c["group"] for c in payload["cells"]] == ["440402", "440403"]
    assert [c["n"] for c in payload["cells"]] == [3, 2]


def test_post_stratification_to_known_totals(base: list[str], tmp_path: Path) -> None:
    totals = write(tmp_path / "totals.csv", "cell,total\nurban,600\nrural,400\n")
    args = [*base, "--post-stratify", "urban_rural", "--totals", str(totals), "--format", "json"]
    payload = _json(runner.invoke(app, args))
    # urban weights 10, 12, 11 → ×600/33; rural 8, 7, 6 → ×400/21 (row 6 has no answer but keeps its weight)
    weight = np.where(np.array([1, 1, 0, 1, 0, 0]) == 1, WEIGHT * 600 / 33, WEIGHT * 400 / 21)
    design = Design(weight, np.array(list("AAABBB"), dtype=object), np.array(["a1", "a1", "a2", "b1", "b2", "b2"]))
    satisfied = np.where(np.isnan(Q3), np.nan, (Q3 >= 4).astype(float))
    want = proportion(satisfied, design)[0]
    assert payload["cells"][0]["estimate"] == pytest.approx(want.estimate)
    assert payload["cells"][0]["se"] == pytest.approx(want.se)
    bad = write(tmp_path / "bad.csv", "cell,total\nurban,600\nurban,0\n")
    refused = runner.invoke(app, [*base, "--post-stratify", "urban_rural", "--totals", str(bad)])
    assert refused.exit_code == 1 and "bad.csv:3:1" in refused.output and "bad.csv:3:2" in refused.output
    half = runner.invoke(app, [*base, "--post-stratify", "urban_rural"])
    assert half.exit_code == 2
