"""The gap rankings: the overview's "largest gaps" table (one level, one index, one kind of gap, chosen with
``?level=`` and ``?kind=``) and the gap dashboard ``/gaps`` (every indicator by urban–rural and by district gap),
each saying which indicators were left out and why."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jundeng.services import analysis
from jundeng.services import facts as facts_
from jundeng.web.auth import EVERYONE, Principal, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import (
    INDICATOR,
    INEQUALITY_COLUMNS,
    N_,
    Column,
    Table,
    choose,
    choose_programme,
    name_in,
    pick,
    render,
)

router = APIRouter(include_in_schema=False)

KIND_LABELS = {
    "district": N_("地区间差距（基尼系数）"),
    "urban_rural": N_("城乡差距（城镇÷农村）"),
    "group": N_("组间差距（泰尔指数组间占比）"),
}
REASON_LABELS = {
    "count": N_("总量指标（随地区规模增长，不是差距）"),
    "difference": N_("以百分点计的差值（差值不是分布）"),
    "not_disaggregated": N_("没有城乡分列数据"),
    "level": N_("该层级不足两个单位"),
    "no_spread": N_("各单位取值相同（基尼系数为 0）"),
    "no_groups": N_("无法分组"),
}
WEIGHTED = Column("weighted", N_("人口加权"))
RATIO = Column("ratio", N_("城乡比（高÷低，中位数）"), "num")
DIFFERENCE = Column("difference", N_("城乡差（城镇−农村，中位数）"), "num")


def ranking_table(
    facts: facts_.Facts, ranking: analysis.GapRanking, lang: str, *, name: str = "gaps", limit: int | None = None
) -> Table:
    """Return the rows of ``ranking`` as a table: each row with its level and number of units."""
    rows = [
        g
        | {
            "label": choose(lang, g["name"], g["name_en"]),
            "domain_name": name_in(lang, facts.domains.get(g["domain"]), g["domain"]),
        }
        for g in ranking.rows[:limit]
    ]
    columns = [INDICATOR, Column("label", N_("指标名称")), Column("domain_name", N_("领域"))]
    if ranking.kind == "urban_rural":
        columns += [*pick(INEQUALITY_COLUMNS, "level", "units"), RATIO, DIFFERENCE]
    else:
        columns += [*pick(INEQUALITY_COLUMNS, "level", "units", "gini", "max_min", "between"), WEIGHTED]
    title = N_("差距最大的指标") if name == "gaps" else KIND_LABELS[ranking.kind]
    return Table(name, title, columns, rows, empty=N_("该层级没有可比较的指标"))


def left_out(ranking: analysis.GapRanking) -> list[dict[str, Any]]:
    """Return, per reason with indicators left out of ``ranking``, the reason's label, the count and the codes."""
    return [
        {"reason": REASON_LABELS[reason], "count": len(codes), "codes": codes}
        for reason, codes in ranking.left_out.items()
        if codes
    ]


def chosen(request: Request) -> tuple[str, str | None]:
    """Return the gap kind and level asked for with ``?kind=&level=`` (unknown values: the defaults)."""
    kind = request.query_params.get("kind", "district")
    level = request.query_params.get("level") or None
    return (kind if kind in analysis.KINDS else "district"), level


def controls(ranking: analysis.GapRanking, action: str) -> dict[str, Any]:
    """Return what the level and kind pickers show: the choices, the current ones and the left-out counts."""
    return {
        "action": action,
        "kind": ranking.kind,
        "level": ranking.level,
        "levels": [lv for lv in ranking.levels if lv in ("district", "town", "village")],
        "kinds": KIND_LABELS,
        "left_out": left_out(ranking),
    }


@router.get("/gaps", dependencies=[allow(*EVERYONE)])
def gaps_page(request: Request, user: User, db: DB, programme: Programme, year: int | None = None) -> Response:
    """The gap dashboard: all indicators ranked by urban–rural gap and by gap between units, one level each."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    year = year or facts_.latest_year(facts)
    tables: list[Table] = []
    context: dict[str, Any] = {"year": year, "sections": []}
    if year is not None:
        _, level = chosen(request)
        group = analysis.group_of(user)
        for kind in ("urban_rural", "district"):
            ranking = analysis.gaps(facts, year, group, kind=kind, level=level)
            tables.append(ranking_table(facts, ranking, lang, name=f"gaps_{kind}"))
            context["sections"].append({"table": f"gaps_{kind}", **controls(ranking, "/gaps")})
    return render(
        request, user, "gaps.html", title=N_("差距"), tables=tables, synthetic=facts_.synthetic(facts), **context
    )


def overview_gaps(
    request: Request, facts: facts_.Facts, user: Principal, year: int, lang: str
) -> tuple[Table, dict[str, Any]]:
    """Return the overview's "largest gaps" table (the 10 first of the chosen kind and level) and its controls."""
    kind, level = chosen(request)
    ranking = analysis.gaps(facts, year, analysis.group_of(user), kind=kind, level=level)
    return ranking_table(facts, ranking, lang, limit=10), controls(ranking, "/")
