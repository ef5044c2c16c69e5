"""The fiscal files: DATA, COSTS and SPENDING read with file:row:column errors, every one at once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jundeng.errors import InputError
from jundeng.io.fiscal_files import read_cost_table, read_districts, read_growth

COSTS = {"dibao": 8280.0, "school": 1000.0}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(call: object) -> list[str]:
    with pytest.raises(InputError) as refused:
        call()  # type: ignore[operator]
    return [f"{p.file}:{p.row}:{p.column}: {p.en}" for p in refused.value.problems]


def test_data_with_chinese_headers_and_default_cost_index(tmp_path: Path) -> None:
    path = write(tmp_path, "data.csv", '区划代码,常住人口,财力,dibao,school\nA,"1,000",50000,10,20\nB,500,70000,5,0\n')
    frame = read_districts(path, COSTS)
    assert frame.columns.tolist() == ["region", "population", "capacity", "cost_index", "dibao", "school"]
    assert frame["population"].tolist() == [1000, 500] and frame["cost_index"].tolist() == [1, 1]


def test_data_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    pd.DataFrame({"region": ["A"], "population": [10], "capacity": [5], "dibao": [1]}).to_excel(path, index=False)
    assert read_districts(path, COSTS)["dibao"].tolist() == [1]


def test_every_bad_cell_of_data_is_located(tmp_path: Path) -> None:
    text = "region,population,capacity,cost_index,dibao\nA,-5,100,1,1\nB,0,100,,2\nC,10,-1,0,-3\nA,10,1,1,x\n"
    found = problems(lambda: read_districts(write(tmp_path, "data.csv", text), COSTS))
    assert "data.csv:2:2: population '-5' must not be negative" in found
    assert "data.csv:3:2: population '0' must be greater than 0" in found
    assert "data.csv:4:3: capacity '-1' must not be negative" in found
    assert "data.csv:4:4: cost_index '0' must be greater than 0" in found
    assert "data.csv:4:5: dibao '-3' must not be negative" in found
    assert "data.csv:5:1: duplicate region 'A' (first at row 2)" in found
    assert "data.csv:5:5: dibao: not a number: 'x'" in found


def test_an_item_without_a_cost_is_located_at_its_header(tmp_path: Path) -> None:
    path = write(tmp_path, "data.csv", "region,population,capacity,dibao,clinic\nA,1,1,1,1\n")
    assert problems(lambda: read_districts(path, COSTS, "costs.csv")) == [
        "data.csv:1:5: unknown item 'clinic': no unit cost in costs.csv"
    ]


def test_missing_columns_and_values(tmp_path: Path) -> None:
    path = write(tmp_path, "data.csv", "region,capacity\nA,1\n")
    assert problems(lambda: read_districts(path, COSTS)) == ["data.csv:1:1: missing required column population"]
    path = write(tmp_path, "data.csv", "region,population,capacity\nA,,1\n")
    assert problems(lambda: read_districts(path, COSTS)) == [
        "data.csv:2:2: population: missing value (write 0 if none)"
    ]


def test_costs_file(tmp_path: Path) -> None:
    path = write(tmp_path, "costs.csv", "项目,单位成本\ndibao,8280\nschool,1000.5\n")
    assert read_cost_table(path).set_index("item")["unit_cost"].to_dict() == {"dibao": 8280, "school": 1000.5}
    path = write(tmp_path, "costs.csv", "item,unit_cost\ndibao,\nschool,-1\ndibao,3\n")
    assert problems(lambda: read_cost_table(path)) == [
        "costs.csv:2:2: unit_cost: missing value (write 0 if none)",
        "costs.csv:3:2: unit_cost '-1' must not be negative",
        "costs.csv:4:1: duplicate item 'dibao' (first at row 2)",
    ]


def test_growth_file(tmp_path: Path) -> None:
    path = write(tmp_path, "spending.csv", "region,year,spending,revenue\nA,2020,100,90\nA,2021,110,95\n")
    assert read_growth(path)["year"].tolist() == [2020, 2021]
    path = write(tmp_path, "spending.csv", "region,year,spending,revenue\nA,20x0,1,1\nA,2021,-1,1\nA,2021,1,1\n")
    assert problems(lambda: read_growth(path)) == [
        "spending.csv:2:2: invalid year '20x0'",
        "spending.csv:3:3: spending '-1' must not be negative",
        "spending.csv:4:2: duplicate region and year (first at row 3)",
    ]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert problems(lambda: read_cost_table(tmp_path / "none.csv")) == ["none.csv:0:0: no such file"]


def test_facts_with_optional_columns_and_every_problem(tmp_path: Path) -> None:
    from jundeng.io.fiscal_files import read_facts

    text = "区划代码,年份,常住人口,财力,Transfers,dibao\nA,2016,100,1000,,10\nB,2016,50,5,7,2\n"
    found = read_facts(write(tmp_path, "facts.csv", text))
    assert found.items == ["dibao"] and found.lines == [2, 3] and found.region_column == 1
    assert found.frame["transfers_received"].isna().tolist() == [True, False]
    assert found.frame["cost_index"].tolist() == [1.0, 1.0] and found.frame["spending"].isna().all()
    bad = "region,year,population,capacity,dibao\nA,2016,0,1,\nA,2016,5,-1,1\nB,16,1,1,1\n"
    assert problems(lambda: read_facts(write(tmp_path, "bad.csv", bad))) == [
        "bad.csv:2:3: population '0' must be greater than 0",
        "bad.csv:2:5: dibao: missing value (write 0 if none)",
        "bad.csv:3:2: duplicate region and year (first at row 2)",
        "bad.csv:3:4: capacity '-1' must not be negative",
        "bad.csv:4:2: invalid year '16'",
    ]


def test_costs_with_a_city_share_between_0_and_1(tmp_path: Path) -> None:
    from jundeng.io.fiscal_files import read_cost_table

    frame = read_cost_table(write(tmp_path, "c.csv", "item,unit_cost,city_share\ndibao,8280,0.5\nschool,10,\n"))
    assert frame["city_share"].tolist() == [0.5, 0.0]
    bad = write(tmp_path, "b.csv", "item,unit_cost,city_share\ndibao,8280,1.5\n")
    assert problems(lambda: read_cost_table(bad)) == ["b.csv:2:3: city_share '1.5' must be between 0 and 1"]
