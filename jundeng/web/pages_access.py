"""The Access page (可达性): for the office, who lives within a straight-line distance of a facility of one
category (school, clinic, bus stop …) open by a year, by district, urban/rural and town, how unequal that is, and
the floating-catchment score by district; a map of the shares, the facilities and the people left out; a plain GET
form and a refusal in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.errors import JundengError
from jundeng.services import access_db, access_map
from jundeng.services import regions as regions_
from jundeng.services.access import METHODS, CoverageAnswer, ScoreAnswer
from jundeng.web.auth import OFFICE, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language, translator
from jundeng.web.pages_base import N_, Column, Table, as_json, choose_programme, frame_rows, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
MAX_METRES = 50_000.0  # beyond this a straight line says little about reach, and every pair would be compared
DEFAULT_CATEGORY = "bus_stop"
GROUPINGS = ("district", "urban_rural", "town", "region")  # the coverage the page asks the service for
DEFAULT_WITHIN, DEFAULT_CATCHMENT, DEFAULT_METHOD = 500.0, 3000.0, "e2sfca"
COLOURS = {"facilities": "#d7301f", "uncovered": "#fd8d3c", "low": "#f7fbff", "mid": "#6baed6", "high": "#08306b"}
CATEGORY_LABELS = {
    "bus_stop": N_("公交站"),
    "clinic": N_("医疗卫生机构"),
    "school": N_("学校"),
    "fitness": N_("健身场所"),
    "library": N_("图书馆"),
}
METHOD_LABELS = {
    "2sfca": N_("两步移动搜索法"),
    "e2sfca": N_("增强型两步移动搜索法"),
    "g2sfca": N_("高斯两步移动搜索法"),
    "3sfca": N_("三步移动搜索法"),
}
CODE = Column("region", N_("区划代码"), link="/regions/{region}")
POPULATION = Column("population", N_("常住人口"), "num")
COVERED = Column("covered", N_("覆盖人口"), "num")
SHARE = Column("share", N_("覆盖率"), "pct")
TOWN_COLUMNS = [
    CODE,
    Column("name", N_("镇街")),
    Column("district", N_("所属区")),
    POPULATION,
    Column("uncovered", N_("未覆盖人口"), "num"),
    SHARE,
]
GAP_COLUMNS = [
    Column("measure", N_("项目"), "enum"),
    Column("value", N_("数值"), "num"),
    Column("part", N_("占比"), "pct"),
]
GAP_INDICES = (  # (level of the comparison, summary key, label)
    ("region", "gini", N_("覆盖率的基尼系数（各村居之间，人口加权）")),
    ("region", "theil", N_("覆盖率的泰尔指数（各村居之间，人口加权）")),
    ("town", "gini", N_("覆盖率的基尼系数（各镇街之间）")),
    ("district", "gini", N_("覆盖率的基尼系数（各区之间）")),
)
GAP_SHARES = (
    ("theil_between_district_share", N_("泰尔指数中区间差距的占比")),
    ("theil_between_urban_rural_share", N_("泰尔指数中城乡间差距的占比")),
)


class AccessPageError(JundengError):
    """An input of the Access page that cannot be used, in Chinese and English."""


def _metres(text: str, default: float, zh: str, en: str) -> float:
    """Return a distance in metres typed in the form (thousands separators allowed), ``default`` when empty."""
    cleaned = text.replace("，", "").replace(",", "").strip()
    if not cleaned:
        return default
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or value > MAX_METRES:
        raise AccessPageError(
            f"{zh}须为大于 0、不超过 50,000 的米数：{text}",
            f"the {en} must be a distance in metres above 0 and at most 50,000: {text}",
        )
    return value


def _category(text: str, categories: list[str]) -> str:
    """Return the category asked for (bus stops, else the first stored, when none is)."""
    if not categories:
        raise AccessPageError(
            "库中没有设施：请先运行 jundeng access import --facilities",
            "no facilities stored: run `jundeng access import --facilities` first",
        )
    if not text.strip():
        return DEFAULT_CATEGORY if DEFAULT_CATEGORY in categories else categories[0]
    if text not in categories:
        known = "、".join(categories)
        raise AccessPageError(
            f"未知的设施类别：{text}（已有类别：{known}）",
            f"unknown facility category: {text} (categories present: {', '.join(categories)})",
        )
    return text


def _year(text: str, years: list[int]) -> int | None:
    """Return the year asked for (the latest opening year stored when none is; None when no year is stored)."""
    if not text.strip():
        return years[-1] if years else None
    shown = f"{years[0]}–{years[-1]}" if years else "—"
    if not text.strip().isdigit() or int(text) not in years:
        raise AccessPageError(
            f"没有 {text} 年的设施开放数据（可选年份：{shown}）",
            f"no facility opening data for the year {text} (years: {shown})",
        )
    return int(text)


def _method(text: str) -> str:
    """Return the floating-catchment method asked for (E2SFCA when none is)."""
    if not text.strip():
        return DEFAULT_METHOD
    if text not in METHODS:
        raise AccessPageError(
            f"未知的计算方法：{text}（可选：{'、'.join(METHODS)}）",
            f"unknown method: {text} (choose one of {', '.join(METHODS)})",
        )
    return text


@dataclass(frozen=True)
class Asked:
    """What the form asks: the category, the coverage distance, the year, the score's method and catchment."""

    category: str
    within: float
    year: int | None
    method: str
    catchment: float


