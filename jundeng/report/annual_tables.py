"""The annual report's tables and charts, built from :class:`~jundeng.report.annual_inputs.AnnualInputs`
(pure): the narrative (:mod:`jundeng.report.narrative`) states figures these tables hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from jundeng.report.annual_inputs import AnnualInputs, GapSeries, KeyIndicator
from jundeng.report.cells import cell_number as num
from jundeng.report.document import Chart, Column, Map, Series, Table
from jundeng.report.narrative import INDEX_WORDS, STATUS_ORDER, STATUS_WORDS
from jundeng.report.words import t as tr

LEVEL_WORDS = {
    "zh": {"city": "市", "district": "区县", "town": "镇街", "village": "村居"},
    "en": {"city": "cities", "district": "districts", "town": "towns", "village": "villages"},
}
MISSED = ("off_track", "worsening")

SIGNS = {">=": "≥", "<=": "≤"}  # a target's comparator as a reader writes it


def indicator_name(inputs: AnnualInputs, code: str, lang: str) -> str:
    """Return an indicator's name in ``lang`` (its code when unknown)."""
    ind = inputs.indicators.get(code)
    return code if ind is None else ind.name_en if lang == "en" and ind.name_en else ind.name


def indicator_unit(inputs: AnnualInputs, code: str) -> str:
    """Return an indicator's unit ("" when unknown)."""
    ind = inputs.indicators.get(code)
    return ind.unit if ind is not None else ""


def domain_name(inputs: AnnualInputs, code: str, lang: str) -> str:
    """Return a domain's name in ``lang`` (its code when unknown)."""
    found = inputs.domain(code)
    return code if found is None else found.name_en if lang == "en" and found.name_en else found.name


def counts(row: Mapping[Any, Any] | None) -> dict[str, int]:
    """Return the status counts of a roll-up row (zeros when absent)."""
    if row is None:
        return {s: 0 for s in STATUS_ORDER}
    return {s: int(row.get(s, 0) or 0) for s in STATUS_ORDER}


def _status_columns(lang: str) -> tuple[Column, ...]:
    words = STATUS_WORDS["en" if lang == "en" else "zh"]
    return tuple(Column(s, words[s], "int") for s in STATUS_ORDER)


def attainment_table(inputs: AnnualInputs, lang: str) -> Table:
    """Return the targets by domain and status, with the attainment rate and a total row."""
    rows: list[dict[str, Any]] = []
    frames = [(r, domain_name(inputs, str(r["domain"]), lang)) for r in inputs.by_domain.to_dict("records")]
    frames += [(r, tr(lang, "合计", "Total")) for r in inputs.overall.to_dict("records")]
    for r, name in frames:
        rows.append(
            {"domain": name, "targets": int(r["targets"]), **counts(r)}
            | {"missed": sum(int(r[s]) for s in MISSED), "rate": num(r["attainment_rate"])}
        )
    columns = (
        Column("domain", tr(lang, "领域", "Domain")),
        Column("targets", tr(lang, "目标数", "Targets"), "int"),
        *_status_columns(lang),
        Column("missed", tr(lang, "未达进度", "Lagging"), "int"),
        Column("rate", tr(lang, "达成率", "Attainment rate"), "pct", "%"),
    )
    return Table(
        tr(lang, "各领域目标完成情况", "Targets by domain"), columns, tuple(rows), sheet=tr(lang, "目标汇总", "Targets")
    )


def task_counts(ledger: pd.DataFrame) -> dict[str, int]:
    """Return a ledger's task counts: total, by status and red/yellow lights."""
    status, light = ledger["status"].astype(str), ledger["light"].astype(str)
    return {
        "total": len(ledger),
        "completed": int((status == "completed").sum()),
        "in_progress": int((status == "in_progress").sum()),
        "not_started": int((status == "not_started").sum()),
        "overdue": int((status == "overdue").sum()),
        "red": int((light == "red").sum()),
        "yellow": int((light == "yellow").sum()),
    }


