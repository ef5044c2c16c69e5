"""The Fiscal page (财政均衡): for the office, the standard need against the fiscal capacity of each region, the
gap, the equalization transfers of a pool (a slider and a number), inequality of resources per head before and
after, a simulation over pools around the total gap and the growth check; a plain GET form, a refusal in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.domain.regions import LEVELS
from jundeng.errors import JundengError
from jundeng.fiscal.needs import BASES
from jundeng.services import fiscal_db
from jundeng.services import regions as regions_
from jundeng.web.auth import OFFICE, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import N_, Column, Table, choose_programme, frame_rows, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
SHARES = (0.25, 0.5, 0.75, 1.0, 1.25)  # the simulated pools, as shares of the total gap
LEVEL_CHOICES = ("district", "town")
NAME = Column("name", N_("区划"))
CODE = Column("region", N_("区划代码"), link="/regions/{region}")
REGION_COLUMNS = [
    CODE,
    NAME,
    Column("population", N_("常住人口"), "int"),
    Column("need", N_("标准支出需求（元）"), "num"),
    Column("need_district", N_("其中区级承担（元）"), "num"),
    Column("capacity", N_("财政能力（元）"), "num"),
    Column("gap", N_("财政缺口（元）"), "num"),
    Column("transfer", N_("转移支付（元）"), "num"),
    Column("per_capita_before", N_("人均财力（转移前，元）"), "num"),
    Column("per_capita_after", N_("人均财力（转移后，元）"), "num"),
]
SUMMARY_LABELS = {
    "pool": N_("资金池（元）"),
    "coefficient": N_("转移系数"),
    "total_need": N_("标准支出需求合计（元）"),
    "total_capacity": N_("财政能力合计（元）"),
    "total_gap": N_("财政缺口合计（元）"),
    "total_transfer": N_("转移支付合计（元）"),
    "unspent": N_("未分配资金（元）"),
    "gap_closed": N_("缺口弥合比例"),
    "regions_with_gap": N_("有缺口的区划数"),
}
INDEX_LABELS = {"gini": N_("基尼系数"), "theil": N_("泰尔指数"), "cv": N_("变异系数")}
SIMULATION_COLUMNS = [
    Column("pool", N_("资金池（元）"), "num"),
    Column("share", N_("占缺口合计"), "pct"),
    Column("coefficient", N_("转移系数"), "num"),
    Column("total_transfer", N_("转移支付合计（元）"), "num"),
    Column("unspent", N_("未分配资金（元）"), "num"),
    Column("gap_closed", N_("缺口弥合比例"), "pct"),
    Column("gini_after", N_("基尼系数（转移后）"), "num"),
    Column("theil_after", N_("泰尔指数（转移后）"), "num"),
    Column("cv_after", N_("变异系数（转移后）"), "num"),
]
GROWTH_COLUMNS = [
    CODE,
    NAME,
    Column("years_checked", N_("检查年数"), "int"),
    Column("years_failed", N_("未达标年份"), "list"),
    Column("years_undefined", N_("无法判断的年份"), "list"),
    Column("ok", N_("达标")),
    Column("need_coverage", N_("本年支出占标准支出需求"), "pct"),
]


class FiscalPageError(JundengError):
    """An input of the Fiscal page that cannot be used, in Chinese and English."""


def _amount(text: str, zh: str, en: str) -> float | None:
    """Return an amount in 元 typed in the form (thousands separators allowed), None when empty."""
    cleaned = text.replace("，", "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise FiscalPageError(
            f"{zh}须为非负金额（元）：{text}", f"the {en} must be a non-negative amount in yuan: {text}"
        )
    return value


def _pools(text: str) -> list[float]:
    """Return the extra pools to simulate, comma-separated."""
    parts = [p for p in text.replace("，", ",").split(",") if p.strip()]
    return [a for a in (_amount(p, "模拟资金池", "pool to simulate") for p in parts) if a is not None]


def _year(text: str, years: list[int]) -> int:
    """Return the year asked for (the latest stored when none is), refusing one without fiscal data."""
    if not years:
        raise FiscalPageError(
            "库中没有财政数据：请先导入（jundeng fiscal import）", "no fiscal data stored: import it first"
        )
    if not text.strip():
        return years[-1]
    shown = f"{years[0]}–{years[-1]}"
    if not text.strip().isdigit() or int(text) not in years:
        raise FiscalPageError(
            f"{text} 年没有财政数据（有数据的年份：{shown}）", f"no fiscal data for {text} (data: {shown})"
        )
    return int(text)


@dataclass(frozen=True)
class Asked:
    """What the form asks: year, level, gap basis, pool (None: the total gap), extra pools, floor and cap."""

    year: int
    level: str | None
    basis: str
    pool: float | None
    pools: list[float]
    floor: float | None
    cap: float | None


def _tables(db: DB, under: str | None, asked: Asked) -> Any:
    """Return the tables of the page and the pool used (the total gap when none was given)."""
    names = regions_.names(db)
    year, level, basis = asked.year, asked.level, asked.basis
    needs = fiscal_db.needs_from_db(db, year=year, under=under, level=level, basis=basis)
    if needs.empty:
        raise FiscalPageError("此层级没有财政数据", "no fiscal data at this level")
    total_gap = float(needs["gap"].sum())
    pool = total_gap if asked.pool is None else asked.pool
    pools = sorted({round(total_gap * s, 2) for s in SHARES} | set(asked.pools))
    answer = fiscal_db.transfers_from_db(
        db,
        year=year,
        pool=pool,
        pools=pools,
        floor=asked.floor,
        cap=asked.cap,
        under=under,
        level=level,
        basis=basis,
    )
    rows = [r | {"name": names.get(str(r["region"]), "")} for r in frame_rows(answer.result.regions)]
    summary = answer.result.summary
    scalar = [{"measure": label, "value": summary[key]} for key, label in SUMMARY_LABELS.items()]
    indices = [
        {"measure": label, "before": summary[f"{key}_before"], "after": summary[f"{key}_after"]}
        for key, label in INDEX_LABELS.items()
    ]
    simulated = [r | {"share": r["pool"] / total_gap if total_gap > 0 else None} for r in frame_rows(answer.simulation)]
    growth = fiscal_db.growth_from_db(db, under=under, level=level)
    this_year = growth.years[growth.years["year"] == year]
    covered = dict(zip(this_year["region"].astype(str), this_year.get("need_coverage", []), strict=False))
    grown = [
        r | {"name": names.get(str(r["region"]), ""), "need_coverage": covered.get(str(r["region"]))}
        for r in frame_rows(growth.regions)
    ]
    measure = Column("measure", N_("项目"), "enum")
    tables = [
        Table("regions", N_("标准支出需求与财政能力（分区划）"), REGION_COLUMNS, rows),
        Table("summary", N_("转移支付汇总"), [measure, Column("value", N_("数值"), "num")], scalar),
        Table(
            "inequality",
            N_("人均财力不均等程度（转移前后）"),
            [measure, Column("before", N_("转移前"), "num"), Column("after", N_("转移后"), "num")],
            indices,
        ),
        Table("simulation", N_("资金池模拟"), SIMULATION_COLUMNS, simulated),
        Table("growth", N_("基本公共服务支出增长检查"), GROWTH_COLUMNS, grown, empty=N_("没有可检查的支出与收入数据")),
    ]
    return tables, pool, total_gap


@router.get("/fiscal", dependencies=[allow(*OFFICE)])
def fiscal_page(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    year: Text = "",
    level: Text = "",
    pool: Text = "",
    pools: Text = "",
    floor: Text = "",
    cap: Text = "",
    basis: Text = "total",
) -> Response:
    """Need against capacity by region, the transfers of a pool, inequality before and after, a simulation over
    pools around the total gap and the growth check, for the year and level asked (the latest year by default)."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    stored = fiscal_db.stored(db, under=programme.code)
    asked = {"year": year, "level": level, "pool": pool, "pools": pools, "floor": floor, "cap": cap, "basis": basis}
    tables: list[Table] = []
    error, used, total_gap = None, None, None
    try:
        chosen = _year(year, stored.years)
        asked["year"] = str(chosen)
        if level and level not in LEVELS:
            raise FiscalPageError(f"未知的区划层级：{level}", f"unknown region level: {level}")
        if basis not in BASES:
            raise FiscalPageError(f"未知的缺口口径：{basis}", f"unknown gap basis: {basis}")
        form = Asked(
            chosen,
            level or None,
            basis,
            _amount(pool, "资金池", "pool"),
            _pools(pools),
            _amount(floor, "每区最低转移额", "floor"),
            _amount(cap, "每区最高转移额", "cap"),
        )
        tables, used, total_gap = _tables(db, programme.code, form)
    except JundengError as exc:
        error = exc.zh if language(request) == "zh" else exc.en
    return render(
        request,
        user,
        "fiscal.html",
        title=N_("财政均衡"),
        tables=tables,
        synthetic=stored.synthetic,
        years=stored.years,
        levels=[(lv, lv) for lv in LEVEL_CHOICES],
        bases=[("total", N_("全部标准支出需求")), ("district", N_("区级承担部分（扣除市级分担）"))],
        asked=asked,
        error=error,
        pool=used,
        total_gap=total_gap,
    )
