"""Read the accessibility files (CSV / XLSX / XLS, first data sheet) with ``file:row:column`` errors.

* FACILITIES: ``id, category, capacity`` and either ``lon, lat`` (WGS84 degrees) or ``x, y`` (projected metres,
  with an ``epsg`` column or option naming the projected coordinate system; without one, epsg is 0: a local
  grid that meets only itself); optional ``region``,
  ``opening_year``, ``name``. Ids are unique, capacity ≥ 0.
* POPULATION (demand points): ``id, region, population`` and the coordinates as above; optional ``urban_rural``
  (urban / rural / mixed) and ``pop_<group>`` columns (people of one group at the point, ≥ 0).
* COST MATRIX: ``origin, destination, cost`` (minutes or metres, ≥ 0): origin a demand point's id, destination a
  facility's id, each pair once.

Coordinates are returned as ``x, y, epsg``: x = longitude, y = latitude and epsg 4326 for ``lon, lat``.
Every problem is collected and raised together as one :class:`~jundeng.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jundeng.errors import InputError, Problem
from jundeng.io.fiscal_files import _number, non_negative
from jundeng.io.limits import ProblemLog
from jundeng.io.numbers import parse_number
from jundeng.io.tables import Table, column_index, first_table

WGS84 = 4326
LOCAL = 0  # x, y in metres on a grid whose EPSG code was not given (comparable only with itself)
COORD_ALIASES = {"经度": "lon", "纬度": "lat", "longitude": "lon", "latitude": "lat", "lng": "lon", "坐标系": "epsg"}
FACILITY_ALIASES = COORD_ALIASES | {"编号": "id", "设施编号": "id", "类别": "category", "设施类别": "category"}
FACILITY_ALIASES |= {"容量": "capacity", "服务能力": "capacity", "区划代码": "region", "区划": "region"}
FACILITY_ALIASES |= {"开办年份": "opening_year", "启用年份": "opening_year", "名称": "name"}
POINT_ALIASES = COORD_ALIASES | {"编号": "id", "区划代码": "region", "区划": "region", "人口": "population"}
POINT_ALIASES |= {"常住人口": "population", "城乡": "urban_rural", "城乡类型": "urban_rural"}
COST_ALIASES = {"起点": "origin", "终点": "destination", "成本": "cost", "时间": "cost", "距离": "cost"}
COORDS = ("lon", "lat", "x", "y", "epsg")
URBAN_RURAL = {"urban": "urban", "rural": "rural", "mixed": "mixed", "城镇": "urban", "乡村": "rural", "混合": "mixed"}
URBAN_RURAL |= {"城市": "urban", "农村": "rural"}
POINT_GROUP = "pop_"


@dataclass(frozen=True)
class FacilitiesFile:
    """A facilities file read: id, category, capacity, x, y, epsg, region, opening_year, name per facility."""

    name: str
    frame: pd.DataFrame
    lines: list[int]  # the file row of each frame row
    columns: dict[str, int]  # 1-based column of each named field found

    @property
    def geographic(self) -> bool:
        """Return True when the coordinates are longitude and latitude (WGS84)."""
        return bool((self.frame["epsg"] == WGS84).all())


@dataclass(frozen=True)
class PointsFile:
    """A population file read: id, region, population, x, y, epsg, urban_rural, then one column per group."""

    name: str
    frame: pd.DataFrame
    lines: list[int]
    columns: dict[str, int]
    groups: list[str]  # the ``pop_<group>`` columns

    @property
    def geographic(self) -> bool:
        """Return True when the coordinates are longitude and latitude (WGS84)."""
        return bool((self.frame["epsg"] == WGS84).all())


@dataclass(frozen=True)
class CostsFile:
    """A cost matrix read: origin, destination, cost per pair."""

    name: str
    frame: pd.DataFrame
    lines: list[int]


def _located(table: Table, line: int, col: int, zh: str, en: str) -> Problem:
    return Problem(table.name, line, col + 1, zh, en)


def _coordinate_columns(table: Table, index: dict[str, int], log: ProblemLog) -> bool | None:
    """Return True for lon/lat, False for x/y, None after a problem (missing or mixed columns)."""
    geo = [c for c in ("lon", "lat") if c in index]
    planar = [c for c in ("x", "y") if c in index]
    if geo and planar:
        zh, en = "同时有经纬度（lon, lat）与平面坐标（x, y）列：只能用一种", "mixes lon/lat and x/y columns: use one"
        log.add(_located(table, 1, index[planar[0]], zh, en))
        return None
    wanted = ("lon", "lat") if geo else ("x", "y")
    missing = [c for c in wanted if c not in index]
    if missing or not (geo or planar):
        zh = "缺少坐标列：lon, lat（经纬度）或 x, y（平面坐标，米）"
        log.add(Problem(table.name, 1, 1, zh, "missing coordinate columns: lon, lat or x, y (projected metres)"))
        return None
    return bool(geo)


def check_epsg(code: int) -> tuple[str, str] | None:
    """Return the problem of an EPSG code that is not a projected coordinate system (metres)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_epsg(code)
    except CRSError:
        return f"未知的 EPSG 代码 {code}", f"unknown EPSG code {code}"
    if not crs.is_projected:
        return f"EPSG {code} 不是投影坐标系（x, y 须为米）", f"EPSG {code} is not a projected system (x, y in metres)"
    return None