def tasks_table(inputs: AnnualInputs, lang: str) -> Table:
    """Return the tasks by domain: total, completed, in progress, not started, overdue, red and yellow lights."""
    rows = []
    for d in inputs.domains:
        part = inputs.ledger[inputs.ledger["domain_code"] == d.code]
        if len(part):
            rows.append({"domain": domain_name(inputs, d.code, lang)} | task_counts(part))
    rows.append({"domain": tr(lang, "合计", "Total")} | task_counts(inputs.ledger))
    columns = (
        Column("domain", tr(lang, "领域", "Domain")),
        Column("total", tr(lang, "任务数", "Tasks"), "int"),
        Column("completed", tr(lang, "已完成", "Completed"), "int"),
        Column("in_progress", tr(lang, "推进中", "In progress"), "int"),
        Column("not_started", tr(lang, "未开始", "Not started"), "int"),
        Column("overdue", tr(lang, "已逾期", "Overdue"), "int"),
        Column("red", tr(lang, "红灯", "Red"), "int"),
        Column("yellow", tr(lang, "黄灯", "Yellow"), "int"),
    )
    day = inputs.ledger_day.isoformat()
    note = tr(lang, f"台账评估日：{day}", f"Ledger assessed on {day}")
    return Table(tr(lang, "重点任务完成情况", "Key tasks"), columns, tuple(rows), note, tr(lang, "重点任务", "Tasks"))


def targets_table(
    inputs: AnnualInputs, lang: str, frame: pd.DataFrame, title: str, sheet: str, *, brief: bool = False
) -> Table:
    """Return one row per target: indicator, region, comparator and value, baseline, actual, progress, status
    (``brief``: without the region, the years of the baseline and the value, and the binding mark, so that a
    domain's table fits the page; the annex has them all)."""
    words = STATUS_WORDS["en" if lang == "en" else "zh"]
    rows = []
    for r in frame.to_dict("records"):
        code = str(r["indicator"])
        rows.append(
            {
                "indicator": indicator_name(inputs, code, lang),
                "region": inputs.region_names.get(str(r["region"]), str(r["region"])),
                "unit": inputs.unit(indicator_unit(inputs, code), lang),
                "comparator": SIGNS.get(str(r.get("comparator") or ""), str(r.get("comparator") or "")),
                "target": num(r.get("target")),
                "target_year": num(r.get("target_year")),
                "baseline_year": num(r.get("baseline_year")),
                "baseline": num(r.get("baseline_value")),
                "actual_year": num(r.get("actual_year")),
                "actual": num(r.get("actual")),
                "progress": num(r.get("progress_ratio")),
                "status": words.get(str(r["status"]), str(r["status"])),
                "binding": tr(lang, "是", "yes") if bool(r.get("binding")) else "",
            }
        )
    columns: tuple[Column, ...] = (
        Column("indicator", tr(lang, "指标", "Indicator")),
        Column("region", tr(lang, "地区", "Region")),
        Column("unit", tr(lang, "单位", "Unit")),
        Column("comparator", tr(lang, "要求", "Rule")),
        Column("target", tr(lang, "目标值", "Target"), "num"),
        Column("target_year", tr(lang, "目标年份", "Target year"), "year"),
        Column("baseline_year", tr(lang, "基期年份", "Baseline year"), "year"),
        Column("baseline", tr(lang, "基期值", "Baseline"), "num"),
        Column("actual_year", tr(lang, "实际值年份", "Actual year"), "year"),
        Column("actual", tr(lang, "实际值", "Actual"), "num"),
        Column("progress", tr(lang, "进度比", "Progress ratio"), "pct", "%"),
        Column("status", tr(lang, "状态", "Status")),
        Column("binding", tr(lang, "约束性", "Binding")),
    )
    if brief:
        columns = tuple(c for c in columns if c.key not in ("region", "baseline_year", "actual_year", "binding"))
    return Table(title, columns, tuple(rows), sheet=sheet)


