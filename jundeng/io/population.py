"""Validate population tables: one row per region, year and (optional) group, with resident and/or
registered population (常住人口 / 户籍人口). Every bad cell is located; a file with any error imports nothing."""

from __future__ import annotations

from collections.abc import Collection

from jundeng.domain.regions import Population
from jundeng.errors import Problem
from jundeng.io.tables import Table

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
        key = ALIASES.get(raw.strip(), raw.strip().lower())
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
    for cells, line in zip(table.rows, table.row_numbers, strict=True):
        region = cells[index["region"]].strip()
        group = cells[index["group"]].strip() if "group" in index else ""
        if region not in regions:
            problems.append(
                Problem(
                    table.name, line, index["region"] + 1, f"未知的区划代码 {region!r}", f"unknown region {region!r}"
                )
            )
            continue
        try:
            year = int(float(cells[index["year"]]))
        except ValueError:
            text = cells[index["year"]]
            problems.append(Problem(table.name, line, index["year"] + 1, f"年份无效 {text!r}", f"bad year {text!r}"))
            continue
        counts: dict[str, float | None] = {}
        for field in ("resident", "registered"):
            text = cells[index[field]].strip().replace(",", "") if field in index else ""
            try:
                counts[field] = float(text) if text else None
            except ValueError:
                counts[field] = None
                problems.append(
                    Problem(table.name, line, index[field] + 1, f"不是数值: {text!r}", f"not a number: {text!r}")
                )
                continue
            value = counts[field]
            if value is not None and value < 0:
                problems.append(
                    Problem(table.name, line, index[field] + 1, "人口不能为负", "population cannot be negative")
                )
        slot = (region, year, group)
        if slot in seen:
            problems.append(
                Problem(table.name, line, 1, f"重复：与第 {seen[slot]} 行相同", f"duplicate of row {seen[slot]}")
            )
        seen.setdefault(slot, line)
        if all(v is None or v >= 0 for v in counts.values()):
            rows.append(Population(region=region, year=year, group=group, **counts))
    return rows, problems