def _row_epsg(
    table: Table, cells: list[str], line: int, index: dict[str, int], epsg: int | None, log: ProblemLog
) -> int:
    if "epsg" not in index:
        return epsg or LOCAL  # no system named: a local grid in metres
    if not cells[index["epsg"]].strip():
        if epsg is None:
            log.add(_located(table, line, index.get("epsg", 0), "缺少 EPSG 代码", "missing EPSG code"))
        return epsg or 0
    text = cells[index["epsg"]].strip().upper().removeprefix("EPSG:")
    if not text.isdigit():
        log.add(_located(table, line, index["epsg"], f"EPSG 代码无效 {text!r}", f"invalid EPSG code {text!r}"))
        return 0
    return int(text)


def _finite(value: float) -> tuple[str, str] | None:
    """Accept any number (coordinates are checked together, as a pair)."""
    del value
    return None


def _coordinates(
    table: Table, cells: list[str], line: int, index: dict[str, int], geo: bool, epsg: int | None, log: ProblemLog
) -> tuple[float, float, int]:
    """Return (x, y, epsg) of a row: lon/lat in range (and not swapped), or x/y with its EPSG code."""
    if not geo:
        x = _number(table, cells, line, index["x"], "x", _finite, log)
        y = _number(table, cells, line, index["y"], "y", _finite, log)
        return x, y, _row_epsg(table, cells, line, index, epsg, log)
    lon = _number(table, cells, line, index["lon"], "lon", _finite, log)
    lat = _number(table, cells, line, index["lat"], "lat", _finite, log)
    if abs(lat) > 90 and abs(lon) <= 90 and abs(lat) <= 180:
        zh = f"经纬度可能颠倒（lon={lon:g}, lat={lat:g}）"
        log.add(
            _located(table, line, index["lat"], zh, f"longitude and latitude look swapped (lon={lon:g}, lat={lat:g})")
        )
    else:
        if abs(lon) > 180:
            log.add(_located(table, line, index["lon"], f"经度 {lon:g} 超出 ±180", f"longitude {lon:g} outside ±180"))
        if abs(lat) > 90:
            log.add(_located(table, line, index["lat"], f"纬度 {lat:g} 超出 ±90", f"latitude {lat:g} outside ±90"))
    return lon, lat, WGS84


