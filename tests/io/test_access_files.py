"""The accessibility files: facilities, demand points and cost matrices read with file:row:column errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from jundeng.errors import InputError
from jundeng.io.access_files import read_cost_matrix, read_facilities, read_population


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(call: Callable[[], object]) -> list[str]:
    with pytest.raises(InputError) as refused:
        call()
    return [f"{p.file}:{p.row}:{p.column}: {p.en}" for p in refused.value.problems]


def zh(call: Callable[[], object]) -> str:
    with pytest.raises(InputError) as refused:
        call()
    return "\n".join(str(p) for p in refused.value.problems)


def test_facilities_lon_lat_with_chinese_headers(tmp_path: Path) -> None:
    text = "编号,类别,容量,经度,纬度,区划代码,名称\nf1,bus_stop,10,113.55,22.27,440402,站一\n"
    text += 'f2,clinic,"1,000",113.6,22.3,,\n'
    found = read_facilities(write(tmp_path, "f.csv", text))
    assert found.frame["id"].tolist() == ["f1", "f2"] and found.geographic
    assert found.frame["capacity"].tolist() == [10, 1000] and found.frame["epsg"].tolist() == [4326, 4326]
    assert found.frame["x"].tolist() == [113.55, 113.6] and found.frame["region"].isna().tolist() == [False, True]
    assert found.lines == [2, 3] and found.columns["region"] == 6


def test_facilities_projected_with_an_epsg_option_or_column(tmp_path: Path) -> None:
    path = write(tmp_path, "f.csv", "id,category,capacity,x,y\nf1,school,500,10,20\n")
    assert read_facilities(path, epsg=4547).frame["epsg"].tolist() == [4547]
    assert not read_facilities(path, epsg=4547).geographic
    assert read_facilities(path).frame["epsg"].tolist() == [0]  # a local grid in metres
    column = write(tmp_path, "g.csv", "id,category,capacity,x,y,epsg\nf1,school,500,10,20,EPSG:4547\n")
    assert read_facilities(column).frame["epsg"].tolist() == [4547]


def test_every_bad_facility_cell_is_located(tmp_path: Path) -> None:
    text = (
        "id,category,capacity,lon,lat,opening_year\n"
        "f1,bus,10,113.5,22.2,2019\n"
        "f1,,-3,22.2,113.5,\n"  # duplicate id, empty category, negative capacity, swapped
        ",bus,x,200,22,20x\n"  # empty id, not a number, lon out of range, bad year
        "f4,bus,1,100,-95,\n"  # lat out of range (lon too large to be a latitude)
    )
    found = problems(lambda: read_facilities(write(tmp_path, "f.csv", text)))
    assert "f.csv:3:1: duplicate id 'f1' (first at row 2)" in found
    assert "f.csv:3:2: empty category" in found
    assert "f.csv:3:3: capacity '-3' must not be negative" in found
    assert "f.csv:3:5: longitude and latitude look swapped (lon=22.2, lat=113.5)" in found
    assert "f.csv:4:1: empty id" in found
    assert "f.csv:4:3: capacity: not a number: 'x'" in found
    assert "f.csv:4:4: longitude 200 outside ±180" in found
    assert "f.csv:4:6: invalid year '20x'" in found
    assert "f.csv:5:5: latitude -95 outside ±90" in found
    assert len(found) == 9
    assert "经纬度可能颠倒" in zh(lambda: read_facilities(write(tmp_path, "f.csv", text)))


def test_mixing_lon_lat_and_x_y_is_refused_at_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "f.csv", "id,category,capacity,lon,lat,x,y\nf1,a,1,1,1,1,1\n")
    assert problems(lambda: read_facilities(path)) == ["f.csv:1:6: mixes lon/lat and x/y columns: use one"]
    half = write(tmp_path, "h.csv", "id,category,capacity,lon\nf1,a,1,1\n")
    assert "missing coordinate columns" in problems(lambda: read_facilities(half))[0]
    missing = write(tmp_path, "m.csv", "id,capacity,lon,lat\nf1,1,1,1\n")
    assert problems(lambda: read_facilities(missing)) == ["m.csv:1:1: missing required column category"]


def test_a_geographic_epsg_for_x_y_and_different_codes_are_refused(tmp_path: Path) -> None:
    text = "id,category,capacity,x,y,epsg\nf1,a,1,0,0,4326\nf2,a,1,0,0,4547\nf3,a,1,0,0,\n"
    found = problems(lambda: read_facilities(write(tmp_path, "f.csv", text)))
    assert "f.csv:2:6: EPSG 4326 is not a projected system (x, y in metres)" in found
    assert "f.csv:3:6: EPSG code 4547 differs from 4326 in an earlier row" in found
    assert "f.csv:4:6: missing EPSG code" in found


def test_population_with_groups_and_urban_rural(tmp_path: Path) -> None:
    text = "id,region,population,lon,lat,urban_rural,pop_elderly\np1,440402,100,113.5,22.2,城镇,12\n"
    text += "p2,440403,0,113.4,22.1,,\n"
    found = read_population(write(tmp_path, "p.csv", text))
    assert found.groups == ["pop_elderly"]
    assert found.frame["urban_rural"].iloc[0] == "urban" and pd.isna(found.frame["urban_rural"].iloc[1])
    assert found.frame["population"].tolist() == [100, 0]
    assert found.frame["pop_elderly"].iloc[0] == 12 and math.isnan(found.frame["pop_elderly"].iloc[1])  # not given
    bad = write(tmp_path, "p.csv", text.replace(",,\n", ",,x\n"))
    assert problems(lambda: read_population(bad)) == ["p.csv:3:7: pop_elderly: not a number: 'x'"]


def test_every_bad_population_cell_is_located(tmp_path: Path) -> None:
    text = (
        "id,region,population,lon,lat,urban_rural,pop_old,typo\n"
        "p1,A,-5,113,22,town,-1,\n"
        "p1,,10,91,22.3,urban,1,\n"
        "p3,A,ten,113,95,rural,1,\n"
    )
    found = problems(lambda: read_population(write(tmp_path, "p.csv", text)))
    assert found[0] == "p.csv:1:8: unknown column 'typo' (group population: pop_<group>)"
    assert "p.csv:2:3: population '-5' must not be negative" in found
    assert "p.csv:2:6: invalid urban_rural 'town'" in found
    assert "p.csv:2:7: pop_old '-1' must not be negative" in found
    assert "p.csv:3:1: duplicate id 'p1' (first at row 2)" in found
    assert "p.csv:3:2: empty region" in found
    assert "p.csv:4:3: population: not a number: 'ten'" in found
    assert "p.csv:4:5: latitude 95 outside ±90" in found
    assert "p.csv:3:5: longitude and latitude look swapped (lon=91, lat=22.3)" not in found


def test_population_xlsx_and_mixed_coordinates(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    pd.DataFrame({"id": ["p1"], "region": ["A"], "population": [3], "x": [1.0], "y": [2.0]}).to_excel(path, index=False)
    assert read_population(path, epsg=4547).frame["x"].tolist() == [1.0]
    mixed = write(tmp_path, "m.csv", "id,region,population,lat,lon,y\np1,A,1,22,113,5\n")
    assert problems(lambda: read_population(mixed)) == ["m.csv:1:6: mixes lon/lat and x/y columns: use one"]


def test_cost_matrix_problems_are_located(tmp_path: Path) -> None:
    text = "origin,destination,cost\np1,f1,3.5\np1,f1,4\nq,f9,-1\n,f1,x\n"
    found = problems(lambda: read_cost_matrix(write(tmp_path, "c.csv", text), origins={"p1"}, destinations={"f1"}))
    assert found == [
        "c.csv:3:2: duplicate origin-destination pair (first at row 2)",
        "c.csv:4:1: unknown origin 'q': no such population point",
        "c.csv:4:2: unknown destination 'f9': no such facility",
        "c.csv:4:3: cost '-1' must not be negative",
        "c.csv:5:1: empty origin",
        "c.csv:5:3: cost: not a number: 'x'",
    ]
    good = read_cost_matrix(write(tmp_path, "ok.csv", "起点,终点,时间\np1,f1,12\n"))
    assert good.frame.to_dict(orient="records") == [{"origin": "p1", "destination": "f1", "cost": 12.0}]
    assert good.lines == [2]