def key_rows(inputs: AnnualInputs, key: KeyIndicator) -> dict[str, Any]:
    """Return a key indicator's figures: this year's value, last year's, the baseline and the changes."""
    year = inputs.year
    value, previous = key.values.get(year), key.values.get(year - 1)
    baseline = key.baseline_value
    return {
        "value": value,
        "previous_year": year - 1 if previous is not None else None,
        "previous": previous,
        "change": value - previous if value is not None and previous is not None else None,
        "baseline_year": key.baseline_year if baseline is not None else None,
        "baseline": baseline,
        "since_baseline": value - baseline if value is not None and baseline is not None else None,
        "target": key.target,
        "target_year": key.target_year,
    }


def key_table(inputs: AnnualInputs, lang: str, keys: list[KeyIndicator], domain: str) -> Table:
    """Return the key indicators of a domain with this year's value and the changes."""
    rows = [
        {"indicator": indicator_name(inputs, k.code, lang), "unit": inputs.unit(indicator_unit(inputs, k.code), lang)}
        | key_rows(inputs, k)
        for k in keys
    ]
    year = inputs.year
    columns = (
        Column("indicator", tr(lang, "指标", "Indicator")),
        Column("unit", tr(lang, "单位", "Unit")),
        Column("value", tr(lang, f"{year}年", str(year)), "num"),
        Column("previous_year", tr(lang, "上年", "Last year"), "year"),
        Column("previous", tr(lang, "上年值", "Last year's value"), "num"),
        Column("change", tr(lang, "比上年", "Change on last year"), "num"),
        Column("baseline_year", tr(lang, "基期年份", "Baseline year"), "year"),
        Column("baseline", tr(lang, "基期值", "Baseline"), "num"),
        Column("since_baseline", tr(lang, "比基期", "Change on baseline"), "num"),
        Column("target", tr(lang, "目标值", "Target"), "num"),
        Column("target_year", tr(lang, "目标年份", "Target year"), "year"),
    )
    return Table(tr(lang, f"{domain}主要指标", f"Key indicators: {domain}"), columns, tuple(rows), sheet="")


def gap_row(inputs: AnnualInputs, gap: GapSeries) -> dict[str, Any]:
    """Return a gap's figures: last year's and this year's index, the change, Theil T and its between share."""
    year = inputs.year
    value, previous = gap.values.get(year), gap.values.get(year - 1)
    return {
        "previous_year": year - 1 if previous is not None else None,
        "previous": previous,
        "value": value,
        "change": value - previous if value is not None and previous is not None else None,
        "theil": gap.theil.get(year),
        "between": gap.between.get(year),
    }


def gap_table(inputs: AnnualInputs, lang: str, gaps: list[GapSeries], domain: str) -> Table:
    """Return the urban–rural and inter-district gaps of a domain, this year against last year."""
    key = "en" if lang == "en" else "zh"
    rows = [
        {
            "indicator": indicator_name(inputs, g.indicator, lang),
            "index": INDEX_WORDS[key][g.index],
            "level": LEVEL_WORDS[key].get(g.level, g.level),
        }
        | gap_row(inputs, g)
        for g in gaps
    ]
    columns = (
        Column("indicator", tr(lang, "指标", "Indicator")),
        Column("index", tr(lang, "差距指数", "Index")),
        Column("level", tr(lang, "比较单元", "Units")),
        Column("previous_year", tr(lang, "上年", "Last year"), "year"),
        Column("previous", tr(lang, "上年值", "Last year's value"), "index"),
        Column("value", tr(lang, f"{inputs.year}年", str(inputs.year)), "index"),
        Column("change", tr(lang, "变化", "Change"), "index"),
        Column("theil", tr(lang, "泰尔指数", "Theil T"), "index"),
        Column("between", tr(lang, "区间差距占比", "Between-district share"), "pct", "%"),
    )
    return Table(tr(lang, f"{domain}差距变化", f"Gaps: {domain}"), columns, tuple(rows), sheet="")