def _epsg_problems(table: Table, codes: list[int], lines: list[int], index: dict[str, int], log: ProblemLog) -> None:
    """Note an x, y EPSG code that is not a projected system, and a code that differs from the first row's."""
    col = index.get("epsg", 0)
    checked: dict[int, tuple[str, str] | None] = {}
    for code, line in zip(codes, lines, strict=True):
        if code and code not in checked:
            checked[code] = check_epsg(code)
            if found := checked[code]:
                log.add(_located(table, line, col, *found))
    first = next((c for c in codes if c), 0)
    for code, line in zip(codes, lines, strict=True):
        if code and code != first:
            zh = f"EPSG 代码 {code} 与第 {lines[codes.index(first)]} 行的 {first} 不一致"
            log.add(_located(table, line, col, zh, f"EPSG code {code} differs from {first} in an earlier row"))
            break


def _id(table: Table, cells: list[str], line: int, col: int, seen: dict[str, int], log: ProblemLog) -> str:
    value = cells[col].strip()
    if not value:
        log.add(_located(table, line, col, "编号为空", "empty id"))
    elif value in seen:
        zh = f"编号 {value!r} 重复（首见于第 {seen[value]} 行）"
        log.add(_located(table, line, col, zh, f"duplicate id {value!r} (first at row {seen[value]})"))
    else:
        seen[value] = line
    return value


def _text(table: Table, cells: list[str], line: int, col: int, what: tuple[str, str], log: ProblemLog) -> str:
    value = cells[col].strip()
    if not value:
        log.add(_located(table, line, col, f"{what[0]}为空", f"empty {what[1]}"))
    return value


def _year(table: Table, cells: list[str], line: int, col: int, log: ProblemLog) -> float:
    text = cells[col].strip()
    if not text:
        return float("nan")
    value, _ = parse_number(text)
    if value is None or value != int(value) or not 1800 <= value <= 2200:
        log.add(_located(table, line, col, f"年份无效 {text!r}", f"invalid year {text!r}"))
        return float("nan")
    return value


def _open(
    path: str | Path, aliases: dict[str, str], required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[Table, dict[str, int], bool, ProblemLog]:
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, aliases, required, log, optional + COORDS)
    geo = _coordinate_columns(table, index, log)
    if log.result() or geo is None:
        raise InputError(log.result())
    if not table.rows:
        raise InputError([Problem(table.name, 2, 1, "没有数据行", "no data rows")])
    return table, index, geo, log


def read_facilities(path: str | Path, *, epsg: int | None = None) -> FacilitiesFile:
    """Return the facilities of a file; ``epsg`` names the projected system of x, y when no column does; raise
    InputError with every problem."""
    table, index, geo, log = _open(
        path, FACILITY_ALIASES, ("id", "category", "capacity"), ("region", "opening_year", "name")
    )
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        x, y, code = _coordinates(table, cells, line, index, geo, epsg, log)
        records.append(
            {
                "id": _id(table, cells, line, index["id"], seen, log),
                "category": _text(table, cells, line, index["category"], ("类别", "category"), log),
                "capacity": _number(table, cells, line, index["capacity"], "capacity", non_negative, log),
                "x": x,
                "y": y,
                "epsg": code,
                "region": cells[index["region"]].strip() or None if "region" in index else None,
                "opening_year": _year(table, cells, line, index["opening_year"], log)
                if "opening_year" in index
                else float("nan"),
                "name": cells[index["name"]].strip() or None if "name" in index else None,
            }
        )
    if not geo:
        _epsg_problems(table, [int(str(r["epsg"])) for r in records], table.row_numbers, index, log)
    if problems := log.result():
        raise InputError(problems)
    columns = ["id", "category", "capacity", "x", "y", "epsg", "region", "opening_year", "name"]
    return FacilitiesFile(table.name, pd.DataFrame(records, columns=columns), table.row_numbers, _one_based(index))


def _one_based(index: dict[str, int]) -> dict[str, int]:
    return {k: v + 1 for k, v in index.items()}


