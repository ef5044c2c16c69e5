"""Analysis pages: one indicator (definition, targets, trend against the target, urban/rural gap, inequality
and its decomposition) and one region's scorecard (the appraisal: :mod:`.pages_appraisal`)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.catalog import Indicator
from jundeng.errors import NotFoundError
from jundeng.services import analysis, ledger, scope
from jundeng.services import facts as facts_
from jundeng.terms import unit_in
from jundeng.web.auth import EVERYONE, SIGNED_IN, Principal, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language, translator
from jundeng.web.pages_base import (
    INDICATOR,
    INEQUALITY_COLUMNS,
    N_,
    REGION,
    TASK_COLUMNS,
    Column,
    Table,
    choose,
    choose_programme,
    frame_rows,
    ledger_day,
    name_in,
    pick,
    render,
)

router = APIRouter(include_in_schema=False)


def _target_rows(facts: facts_.Facts, code: str) -> list[dict[str, Any]]:
    rows = []
    for t in facts.targets:
        if t.indicator == code:
            goal = f"{t.low:g}–{t.high:g}" if t.comparator.value == "range" else f"{t.comparator.value} {t.value:g}"
            rows.append(
                {
                    "region": t.region,
                    "region_name": facts.name(t.region),
                    "year": t.year,
                    "target": goal,
                    "baseline_year": t.baseline_year,
                    "baseline_value": t.baseline_value,
                    "clause": t.source.clause if t.source else None,
                }
            )
    return rows


def _trend_chart(facts: facts_.Facts, ind: Indicator, frame: pd.DataFrame, lang: str) -> tuple[Table, dict[str, Any]]:
    """Return the values per region (city and districts) and year, and the line chart against the target."""
    _ = translator(lang)
    frame = frame[frame["level"].isin(["city", "district"]) & ~frame["functional_zone"].fillna(False).astype(bool)]
    periods = sorted(frame["period"].unique())
    regions = frame.drop_duplicates("region").sort_values(["level", "region"])
    rows = []
    for region, name in zip(regions["region"], regions["name"], strict=True):
        values = frame[frame["region"] == region].set_index("period")["value"]
        rows.append({"region": region, "name": name, **{p: values.get(p) for p in periods}})
    goals = sorted((t for t in facts.targets if t.indicator == ind.code and t.value is not None), key=lambda t: t.year)
    series: list[dict[str, Any]] = [
        {"type": "line", "name": r["name"], "data": [r.get(p) for p in periods], "connectNulls": True} for r in rows
    ]
    if goals and series:
        goal = goals[-1]
        series[0]["markLine"] = {
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": "#c23531"},
            "label": {"formatter": f"{goal.comparator.value} {goal.value:g} ({goal.year})"},
            "data": [{"yAxis": goal.value, "name": _(N_("目标值"))}],
        }
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 30, "top": 30, "bottom": 50},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "name": unit_in(lang, ind.unit), "scale": True},
        "series": series,
    }
    columns = [REGION, Column("name", N_("区划")), *(Column(p, p, "num") for p in periods)]
    return Table("values", N_("各区数值"), columns, rows), chart


def _inequality(facts: facts_.Facts, code: str, user: Principal, lang: str) -> tuple[Table, dict[str, Any] | None]:
    _ = translator(lang)
    rows = analysis.inequality(facts, code, analysis.group_of(user))
    columns = [Column("period", N_("期间")), *INEQUALITY_COLUMNS]
    table = Table("inequality", N_("不均等程度及其分解"), columns, rows, empty=N_("比较单位不足两个"))
    if not rows:
        return table, None
    periods = [r["period"] for r in rows]
    theil = [r["theil"] for r in rows]
    between = [
        None if r["between"] is None or t is None else t * r["between"] for r, t in zip(rows, theil, strict=True)
    ]
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 60, "top": 30, "bottom": 50},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": [
            {"type": "value", "name": _(N_("基尼系数")), "scale": True},
            {"type": "value", "name": _(N_("泰尔指数"))},
        ],
        "series": [
            {"type": "line", "name": _(N_("基尼系数")), "data": [r["gini"] for r in rows]},
            {"type": "bar", "name": _(N_("泰尔指数（组间）")), "stack": "theil", "yAxisIndex": 1, "data": between},
            {
                "type": "bar",
                "name": _(N_("泰尔指数（组内）")),
                "stack": "theil",
                "yAxisIndex": 1,
                "data": [None if b is None or t is None else t - b for b, t in zip(between, theil, strict=True)],
            },
        ],
    }
    return table, chart


@router.get("/indicators/{code}", dependencies=[allow(*EVERYONE)])
def indicator_page(request: Request, code: str, user: User, db: DB, programme: Programme) -> Response:
    """Definition and source, targets, trend per district against the target, urban/rural gap, inequality:
    within the user's programme."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    ind = facts.indicators.get(code)
    if ind is None:
        raise NotFoundError(f"未知的指标代码 {code}", f"unknown indicator code: {code}")
    frame = facts_.totals(facts, indicator=code)
    values, trend = _trend_chart(facts, ind, frame, lang)
    targets = Table(
        "targets",
        N_("目标与基期"),
        [
            Column("region", N_("区划代码")),
            Column("region_name", N_("区划")),
            Column("year", N_("目标年份")),
            Column("target", N_("目标值")),
            Column("baseline_year", N_("基期年份")),
            Column("baseline_value", N_("基期值"), "num"),
            Column("clause", N_("依据条款"), "original"),
        ],
        _target_rows(facts, code),
        empty=N_("没有设定目标"),
    )
    gap = Table(
        "urban_rural",
        N_("城乡差距"),
        [
            Column("region", N_("区划代码")),
            Column("name", N_("区划")),
            Column("period", N_("期间")),
            Column("urban", N_("城镇"), "num"),
            Column("rural", N_("农村"), "num"),
            Column("difference", N_("城乡差"), "num"),
            Column("ratio", N_("城乡比"), "num"),
        ],
        analysis.urban_rural(facts, code),
        empty=N_("该指标没有分城乡数据"),
    )
    spread, spread_chart = _inequality(facts, code, user, lang)
    domain = facts.domains.get(ind.domain)
    own = facts_.rows_of(facts, code)
    return render(
        request,
        user,
        "indicator.html",
        title=N_("指标"),
        tables=[targets, values, gap, spread],
        synthetic=facts_.synthetic(facts, own),
        derived=facts_.derived(facts, own),
        charts=True,
        ind=ind,
        name=choose(lang, ind.name, ind.name_en),
        domain=name_in(lang, domain, ind.domain),
        trend=trend,
        spread_chart=spread_chart,
    )