@dataclass(frozen=True)
class Answers:
    """The service's answers the page shows: coverage by district, urban/rural, town and region, and scores."""

    district: CoverageAnswer
    urban_rural: CoverageAnswer
    town: CoverageAnswer
    region: CoverageAnswer
    score: ScoreAnswer


def _answers(db: DB, under: str | None, asked: Asked) -> Answers:
    """Return the coverage and the scores of the programme for what the form asks."""
    options: dict[str, Any] = {"under": under, "category": asked.category, "year": asked.year}
    found = {by: access_db.coverage(db, within=asked.within, by=by, **options) for by in GROUPINGS}
    score = access_db.score(db, catchment=asked.catchment, method=asked.method, by="district", **options)
    return Answers(found["district"], found["urban_rural"], found["town"], found["region"], score)


def _tables(answers: Answers, names: dict[str, str], parents: dict[str, str | None]) -> list[Table]:
    """Return the page's tables: coverage by district, by urban/rural, the uncovered by town, the gap, scores."""
    districts = [r | {"name": names.get(str(r["region"]), "")} for r in frame_rows(answers.district.regions)]
    kinds = frame_rows(answers.urban_rural.regions)
    towns = []
    for row in frame_rows(answers.town.regions):
        code = str(row["region"])
        district = parents.get(code)
        uncovered = float(row["population"]) - float(row["covered"])
        named = {"name": names.get(code, ""), "district": names.get(district, "") if district else ""}
        towns.append(row | named | {"uncovered": uncovered})
    towns.sort(key=lambda r: (-r["uncovered"], str(r["region"])))
    by = {"region": answers.region, "town": answers.town, "district": answers.district}
    gap = [{"measure": label, "value": by[level].summary.get(key)} for level, key, label in GAP_INDICES]
    gap += [{"measure": label, "part": answers.region.summary.get(key)} for key, label in GAP_SHARES]
    scores = [
        r | {"name": names.get(str(r["region"]), ""), "per_10k": None if r["score"] is None else r["score"] * 1e4}
        for r in frame_rows(answers.score.regions)
    ]
    name = Column("name", N_("区划"))
    return [
        Table("districts", N_("各区覆盖率"), [CODE, name, POPULATION, COVERED, SHARE], districts),
        Table(
            "urban_rural",
            N_("城乡覆盖率"),
            [Column("region", N_("城乡类型"), "enum"), POPULATION, COVERED, SHARE],
            kinds,
        ),
        Table("towns", N_("各镇街未覆盖人口（按未覆盖人口从多到少）"), TOWN_COLUMNS, towns),
        Table("gap", N_("覆盖率差距"), GAP_COLUMNS, gap),
        Table(
            "scores",
            N_("移动搜索法可达性得分（分区）"),
            [
                CODE,
                name,
                POPULATION,
                Column("score", N_("得分（每人可及的设施容量）"), "num"),
                Column("per_10k", N_("每万人可及的设施容量"), "num"),
            ],
            scores,
        ),
    ]