def read_population(path: str | Path, *, epsg: int | None = None) -> PointsFile:
    """Return the demand points of a file (people per point, by group where ``pop_<group>`` columns are given);
    raise InputError with every problem."""
    table, index, geo, log = _open(path, POINT_ALIASES, ("id", "region", "population"), ("urban_rural",))
    groups = [k for k in index if k.lower().startswith(POINT_GROUP) and len(k) > len(POINT_GROUP)]
    unknown = [k for k in index if k not in (*COORDS, "id", "region", "population", "urban_rural", *groups)]
    for name in unknown:
        zh = f"未知的列 {name!r}（人群人口请写作 pop_<人群>）"
        log.add(Problem(table.name, 1, index[name] + 1, zh, f"unknown column {name!r} (group population: pop_<group>)"))
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        x, y, code = _coordinates(table, cells, line, index, geo, epsg, log)
        record: dict[str, object] = {
            "id": _id(table, cells, line, index["id"], seen, log),
            "region": _text(table, cells, line, index["region"], ("区划", "region"), log),
            "population": _number(table, cells, line, index["population"], "population", non_negative, log),
            "x": x,
            "y": y,
            "epsg": code,
            "urban_rural": None,
        }
        if "urban_rural" in index and (text := cells[index["urban_rural"]].strip()):
            record["urban_rural"] = URBAN_RURAL.get(text.lower())
            if record["urban_rural"] is None:
                zh = f"城乡类型 {text!r} 无效（urban / rural / mixed）"
                log.add(_located(table, line, index["urban_rural"], zh, f"invalid urban_rural {text!r}"))
        for group in groups:  # an empty cell: not given (NaN)
            given = cells[index[group]].strip()
            record[group] = _number(table, cells, line, index[group], group, non_negative, log) if given else math.nan
        records.append(record)
    if not geo:
        _epsg_problems(table, [int(str(r["epsg"])) for r in records], table.row_numbers, index, log)
    if problems := log.result():
        raise InputError(problems)
    columns = ["id", "region", "population", "x", "y", "epsg", "urban_rural", *groups]
    return PointsFile(table.name, pd.DataFrame(records, columns=columns), table.row_numbers, _one_based(index), groups)


def read_cost_matrix(
    path: str | Path, *, origins: Collection[str] | None = None, destinations: Collection[str] | None = None
) -> CostsFile:
    """Return the cost of each (origin, destination) pair; an origin not in ``origins`` or a destination not in
    ``destinations`` (when given) is a located problem, as is a negative cost or a repeated pair."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, COST_ALIASES, ("origin", "destination", "cost"), log, ())
    if log.result():
        raise InputError(log.result())
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        origin = _text(table, cells, line, index["origin"], ("起点", "origin"), log)
        destination = _text(table, cells, line, index["destination"], ("终点", "destination"), log)
        if origin and origins is not None and origin not in origins:
            zh = f"未知的起点 {origin!r}：人口文件中没有此编号"
            log.add(_located(table, line, index["origin"], zh, f"unknown origin {origin!r}: no such population point"))
        if destination and destinations is not None and destination not in destinations:
            zh = f"未知的终点 {destination!r}：设施文件中没有此编号"
            en = f"unknown destination {destination!r}: no such facility"
            log.add(_located(table, line, index["destination"], zh, en))
        if (origin, destination) in seen:
            first = seen[origin, destination]
            zh, en = f"起终点对重复（首见于第 {first} 行）", f"duplicate origin-destination pair (first at row {first})"
            log.add(_located(table, line, index["destination"], zh, en))
        seen.setdefault((origin, destination), line)
        cost = _number(table, cells, line, index["cost"], "cost", non_negative, log)
        records.append({"origin": origin, "destination": destination, "cost": cost})
    if not records and not log.result():
        log.add(Problem(table.name, 2, 1, "没有数据行", "no data rows"))
    if problems := log.result():
        raise InputError(problems)
    return CostsFile(table.name, pd.DataFrame(records, columns=["origin", "destination", "cost"]), table.row_numbers)


read_points = read_population
read_costs = read_cost_matrix
