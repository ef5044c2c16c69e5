"""Validate population tables: one row per region, year and (optional) group, with resident and/or
registered population (常住人口 / 户籍人口). Every bad cell is located; a file with any error imports nothing.

A year is a whole number from 1949 to next year; a population is a whole, non-negative, finite number of
people written by the rule of :mod:`jundeng.io.numbers` (``1,234,567`` is fine, ``12,34`` and ``1e400``
are not).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from jundeng.domain.regions import Population
from jundeng.errors import Problem
from jundeng.io.encodings import header_text
from jundeng.io.limits import ProblemLog
from jundeng.io.numbers import fault_message, parse_number
from jundeng.io.tables import Table

FIRST_YEAR = 1949
_YEAR = re.compile(r"[0-9]{4}")

ALIASES = {
    "区划代码": "region",
    "年份": "year",
    "分组": "group",
    "常住人口": "resident",
    "户籍人口": "registered",
}
COLUMNS = ("region", "year", "group", "resident", "registered")


def validate_population(table: Table, regions: Collection[str]) -> tuple[list[Population], list[Problem]]:
    """Return the population rows of ``table`` and every located problem."""
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for col, raw in enumerate(table.header, start=1):
        key = ALIASES.get(header_text(raw), raw.strip().lower())
        if key not in COLUMNS:
            problems.append(Problem(table.name, 1, col, f"未知的列 {raw!r}", f"unknown column {raw!r}"))
        else:
            index[key] = col - 1
    for required in ("region", "year"):
        if required not in index:
            problems.append(
                Problem(table.name, 1, 1, f"缺少必需的列 {required}", f"missing required column {required}")
            )
    if "resident" not in index and "registered" not in index:
        problems.append(
            Problem(
                table.name, 1, 1, "须有常住人口或户籍人口列", "a resident or registered population column is needed"
            )
        )
    if problems:
        return [], problems
    rows: list[Population] = []
    seen: dict[tuple[str, int, str], int] = {}
    log = ProblemLog()
    last_year = date.today().year + 1
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        region = cells[index["region"]].strip()
        group = cells[index["group"]].strip() if "group" in index else ""
        if region not in regions:
            log.add(
                Problem(
                    table.name, line, index["region"] + 1, f"未知的区划代码 {region!r}", f"unknown region {region!r}"
                )
            )
            continue
        text = cells[index["year"]].strip()
        year = int(text) if _YEAR.fullmatch(text) else 0
        if not FIRST_YEAR <= year <= last_year:
            log.add(
                Problem(
                    table.name,
                    line,
                    index["year"] + 1,
                    f"年份无效 {text!r}：须为 {FIRST_YEAR}–{last_year} 之间的整数",
                    f"bad year {text!r}: a whole number from {FIRST_YEAR} to {last_year}",
                )
            )
            continue
        counts: dict[str, float | None] = {}
        for field in ("resident", "registered"):
            counts[field] = _people(cells, index.get(field), table.name, line, log)
        slot = (region, year, group)
        if slot in seen:
            log.add(Problem(table.name, line, 1, f"重复：与第 {seen[slot]} 行相同", f"duplicate of row {seen[slot]}"))
        seen.setdefault(slot, line)
        if all(v is None or v >= 0 for v in counts.values()):
            rows.append(Population(region=region, year=year, group=group, **counts))
    return rows, log.result()


def _people(cells: list[str], column: int | None, name: str, line: int, log: ProblemLog) -> float | None:
    """Return the population in ``cells[column]`` (None when blank or bad; a bad one is logged)."""
    text = cells[column].strip() if column is not None else ""
    value, fault = parse_number(text)
    if column is None or value is None and not fault:
        return None
    if fault:
        log.add(Problem(name, line, column + 1, *fault_message(fault, text)))
    elif value is not None and value < 0:
        log.add(Problem(name, line, column + 1, "人口不能为负", "population cannot be negative"))
    elif value is not None and not value.is_integer():
        log.add(Problem(name, line, column + 1, f"人口须为整数: {text!r}", f"a population is a whole number: {text!r}"))
    else:
        return value
    return None