def _map(
    db: DB, city: str | None, asked: Asked, answers: Answers, names: dict[str, str], lang: str
) -> dict[str, Any] | None:
    """Return the map's data (boundaries, district shares, facilities, uncovered points, labels) or None when no
    boundaries ship for the programme's city."""
    try:
        geo = regions_.boundaries(db, city=city) if city else regions_.boundaries(db)
    except JundengError:
        return None
    _ = translator(lang)
    layers = access_map.layers(db, under=city, category=asked.category, year=asked.year)
    shares = [
        {"name": names.get(str(r["region"]), str(r["region"])), "value": r["share"], "code": r["region"]}
        for r in frame_rows(answers.district.regions)
        if r["share"] is not None
    ]
    placeable = [f for f in layers.facilities if f["lon"] is not None]
    sites = [[f["lon"], f["lat"], f["name"] or f["id"], f["capacity"]] for f in placeable]
    placed = {str(p["id"]): p for p in layers.points if p["lon"] is not None}
    left_out = []
    for row in frame_rows(answers.region.points):
        point = placed.get(str(row["id"]))
        if point is not None and not row["covered"]:
            left_out.append([point["lon"], point["lat"], row["population"], names.get(str(point["region"]), "")])
    labels = {
        "share": _(N_("覆盖率")),
        "facilities": _(CATEGORY_LABELS.get(asked.category, asked.category)),
        "uncovered": _(N_("未覆盖的人口点")),
        "capacity": _(N_("容量")),
        "population": _(N_("常住人口")),
        "high": _(N_("覆盖率高")),
        "low": _(N_("覆盖率低")),
    }
    return {
        "map": f"access-{city or 'programme'}",
        "geo": geo,
        "districts": shares,
        "facilities": sites,
        "uncovered": left_out,
        "labels": labels,
        "colors": COLOURS,
    }


@router.get("/access", dependencies=[allow(*OFFICE)])
def access_page(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    category: Text = "",
    within: Text = "",
    year: Text = "",
    method: Text = "",
    catchment: Text = "",
) -> Response:
    """Coverage of the population by the facilities of one category open by a year (straight-line distance) by
    district, urban/rural and town, the access gap, the floating-catchment scores by district and a map."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    stored = access_map.stored(db, under=programme.code)
    asked: dict[str, str] = {"category": category, "within": within, "year": year}
    asked |= {"method": method, "catchment": catchment}
    tables: list[Table] = []
    error, summary, shown, drawn = None, None, None, None
    try:
        if not stored.points:
            raise AccessPageError(
                "库中没有人口点：请先运行 jundeng access import --population",
                "no demand points stored: run `jundeng access import --population` first",
            )
        form = Asked(
            _category(category, stored.categories),
            _metres(within, DEFAULT_WITHIN, "覆盖距离", "coverage distance"),
            _year(year, stored.years),
            _method(method),
            _metres(catchment, DEFAULT_CATCHMENT, "服务半径", "catchment"),
        )
        asked = {"category": form.category, "year": "" if form.year is None else str(form.year)}
        asked |= {"within": f"{form.within:g}", "method": form.method, "catchment": f"{form.catchment:g}"}
        answers = _answers(db, programme.code, form)
        regions = regions_.regions(db, under=programme.code)
        names = {r.code: r.name for r in regions}
        parents = {r.code: r.parent for r in regions}
        tables = _tables(answers, names, parents)
        summary, shown = answers.district.summary, form
        drawn = _map(db, programme.code, form, answers, names, lang)
    except JundengError as exc:
        error = exc.zh if lang == "zh" else exc.en
    return render(
        request,
        user,
        "access.html",
        title=N_("可达性"),
        tables=tables,
        charts=drawn is not None,
        synthetic=stored.synthetic,
        categories=[(c, CATEGORY_LABELS.get(c, c)) for c in stored.categories],
        years=stored.years,
        methods=[(m, METHOD_LABELS[m]) for m in METHODS],
        asked=asked,
        error=error,
        summary=summary,
        shown=shown,
        category_label=CATEGORY_LABELS.get(shown.category, shown.category) if shown else None,
        method_label=METHOD_LABELS.get(shown.method, shown.method) if shown else None,
        access_map=drawn,
        map_json=as_json(drawn) if drawn is not None else None,
        colours=COLOURS,
    )
