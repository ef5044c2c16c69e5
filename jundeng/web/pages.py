"""Server-rendered pages (Jinja2): sign-in, the overview and the indicator list; the other pages live in
``pages_analysis`` (indicator, region, appraisal), ``pages_work`` (ledger, task, data) and ``pages_admin``
(catalogue, users); ``pages_base`` renders and downloads; the figures come from ``jundeng.services``.

Every page is Chinese by default and English with ``?lang=en`` (remembered in the ``lang`` cookie), says
when the figures it shows are synthetic, and downloads each of its tables with ``?format=csv|xlsx``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.tasks import Light
from jundeng.services import analysis, ledger, users
from jundeng.services import facts as facts_
from jundeng.services import regions as regions_service
from jundeng.services.cache import cached
from jundeng.terms import unit_in
from jundeng.web import (
    pages_access,
    pages_admin,
    pages_analysis,
    pages_appraisal,
    pages_audit,
    pages_consultation,
    pages_entry,
    pages_extract,
    pages_fiscal,
    pages_gaps,
    pages_notices,
    pages_open,
    pages_reports,
    pages_review,
    pages_tasks,
    pages_users,
    pages_work,
)
from jundeng.web.auth import EVERYONE, Principal, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import (
    INDICATOR,
    INDICATOR_COLUMNS,
    LABELS,
    N_,
    Column,
    Table,
    as_json,
    choose,
    choose_programme,
    frame_rows,
    indicator_row,
    ledger_day,
    name_in,
    number,
    render,
)
from jundeng.web.paging import paginate, search

router = APIRouter(include_in_schema=False)
router.include_router(pages_analysis.router)
router.include_router(pages_appraisal.router)
router.include_router(pages_tasks.router)
router.include_router(pages_notices.router)
router.include_router(pages_entry.router)
router.include_router(pages_work.router)
router.include_router(pages_review.router)
router.include_router(pages_admin.router)
router.include_router(pages_users.router)
router.include_router(pages_audit.router)
router.include_router(pages_reports.router)
router.include_router(pages_gaps.router)
router.include_router(pages_extract.router)
router.include_router(pages_fiscal.router)
router.include_router(pages_access.router)
router.include_router(pages_open.router)
router.include_router(pages_consultation.router)


def safe_next(target: str | None) -> str:
    """Return ``target`` when it is a path on this site to go to after signing in, else ``/``.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so ``/%09/evil`` (a tab) and
    ``/\\evil`` lead to another site as ``//evil`` does: the target must start with one ``/`` followed by no
    second slash or backslash, and contain no backslash, control, invisible or space character, also once its
    %-escapes are decoded (repeatedly) and its compatibility characters normalised (``／`` is ``/``).
    """
    if not target or len(target) > 2000:
        return "/"
    forms, text = [target], target
    for _ in range(3):
        text = unquote(text)
        forms += [text, unicodedata.normalize("NFKC", text)]
    for form in forms:
        if not form.startswith("/") or form[1:2] in ("/", "\\") or "\\" in form:
            return "/"
        if any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in form):
            return "/"
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return "/"
    return target


@router.get("/login", dependencies=[allow(*EVERYONE)])
def login_page(request: Request, user: User, next: str | None = None) -> Response:
    """The sign-in form: posted to ``/login`` (:mod:`.pages_forms`), or by app.js to ``/api/v1/login``."""
    return render(request, user, "login.html", title=N_("登录"), next=safe_next(next))


@router.get("/logout", dependencies=[allow(*EVERYONE)])
def logout_page(request: Request, user: User, db: DB) -> Response:
    """Sign out (revoking the user's other sessions too) and go to the overview."""
    if not user.anonymous:
        users.end_sessions(db, username=user.username)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def _attainment_table(facts: facts_.Facts, user: Principal, year: int, lang: str) -> Table:
    region = user.region if user.role == "district" else None
    counts = facts_.attainment_by_domain(facts_.attained(facts, year, region))
    rows = frame_rows(counts)
    for row in rows:
        row["domain_name"] = name_in(lang, facts.domains.get(row["domain"]), row["domain"])
    columns = [Column("domain_name", N_("领域")), Column("targets", N_("目标数"), "int")]
    columns += [Column(s.value, LABELS[s.value], "int") for s in AttainmentStatus]
    columns.append(Column("attainment_rate", N_("达成率"), "pct"))
    return Table("attainment", N_("各领域目标达成情况"), columns, rows)


def _trend(facts: facts_.Facts, gaps: list[dict[str, Any]], lang: str) -> tuple[Table, dict[str, Any]]:
    series = analysis.gini_trend(facts, gaps)
    periods = sorted({p for s in series for p in s["points"]})
    rows = []
    for s in series:
        ind, domain = facts.indicators[s["indicator"]], facts.domains.get(s["domain"])
        label = name_in(lang, domain, s["domain"]) + " · " + choose(lang, ind.name, ind.name_en)
        rows.append({"indicator": ind.code, "label": label, **s["points"]})
    columns = [INDICATOR, Column("label", N_("领域与指标"))]
    columns += [Column(p, p, "num") for p in periods]
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 60},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "name": "Gini", "scale": True},
        "series": [{"type": "line", "name": r["label"], "data": [r.get(p) for p in periods]} for r in rows],
    }
    return Table("inequality_trend", N_("各领域不均等程度变化（基尼系数）"), columns, rows), chart


