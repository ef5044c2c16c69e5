"""Read the fiscal files (CSV / XLSX / XLS, first data sheet) with ``file:row:column`` errors.

* DATA: ``region, population, capacity`` (元/年), optional ``cost_index`` (default 1), and one column per item
  code holding the number of people eligible for it. Population must be > 0, capacity ≥ 0, counts ≥ 0.
* COSTS: ``item, unit_cost`` (元 per eligible person per year, ≥ 0), optional ``city_share`` (the city's share of
  the spending responsibility, 0..1, default 0). Every item column of DATA needs a cost.
* FACTS (``jundeng fiscal import``): ``region, year, population, capacity``, optional ``spending, revenue,
  transfers, cost_index`` (empty: not given; cost_index 1), and one column per item of eligible people.
* SPENDING: ``region, year, spending, revenue`` (元/年, ≥ 0), one row per region and year.

Numbers follow :mod:`jundeng.io.numbers`. Every problem is collected (not only the first) and raised together
as one :class:`~jundeng.errors.InputError`; nothing is returned from a file with any error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jundeng.errors import InputError, Problem
from jundeng.io.limits import ProblemLog
from jundeng.io.numbers import fault_message, parse_number
from jundeng.io.tables import Table, column_index, first_table

DATA_ALIASES = {"区划代码": "region", "区划": "region", "常住人口": "population", "人口": "population"}
DATA_ALIASES |= {"财力": "capacity", "标准财政收入": "capacity", "成本系数": "cost_index"}
COST_ALIASES = {"项目": "item", "项目代码": "item", "单位成本": "unit_cost", "市级分担比例": "city_share"}
GROWTH_ALIASES = {"区划代码": "region", "年份": "year", "支出": "spending", "基本公共服务支出": "spending"}
GROWTH_ALIASES |= {"收入": "revenue", "经常性收入": "revenue"}
_YEAR = re.compile(r"[0-9]{4}")
Check = Callable[[float], tuple[str, str] | None]


def non_negative(value: float) -> tuple[str, str] | None:
    """Return the problem of a negative value."""
    return ("不能为负数", "must not be negative") if value < 0 else None


def positive(value: float) -> tuple[str, str] | None:
    """Return the problem of a value that is not above 0."""
    if value < 0:
        return "不能为负数", "must not be negative"
    return ("须大于 0", "must be greater than 0") if value == 0 else None


def _number(table: Table, cells: list[str], line: int, col: int, name: str, check: Check, log: ProblemLog) -> float:
    text = cells[col].strip()
    value, fault = parse_number(text)
    if value is None:
        zh, en = fault_message(fault, text) if fault else ("缺少数值（没有则填 0）", "missing value (write 0 if none)")
        log.add(Problem(table.name, line, col + 1, f"{name}: {zh}", f"{name}: {en}"))
        return float("nan")
    if bad := check(value):
        log.add(Problem(table.name, line, col + 1, f"{name} {text!r} {bad[0]}", f"{name} {text!r} {bad[1]}"))
    return value


def _key(
    table: Table, cells: list[str], line: int, col: int, seen: dict[str, int], log: ProblemLog, what: str = "region"
) -> str:
    """Return the region (or item) code of a row; an empty or repeated one is a located problem."""
    region = cells[col].strip()
    zh_what = "区划" if what == "region" else "项目"
    if not region:
        log.add(Problem(table.name, line, col + 1, f"{zh_what}为空", f"empty {what}"))
    elif region in seen:
        zh = f"{zh_what} {region!r} 重复（首见于第 {seen[region]} 行）"
        log.add(Problem(table.name, line, col + 1, zh, f"duplicate {what} {region!r} (first at row {seen[region]})"))
    else:
        seen[region] = line
    return region


def share(value: float) -> tuple[str, str] | None:
    """Return the problem of a share outside 0..1."""
    return None if 0 <= value <= 1 else ("须在 0 到 1 之间", "must be between 0 and 1")


def read_cost_table(path: str | Path) -> pd.DataFrame:
    """Return COSTS as a frame (item, unit_cost, city_share: the city's share of the spending, 0 when not given);
    raise InputError with every problem."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, COST_ALIASES, ("item", "unit_cost"), log, ("city_share",))
    if log.result():
        raise InputError(log.result())
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        item = _key(table, cells, line, index["item"], seen, log, "item")
        cost = _number(table, cells, line, index["unit_cost"], "unit_cost", non_negative, log)
        city = 0.0
        if "city_share" in index and cells[index["city_share"]].strip():
            city = _number(table, cells, line, index["city_share"], "city_share", share, log)
        records.append({"item": item, "unit_cost": cost, "city_share": city})
    if problems := log.result():
        raise InputError(problems)
    return pd.DataFrame(records, columns=["item", "unit_cost", "city_share"])


def read_districts(path: str | Path, costs: dict[str, float], costs_name: str = "COSTS") -> pd.DataFrame:
    """Return DATA as a frame (region, population, capacity, cost_index, items …); raise InputError with every
    problem, an item column without a cost in ``costs`` included (located at its header cell)."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, DATA_ALIASES, ("region", "population", "capacity"), log)
    items = [k for k in index if k not in ("region", "population", "capacity", "cost_index")]
    for item in items:
        if item not in costs:
            zh = f"未知项目 {item!r}：{costs_name} 中没有它的单位成本"
            log.add(Problem(table.name, 1, index[item] + 1, zh, f"unknown item {item!r}: no unit cost in {costs_name}"))
    if log.result():
        raise InputError(log.result())
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        record: dict[str, object] = {"region": _key(table, cells, line, index["region"], seen, log)}
        record["population"] = _number(table, cells, line, index["population"], "population", positive, log)
        record["capacity"] = _number(table, cells, line, index["capacity"], "capacity", non_negative, log)
        record["cost_index"] = 1.0
        if "cost_index" in index and cells[index["cost_index"]].strip():
            record["cost_index"] = _number(table, cells, line, index["cost_index"], "cost_index", positive, log)
        for item in items:
            record[item] = _number(table, cells, line, index[item], item, non_negative, log)
        records.append(record)
    if not records:
        log.add(Problem(table.name, 2, 1, "没有数据行", "no data rows"))
    if problems := log.result():
        raise InputError(problems)
    return pd.DataFrame(records, columns=["region", "population", "capacity", "cost_index", *items])


def _region_year(
    name: str, cells: list[str], line: int, index: dict[str, int], seen: dict[tuple[str, int], int], log: ProblemLog
) -> tuple[str, int] | None:
    """Return a row's (region, year), noting an empty region, an invalid year (None) and a repeated pair."""
    region, text = cells[index["region"]].strip(), cells[index["year"]].strip()
    if not region:
        log.add(Problem(name, line, index["region"] + 1, "区划为空", "empty region"))
    if not _YEAR.fullmatch(text):
        log.add(Problem(name, line, index["year"] + 1, f"年份无效 {text!r}", f"invalid year {text!r}"))
        return None
    year = int(text)
    if (region, year) in seen:
        first = seen[region, year]
        zh, en = f"区划与年份重复（首见于第 {first} 行）", f"duplicate region and year (first at row {first})"
        log.add(Problem(name, line, index["year"] + 1, zh, en))
    seen.setdefault((region, year), line)
    return region, year


def read_growth(path: str | Path) -> pd.DataFrame:
    """Return SPENDING as a frame (region, year, spending, revenue); raise InputError with every problem."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, GROWTH_ALIASES, ("region", "year", "spending", "revenue"), log)
    if log.result():
        raise InputError(log.result())
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, int], int] = {}
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        key = _region_year(table.name, cells, line, index, seen, log)
        if key is None:
            continue
        record: dict[str, object] = {"region": key[0], "year": key[1]}
        for name in ("spending", "revenue"):
            record[name] = _number(table, cells, line, index[name], name, non_negative, log)
        records.append(record)
    if problems := log.result():
        raise InputError(problems)
    return pd.DataFrame(records, columns=["region", "year", "spending", "revenue"])


FACT_ALIASES = DATA_ALIASES | GROWTH_ALIASES | {"年份": "year", "一般公共预算收入": "capacity"}
FACT_ALIASES |= {
    "转移支付": "transfers_received",
    "上级转移支付": "transfers_received",
    "transfers": "transfers_received",
}
FACT_BASE = ("region", "year", "population", "capacity", "spending", "revenue", "transfers_received", "cost_index")


@dataclass(frozen=True)
class FactsFile:
    """A fiscal-facts file read: one row per region and year, its item columns, and where each row came from."""

    name: str
    frame: pd.DataFrame  # FACT_BASE then one column per item (eligible people); NaN where an optional cell is empty
    items: list[str]
    lines: list[int]  # the file row of each frame row
    region_column: int  # 1-based
    item_columns: dict[str, int]  # 1-based column of each item


def read_facts(path: str | Path) -> FactsFile:
    """Return the fiscal facts of a file (region, year, population, capacity, [spending, revenue, transfers
    (received), cost_index], one column per item of eligible people); raise InputError with every problem."""
    table = first_table(path)
    log = ProblemLog()
    index = column_index(table, FACT_ALIASES, FACT_BASE[:4], log, FACT_BASE[4:])
    items = [k for k in index if k not in FACT_BASE]
    if log.result():
        raise InputError(log.result())
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, int], int] = {}
    lines: list[int] = []
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        key = _region_year(table.name, cells, line, index, seen, log)
        if key is None:
            continue
        record: dict[str, object] = {"region": key[0], "year": key[1]}
        record["population"] = _number(table, cells, line, index["population"], "population", positive, log)
        record["capacity"] = _number(table, cells, line, index["capacity"], "capacity", non_negative, log)
        for name in FACT_BASE[4:]:
            check = positive if name == "cost_index" else non_negative
            given = name in index and cells[index[name]].strip()
            default = 1.0 if name == "cost_index" else float("nan")
            record[name] = _number(table, cells, line, index[name], name, check, log) if given else default
        for item in items:
            record[item] = _number(table, cells, line, index[item], item, non_negative, log)
        records.append(record)
        lines.append(line)
    if not records and not log.result():
        log.add(Problem(table.name, 2, 1, "没有数据行", "no data rows"))
    if problems := log.result():
        raise InputError(problems)
    frame = pd.DataFrame(records, columns=[*FACT_BASE, *items])
    return FactsFile(table.name, frame, items, lines, index["region"] + 1, {i: index[i] + 1 for i in items})
