"""The annual report's fiscal equalization section (基本公共服务财政保障), built from
:class:`~jundeng.report.annual_inputs.FiscalYear` (pure): need, capacity and gap per region with the Gini of the
resources per head, and the check that spending grows faster than recurrent revenue. Every sentence comes from
:mod:`jundeng.report.narrative_fiscal` and states figures these tables hold."""

from __future__ import annotations

import math
from typing import Any

from jundeng.report import narrative_fiscal as say
from jundeng.report.annual_inputs import AnnualInputs, FiscalYear
from jundeng.report.annual_tables import LEVEL_WORDS
from jundeng.report.cells import cell_number as num
from jundeng.report.document import Block, Column, Section, Table
from jundeng.report.words import t as tr

TEN_THOUSAND = 10_000.0  # amounts are shown in 万元


def _wan(x: Any) -> float | None:
    value = num(x)
    return value / TEN_THOUSAND if value is not None and math.isfinite(value) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b is not None and b > 0 else None


def _name(inputs: AnnualInputs, code: Any) -> str:
    return inputs.region_names.get(str(code), str(code))


def region_rows(inputs: AnnualInputs, fiscal: FiscalYear, lang: str) -> list[dict[str, Any]]:
    """Return per region, then in total: need, capacity, gap and transfers received (万元), need and capacity per
    head (元) and the coverage of the need (capacity ÷ need)."""
    rows = []
    for r in fiscal.needs.to_dict("records"):
        rows.append(
            {
                "name": _name(inputs, r["region"]),
                "need": _wan(r["need"]),
                "capacity": _wan(r["capacity"]),
                "gap": _wan(r["gap"]),
                "need_per_capita": num(r["need_per_capita"]),
                "capacity_per_capita": num(r["capacity_per_capita"]),
                "coverage": _ratio(num(r["capacity"]), num(r["need"])),
                "received": _wan(r["transfers_received"]),
            }
        )
    needs = fiscal.needs
    population, need, capacity = (float(needs[c].sum()) for c in ("population", "need", "capacity"))
    received = needs["transfers_received"]
    rows.append(
        {
            "name": tr(lang, "合计", "Total"),
            "need": need / TEN_THOUSAND,
            "capacity": capacity / TEN_THOUSAND,
            "gap": float(needs["gap"].sum()) / TEN_THOUSAND,
            "need_per_capita": _ratio(need, population),
            "capacity_per_capita": _ratio(capacity, population),
            "coverage": _ratio(capacity, need),
            "received": float(received.sum()) / TEN_THOUSAND if received.notna().any() else None,
        }
    )
    return rows


def _need_table(lang: str, rows: list[dict[str, Any]]) -> Table:
    wan, yuan = tr(lang, "万元", "10,000 yuan"), tr(lang, "元", "yuan")
    columns = (
        Column("name", tr(lang, "地区", "Region")),
        Column("need", tr(lang, "标准支出需求", "Standard need"), "num", wan),
        Column("capacity", tr(lang, "标准财力", "Capacity"), "num", wan),
        Column("gap", tr(lang, "财力缺口", "Fiscal gap"), "num", wan),
        Column("need_per_capita", tr(lang, "人均需求", "Need per head"), "num", yuan),
        Column("capacity_per_capita", tr(lang, "人均财力", "Capacity per head"), "num", yuan),
        Column("coverage", tr(lang, "财力覆盖需求", "Need covered"), "pct", "%"),
        Column("received", tr(lang, "实际获得转移支付", "Transfers received"), "num", wan),
    )
    note = tr(lang, "财力覆盖需求 = 标准财力 ÷ 标准支出需求。", "Need covered = capacity ÷ standard need.")
    title = tr(lang, "各地区基本公共服务财政保障情况", "Need, capacity and gap by region")
    return Table(title, columns, tuple(rows), note, tr(lang, "财政保障", "Fiscal"))