def _map(
    facts: facts_.Facts, year: int, gaps: list[dict[str, Any]], lang: str, city: str | None
) -> tuple[dict[str, Any], Table | None]:
    """Return the district map of the programme ``city`` (its own boundaries) and, when none ship for it, the
    table shown instead; the map drills down to towns only where town boundaries ship."""
    values = analysis.district_values(facts, year)
    preferred = [g["indicator"] for g in gaps if g["indicator"] in values]
    order = preferred + sorted(c for c in values if c not in preferred)
    towns = regions_service.has_town_boundaries(city)
    districts = facts.regions[facts.regions["level"] == "district"]
    codes = dict(zip(districts["name"], districts["code"], strict=True))
    indicators = []
    for code in order:
        ind = facts.indicators[code]
        indicators.append(
            {
                "code": code,
                "name": choose(lang, ind.name, ind.name_en),
                "unit": unit_in(lang, ind.unit),
                "values": [{"name": k, "value": v, "code": codes.get(k)} for k, v in sorted(values[code].items())],
                **({"towns": _town_values(facts, year, code)} if towns else {}),
            }
        )
    geo = {
        "geo": f"/api/v1/geo/districts?city={city}" if regions_service.has_boundaries(city) else None,
        "towns": f"/api/v1/geo/towns?city={city}" if towns else None,
        "map": f"districts-{city}",
        "year": year,
        "indicators": indicators,
        "districts": codes,
    }
    if geo["geo"] is not None:
        return geo, None
    names = sorted({n for i in indicators for n in (v["name"] for v in i["values"])})
    rows = [{"name": n, **{i["code"]: values[i["code"]].get(n) for i in indicators}} for n in names]
    columns = [Column("name", N_("区划")), *(Column(i["code"], i["name"], "num") for i in indicators)]
    return geo, Table("district_values", N_("各区分布"), columns, rows)


def _zones(facts: facts_.Facts, year: int, indicators: list[str]) -> list[dict[str, Any]]:
    """Return the programme's functional zones (no boundaries: listed under the map), each with its values of
    the map's indicators as shown (code → the number written; absent when the zone has none)."""
    regions = facts.regions
    zones = regions[(regions["level"] == "district") & regions["functional_zone"].fillna(False).astype(bool)]
    if zones.empty:
        return []
    frame = facts_.totals(facts, year=year)
    frame = frame[frame["region"].isin(set(zones["code"])) & frame["value"].notna()]
    rows = zip(frame["region"], frame["indicator"], frame["value"], strict=True)
    found = {(str(r), str(i)): float(v) for r, i, v in rows}
    pairs = sorted(zip(zones["code"], zones["name"], strict=True))
    return [
        {"code": c, "name": n, "shown": {i: number(found[(c, i)]) for i in indicators if (c, i) in found}}
        for c, n in pairs
    ]


def _town_values(facts: facts_.Facts, year: int, code: str) -> list[dict[str, Any]]:
    """Return the towns' values of one indicator (for the drill-down, where town boundaries ship)."""
    frame = facts_.totals(facts, year=year, indicator=code)
    frame = frame[frame["level"] == "town"]
    return [
        {"name": n, "value": float(v), "district": d}
        for n, v, d in zip(frame["name"], frame["value"], frame["district"], strict=True)
    ]