def scorecard_table(inputs: AnnualInputs, lang: str) -> Table | None:
    """Return every district's scorecard: score, rank and its 90% interval, domain scores, targets met and missed."""
    card = inputs.scorecard
    if card is None or card.empty:
        return None
    domains = [d for d in inputs.domains if d.code in card.columns]
    rows = []
    for r in card.sort_values("rank").to_dict("records"):
        rows.append(
            {
                "name": str(r.get("name") or inputs.region_names.get(str(r["region"]), r["region"])),
                "score": num(r["score"]),
                "rank": num(r["rank"]),
                "rank_p05": num(r.get("rank_p05")),
                "rank_p95": num(r.get("rank_p95")),
                "achieved": num(r.get("targets_achieved")),
                "missed": num(r.get("targets_missed")),
            }
            | {f"d_{d.code}": num(r.get(d.code)) for d in domains}
        )
    columns = (
        Column("name", tr(lang, "区", "District")),
        Column("score", tr(lang, "得分", "Score"), "num"),
        Column("rank", tr(lang, "排名", "Rank"), "int"),
        Column("rank_p05", tr(lang, "排名区间下限", "Rank, 5th pct"), "int"),
        Column("rank_p95", tr(lang, "排名区间上限", "Rank, 95th pct"), "int"),
        Column("achieved", tr(lang, "达成目标", "Targets met"), "int"),
        Column("missed", tr(lang, "未达进度目标", "Targets lagging"), "int"),
        *(Column(f"d_{d.code}", domain_name(inputs, d.code, lang), "num") for d in domains),
    )
    note = tr(
        lang,
        "排名区间为蒙特卡洛不确定性分析的5%–95%分位。",
        "The rank interval is the 5th–95th percentile of the Monte Carlo.",
    )
    return Table(
        tr(lang, "各区考评结果", "District scorecards"), columns, tuple(rows), note, tr(lang, "各区考评", "Scorecards")
    )


def trend_chart(inputs: AnnualInputs, lang: str, key: KeyIndicator) -> Chart:
    """Return a key indicator's values by year against its target (a dashed line)."""
    years = sorted(key.values)
    name = indicator_name(inputs, key.code, lang)
    series = [Series(tr(lang, "实际值", "Actual"), tuple(key.values.get(y) for y in years))]
    if key.target is not None:
        label = tr(lang, f"目标（{key.target_year}年）", f"Target ({key.target_year})")
        series.append(Series(label, tuple(key.target for _ in years), dashed=True))
    return Chart(
        name, "line", tuple(str(y) for y in years), tuple(series), inputs.unit(indicator_unit(inputs, key.code), lang)
    )


def gap_chart(inputs: AnnualInputs, lang: str) -> Chart | None:
    """Return the Gini coefficient by year of each domain's widest gap between areas."""
    ginis = [g for g in inputs.gaps if g.index == "gini" and len(g.values) > 1][:6]
    if not ginis:
        return None
    years = sorted({y for g in ginis for y in g.values})
    series = tuple(
        Series(indicator_name(inputs, g.indicator, lang), tuple(g.values.get(y) for y in years)) for g in ginis
    )
    title = tr(lang, "地区间差距（基尼系数）变化", "Gaps between areas over time (Gini coefficient)")
    return Chart(title, "line", tuple(str(y) for y in years), series)


def ranking_chart(inputs: AnnualInputs, lang: str) -> Chart | None:
    """Return the districts' scores, best first (a horizontal bar chart)."""
    card = inputs.scorecard
    if card is None or card.empty:
        return None
    card = card.sort_values("rank")
    names = tuple(str(n) for n in card["name"])
    scores = tuple(num(s) for s in card["score"])
    return Chart(
        tr(lang, "各区综合得分排名", "District scores"), "barh", names, (Series(tr(lang, "得分", "Score"), scores),)
    )


def score_map(inputs: AnnualInputs, lang: str) -> Map | None:
    """Return the choropleth of the districts' scores on the programme's own boundaries."""
    card = inputs.scorecard
    if not inputs.features or card is None or card.empty:
        return None
    scores = {str(n): num(s) for n, s in zip(card["name"], card["score"], strict=True)}
    names = [str(f.get("properties", {}).get("name", "")) for f in inputs.features]
    values = {n: scores.get(n) for n in names}
    caption = tr(lang, "灰色：无数据", "Grey: no data")
    return Map(tr(lang, "各区综合得分分布", "District scores on the map"), inputs.features, values, caption=caption)