def _summary_table(lang: str, row: dict[str, Any]) -> Table:
    columns = (
        Column("regions", tr(lang, "地区数", "Regions"), "int"),
        Column("with_gap", tr(lang, "存在缺口的地区", "Regions with a gap"), "int"),
        Column("closed", tr(lang, "转移支付弥补缺口", "Gap closed by transfers"), "pct", "%"),
        Column("gini", tr(lang, "人均财力基尼系数", "Gini of capacity per head"), "index"),
        Column("gini_received", tr(lang, "计入转移支付后", "With transfers received"), "index"),
    )
    return Table(tr(lang, "财力均衡程度", "Equalization of resources"), columns, (row,), sheet="")


def _growth_table(inputs: AnnualInputs, fiscal: FiscalYear, lang: str) -> Table:
    rows = []
    for r in fiscal.growth.to_dict("records"):
        failed = list(r["years_failed"])
        rows.append(
            {
                "name": _name(inputs, r["region"]),
                "first_year": num(r["first_year"]),
                "last_year": num(r["last_year"]),
                "checked": int(r["years_checked"]),
                "failed": len(failed),
                "years": tr(lang, "、", ", ").join(str(y) for y in failed) or "—",
            }
        )
    columns = (
        Column("name", tr(lang, "地区", "Region")),
        Column("first_year", tr(lang, "起始年份", "From"), "year"),
        Column("last_year", tr(lang, "截止年份", "To"), "year"),
        Column("checked", tr(lang, "检查年数", "Years checked"), "int"),
        Column("failed", tr(lang, "未达到年数", "Years failed"), "int"),
        Column("years", tr(lang, "未达到的年份", "Which years")),
    )
    note = tr(
        lang,
        "要求：基本公共服务支出增长高于财政经常性收入增长；增长持平视为未达到。",
        "The rule: spending on basic public services grows faster than recurrent revenue; equal growth fails.",
    )
    title = tr(lang, "支出增长与经常性收入增长对照", "Spending growth against recurrent revenue growth")
    return Table(title, columns, tuple(rows), note, tr(lang, "支出增长", "Growth check"))


def fiscal_section(inputs: AnnualInputs, lang: str, title: str, scope: str) -> Section | None:
    """Return the fiscal equalization section titled ``title`` (None when the inputs have no fiscal data)."""
    fiscal = inputs.fiscal
    if fiscal is None or fiscal.needs.empty:
        return None
    units = LEVEL_WORDS["en" if lang == "en" else "zh"].get(fiscal.level, tr(lang, "地区", "regions"))
    rows = region_rows(inputs, fiscal, lang)
    regions, total = rows[:-1], rows[-1]
    gaps = [(str(r["name"]), float(r["gap"]), r["coverage"]) for r in regions if (r["gap"] or 0) > 0]
    closed = _ratio(total["received"], total["gap"])
    summary = {
        "regions": len(regions),
        "with_gap": len(gaps),
        "closed": closed,
        "gini": fiscal.gini,
        "gini_received": fiscal.gini_received,
    }
    para = say.fiscal_need(
        lang,
        year=inputs.year,
        scope=scope,
        units=units,
        need=float(total["need"]),
        capacity=float(total["capacity"]),
        coverage=total["coverage"],
        regions=len(regions),
        gaps=gaps,
        received=total["received"],
        closed=closed,
        gini=fiscal.gini,
        gini_received=fiscal.gini_received,
    )
    blocks: list[Block] = [para, _need_table(lang, rows), _summary_table(lang, summary)]
    subs = [Section(tr(lang, "财力缺口", "Need, capacity and gap"), tuple(blocks), level=2)]
    growth = fiscal.growth[fiscal.growth["years_checked"] > 0]
    if len(growth):
        failed = [
            (_name(inputs, r["region"]), int(r["first_year"]), int(r["last_year"]), int(r["years_checked"]))
            + (len(r["years_failed"]),)
            for r in growth.to_dict("records")
            if r["years_failed"]
        ]
        para = say.fiscal_growth(lang, units=units, regions=len(growth), failed=failed)
        subs.append(
            Section(
                tr(lang, "支出增长情况", "Spending growth against revenue growth"),
                (para, _growth_table(inputs, fiscal, lang)),
                level=2,
            )
        )
    return Section(title, (), tuple(subs))