def _lights(db: DB, user: Principal, today: date, under: str | None) -> Table | None:
    if user.role == "public":
        return None
    table = ledger.ledger(db, today=today, principal=user, under=under)
    counts = table["light"].value_counts().to_dict() if len(table) else {}
    rows = [
        {"light": light.value, "tasks": int(counts.get(light, 0))} for light in (Light.RED, Light.YELLOW, Light.GREEN)
    ]
    columns = [Column("light", N_("灯号"), "light", link="/ledger?light={light}"), Column("tasks", N_("任务数"), "int")]
    return Table("lights", N_("任务红黄绿灯"), columns, rows)


def _figures(facts: facts_.Facts, user: Principal, year: int, lang: str, city: str | None) -> dict[str, Any]:
    """Return the overview's figures of ``year`` (attainment, Gini trend, map and its JSON, zones), computed once
    per data version, scope, language and kind of viewer: only the gap controls and the lights vary per request."""
    links, zones = user.role != "public", user.role not in ("public", "district")

    def compute() -> dict[str, Any]:
        gaps = analysis.gaps(facts, year, analysis.group_of(user)).rows  # between units, at the default level
        trend, chart = _trend(facts, gaps, lang)
        geo, values = _map(facts, year, gaps, lang, city)
        geo["links"] = links  # a click opens the district's page (signed in only)
        listed = _zones(facts, year, [i["code"] for i in geo["indicators"]]) if zones else []
        attainment = _attainment_table(facts, user, year, lang)
        return {"attainment": attainment, "trend": trend, "chart": chart, "geo": geo, "geo_json": as_json(geo)} | {
            "values": values,
            "zones": listed,
        }

    return cached((*facts.scope, "overview", year, lang, city, analysis.group_of(user), links, zones), compute)


@router.get("/", dependencies=[allow(*EVERYONE)])
def overview(request: Request, user: User, db: DB, programme: Programme, year: int | None = None) -> Response:
    """Target attainment by domain, the largest gaps, inequality over time, the district map (or, where no
    boundaries ship, a table), task lights: of the user's programme (a choice first when there are several)."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    year = year or facts_.latest_year(facts)
    tables: list[Table] = []
    context: dict[str, Any] = {"year": year, "chart": None, "geo": None, "geo_json": None, "today": None, "zones": []}
    if year is not None:
        figures = _figures(facts, user, year, lang, programme.code)
        gap_table, context["gap_controls"] = pages_gaps.overview_gaps(request, facts, user, year, lang)
        tables += [figures["attainment"], gap_table, figures["trend"]]
        context |= {k: figures[k] for k in ("chart", "geo", "geo_json", "zones")}
        if figures["values"] is not None:
            tables.append(figures["values"])
    today = ledger_day(request, None)
    lights = _lights(db, user, today, programme.code)
    if lights is not None:
        tables.append(lights)
        context["today"] = today
    synthetic = facts_.synthetic(facts) or (lights is not None and ledger.synthetic_reports(db))
    return render(
        request,
        user,
        "overview.html",
        title=N_("总览"),
        tables=tables,
        synthetic=synthetic,
        derived=facts_.derived(facts),
        charts=year is not None,
        **context,
    )


@router.get("/indicators", dependencies=[allow(*EVERYONE)])
def indicators(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """The indicators in scope, by domain: filtered by ``?domain=``, searched with ``?q=``, 50 a page."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    lang = language(request)
    facts = facts_.load(db, user, under=programme.code)
    ordered = sorted(facts.indicators.values(), key=lambda i: (i.domain, i.code))
    rows = [indicator_row(ind, name_in(lang, facts.domains.get(ind.domain), ind.domain), lang) for ind in ordered]
    domains = sorted({(ind.domain, r["domain"]) for ind, r in zip(ordered, rows, strict=True)})
    domain, q = request.query_params.get("domain", ""), request.query_params.get("q", "")
    chosen = [r for ind, r in zip(ordered, rows, strict=True) if not domain or ind.domain == domain]
    shown, pager = paginate(request, search(chosen, q, ("code", "name", "domain", "unit")))
    table = Table("indicators", N_("指标体系"), INDICATOR_COLUMNS, [dict(r) for r in shown], empty=N_("尚无公开的指标"))
    filters = {"domain": domain, "q": q}
    context: dict[str, Any] = {"pager": pager, "domains": domains, "filters": filters}
    return render(request, user, "indicators.html", title=N_("指标"), tables=[table], **context)
