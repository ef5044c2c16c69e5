"""The command line as a user runs it: init, catalogue, regions, import, export, template, dump/restore."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jundeng.cli import app
from jundeng.store.db import Database
from tests.conftest import MINI_CATALOG, write

runner = CliRunner()


def run(db: Database, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db.url, "--user", "cli-user", *args])
    return result.exit_code, result.output


@pytest.fixture
def cli_db(empty_db: Database, tmp_path: Path) -> Database:
    assert run(empty_db, "init")[0] == 0
    assert run(empty_db, "regions", "load")[0] == 0
    assert run(empty_db, "catalog", "load", str(write(tmp_path / "mini.yaml", MINI_CATALOG)))[0] == 0
    return empty_db


def test_uninitialized_database_is_explained(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "none.sqlite"), "catalog", "list"])
    assert result.exit_code == 2
    assert "jundeng init" in result.output


def test_catalog_and_regions_listing_as_json(cli_db: Database) -> None:
    code, out = run(cli_db, "catalog", "list", "--format", "json")
    assert code == 0
    assert [i["code"] for i in json.loads(out)] == ["BEDS", "DOCTORS", "DROPOUT", "GER"]
    code, out = run(cli_db, "regions", "list", "--level", "district", "--format", "json")
    names = {r["code"]: r["name"] for r in json.loads(out)}
    assert names["440402"] == "香洲区" and names["440400-HQ"] == "横琴新区"
    code, out = run(cli_db, "regions", "list", "--under", "440403", "--level", "town", "--format", "json")
    assert len(json.loads(out)) == 6
    code, out = run(cli_db, "catalog", "show", "GER", "--format", "json")
    assert json.loads(out)[0]["targets"][0]["value"] == 93.0


def test_import_exit_status_and_located_errors(cli_db: Database, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", "indicator,region,period,value\nBEDS,440402,2016,x\n")
    code, out = run(cli_db, "import", str(bad))
    assert code == 1
    assert "bad.csv:2:4: 不是数值: 'x' / not a number: 'x'" in out
    assert "nothing was changed" in out
    good = write(tmp_path / "good.csv", "指标代码,区划代码,期间,数值\nBEDS,440402,2016,4.5\n")
    assert run(cli_db, "import", "--dry-run", str(good))[0] == 0
    code, out = run(cli_db, "import", str(good))
    assert code == 0 and "written 1" in out


def test_export_formats(cli_db: Database, tmp_path: Path) -> None:
    run(cli_db, "import", str(write(tmp_path / "g.csv", "indicator,region,period,value\nBEDS,440402,2016,4.5\n")))
    for fmt in ("csv", "xlsx", "parquet"):
        target = tmp_path / f"obs.{fmt}"
        code, _ = run(cli_db, "export", "observations", "--format", fmt, "--out", str(target))
        assert code == 0 and target.stat().st_size > 0
    code, _ = run(cli_db, "export", "catalog", "--format", "csv", "--out", str(tmp_path / "cat"))
    assert code == 0 and (tmp_path / "cat" / "indicators.csv").exists()
    code, _ = run(cli_db, "export", "catalog", "--format", "yaml", "--out", str(tmp_path / "cat.yaml"))
    assert code == 0 and "学前三年毛入园率" in (tmp_path / "cat.yaml").read_text(encoding="utf-8")
    code, out = run(cli_db, "export", "observations", "--format", "doc", "--out", str(tmp_path / "x"))
    assert code == 2 and "unsupported format" in out


def test_filled_template_imports_without_editing(cli_db: Database, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    code, out = run(
        cli_db, "template", "--period", "2017", "--level", "district", "--under", "440400", "--out", str(template)
    )
    assert code == 0, out
    book = load_workbook(template)
    assert book.sheetnames == ["填报说明", "公共教育", "公共卫生"]
    sheet = book["公共卫生"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["指标代码", "指标名称", "单位", "区划代码", "区划名称", "期间", "数值"]
    assert sheet.data_validations.dataValidation, "value cells carry data validation"
    value_col = header.index("数值") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=value_col, value=4.0 if sheet.cell(row=row, column=1).value == "BEDS" else 12)
    edu = book["公共教育"]
    edu_header = [c.value for c in edu[1]]
    assert "分子" in edu_header  # ratio indicators can be reported as numerator and denominator
    edu.cell(row=2, column=edu_header.index("分子") + 1, value=45)
    edu.cell(row=2, column=edu_header.index("分母") + 1, value=50)
    book.save(template)
    code, out = run(cli_db, "import", str(template))
    assert code == 0, out
    filled = (sheet.max_row - 1) + 1  # every health row and the one education row
    assert f"written {filled}" in out


def test_dump_and_restore_commands(cli_db: Database, tmp_path: Path, empty_db: Database) -> None:
    archive = tmp_path / "backup.zip"
    code, out = run(cli_db, "db", "dump", str(archive))
    assert code == 0 and archive.exists()
    target = tmp_path / "restored.sqlite"
    result = runner.invoke(app, ["--db", str(target), "db", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", str(target), "db", "restore", str(archive)])
    assert result.exit_code == 1 and "not empty" in result.output


def test_review_workflow(cli_db: Database, tmp_path: Path) -> None:
    data = "indicator,region,period,value\nBEDS,440402,2016,4.5\nBEDS,440403,2016,3.5\n"
    run(cli_db, "import", str(write(tmp_path / "r.csv", data)))
    code, out = run(cli_db, "review", "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out = run(cli_db, "review", "approve", "--region", "440402")
    assert code == 0 and "approved: 1" in out
    code, out = run(cli_db, "review", "reject")
    assert code == 2  # a reason is required
    code, out = run(cli_db, "review", "reject", "--comment", "口径不符")
    assert "rejected: 1" in out
    code, out = run(cli_db, "review", "list", "--status", "approved", "--format", "json")
    assert [r["region"] for r in json.loads(out)] == ["440402"]


def test_population_import(cli_db: Database, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "pop.csv",
        "区划代码,年份,常住人口,户籍人口\n440402,2017,1000,800\n449999,2017,5,5\n440403,x,1,1\n"
        "440404,2017,-3,1\n440402,2017,1,1\n",
    )
    code, out = run(cli_db, "population", "import", str(bad))
    assert code == 1
    for where in (
        "pop.csv:3:1: 未知的区划代码",
        "pop.csv:4:2: 年份无效",
        "pop.csv:5:3: 人口不能为负",
        "pop.csv:6:1: 重复",
    ):
        assert where in out, where
    good = write(tmp_path / "ok.csv", "region,year,resident,registered\n440402,2017,1000,800\n440403,2017,500,\n")
    code, out = run(cli_db, "population", "import", str(good))
    assert code == 0 and "written 2" in out
    import jundeng

    j = jundeng.open(cli_db.url)
    pop = j.population().set_index("region")
    j.close()
    assert pop.loc["440402", "resident"] == 1000 and pop["registered"].isna()["440403"]


@pytest.fixture
def two_cities(cli_db: Database, tmp_path: Path) -> Database:
    """珠海 (``cli_db``) with 江门 set up beside it by ``city init``, a value and a target in each."""
    assert run(cli_db, "city", "init", "440700")[0] == 0
    targets = "targets:\n  - {indicator: GER, region: '440700', year: 2020, comparator: '>=', value: 90}\n"
    assert run(cli_db, "catalog", "load", str(write(tmp_path / "jm.yaml", targets)))[0] == 0
    values = "indicator,region,period,value\nBEDS,440402,2016,4.5\nBEDS,440703,2016,6.0\nBEDS,440703002,2016,5.0\n"
    assert run(cli_db, "import", str(write(tmp_path / "v.csv", values)))[0] == 0
    return cli_db


def test_export_of_one_programme(two_cities: Database, tmp_path: Path) -> None:
    """With two programmes an export says which (it used to mix both); with --under it holds that subtree's
    values, targets and regions only."""
    for what in ("observations", "targets", "regions", "catalog"):
        code, out = run(two_cities, "export", what, "--out", str(tmp_path / what))
        assert code == 1, (what, out)
        assert "请用 --under 指明" in out and "choose one with --under" in out, what
    code, out = run(two_cities, "export", "observations", "--under", "440700", "--out", str(tmp_path / "o.csv"))
    assert code == 0, out
    assert (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "BEDS,440703,2016,6.0,,,",
        "BEDS,440703002,2016,5.0,,,",
    ]
    run(two_cities, "export", "targets", "--under", "440400", "--out", str(tmp_path / "t.csv"))
    assert [r.split(",")[1] for r in (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[1:]] == ["440400"]
    run(two_cities, "export", "regions", "--under", "440700", "--format", "parquet", "--out", str(tmp_path / "r.pq"))
    codes = pl.read_parquet(tmp_path / "r.pq")["code"].to_list()
    assert "440703002" in codes and all(c.startswith("4407") for c in codes)
    run(two_cities, "export", "catalog", "--under", "440700", "--out", str(tmp_path / "cat"))
    assert pl.read_csv(tmp_path / "cat" / "targets.csv")["region"].cast(str).to_list() == ["440700"]
    assert (tmp_path / "cat" / "indicators.csv").exists()
    run(two_cities, "export", "catalog", "--under", "440700", "--format", "yaml", "--out", str(tmp_path / "c.yaml"))
    text = (tmp_path / "c.yaml").read_text(encoding="utf-8")
    assert "'440700'" in text and "440400" not in text
    code, out = run(two_cities, "export", "targets", "--under", "999999", "--out", str(tmp_path / "x.csv"))
    assert code == 1 and "unknown region code: 999999" in out


def test_town_lists_and_templates_of_a_city_set_up_by_city_init(two_cities: Database, tmp_path: Path) -> None:
    """The level filter applies after the subtree walk: the towns under a city are its districts' towns."""
    code, out = run(two_cities, "regions", "list", "--level", "town", "--under", "440700", "--format", "json")
    towns = {r["code"] for r in json.loads(out)}
    assert code == 0 and len(towns) == 82 and all(t.startswith("4407") for t in towns)
    target = tmp_path / "towns.xlsx"
    code, out = run(
        two_cities, "template", "--period", "2017", "--level", "town", "--under", "440700", "--out", str(target)
    )
    assert code == 0, out
    sheet = load_workbook(target)["公共卫生"]
    header = [c.value for c in sheet[1]]
    shown = {sheet.cell(row=r, column=header.index("区划代码") + 1).value for r in range(2, sheet.max_row + 1)}
    assert shown == towns