ATTAINMENT_COLUMNS = [
    INDICATOR,
    Column("label", N_("指标名称")),
    Column("target_year", N_("目标年份")),
    Column("target", N_("目标值"), "num"),
    Column("actual", N_("实际值"), "num"),
    Column("actual_year", N_("实际年份")),
    Column("status", N_("状态"), "enum"),
]


@router.get("/regions/{code}", dependencies=[allow(*SIGNED_IN)])
def region_page(request: Request, code: str, user: User, db: DB, year: int | None = None) -> Response:
    """A region's scorecard within its programme: score, rank and rank interval, targets achieved and missed,
    gaps, tasks (another programme's region reads as absent to a user of one programme)."""
    lang = language(request)
    own = scope.programme(db, user, asked=code)  # the region's own programme (absent when out of scope)
    facts = facts_.load(db, user, under=own.code)
    known = facts.regions[facts.regions["code"] == code]
    if known.empty or not user.sees_region(code):
        raise NotFoundError(f"未知的区划代码 {code}", f"unknown region code: {code}")
    region = frame_rows(known)[0]
    year = year or facts_.latest_year(facts)
    card: dict[str, Any] | None = None
    gaps: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    total = 0
    if year is not None:
        result = facts_.appraisal(db, facts, year=year, with_uncertainty=True)
        if result is not None:
            found = frame_rows(result.scorecard[result.scorecard["region"] == code])
            card, total = (found[0] if found else None), len(result.scorecard)
        cascade = code if region["level"] == "district" else None  # city targets apply to each district
        attained = facts_.attained(facts, year, cascade)
        targets = [r for r in frame_rows(attained) if r["indicator"] in facts.indicators and r["region"] == code]
        for r in [*targets, *(card["gaps"] if card else [])]:
            r["label"] = name_in(lang, facts.indicators.get(r["indicator"]), r["indicator"])
        gaps = [g for g in (card["gaps"] if card else []) if g["indicator"] in facts.indicators]
    achieved = [r for r in targets if r["status"] == AttainmentStatus.ACHIEVED]
    missed = [r for r in targets if r["status"] != AttainmentStatus.ACHIEVED]
    day = ledger_day(request, None)
    tasks = frame_rows(ledger.ledger(db, today=day, principal=user, district=code, under=own.code))
    tables = [
        Table("achieved", N_("已达成的目标"), ATTAINMENT_COLUMNS, achieved),
        Table("missed", N_("未达成的目标"), ATTAINMENT_COLUMNS, missed),
        Table(
            "gaps",
            N_("与最好区的差距"),
            [INDICATOR, Column("label", N_("指标名称")), Column("gap", N_("相对差距"), "pct")],
            gaps,
            empty=N_("没有落后于最好区的指标"),
        ),
        Table(
            "tasks",
            N_("分解到本区的任务"),
            pick(TASK_COLUMNS, "code", "title", "deadline", "status", "light", "percent"),
            tasks,
        ),
    ]
    if card is not None:
        scores = [
            {"domain": choose(lang, d.name, d.name_en), "score": card[d.code]}
            for d in facts.domains.values()
            if card.get(d.code) is not None
        ]
        columns = [Column("domain", N_("领域")), Column("score", N_("领域得分"), "num")]
        tables.insert(0, Table("domain_scores", N_("各领域得分"), columns, scores))
    synthetic = facts_.synthetic(facts) or (bool(tasks) and ledger.synthetic_reports(db))
    return render(
        request,
        user,
        "region.html",
        title=N_("区域"),
        tables=tables,
        synthetic=synthetic,
        region=region,
        year=year,
        card=card,
        total=total,
    )
