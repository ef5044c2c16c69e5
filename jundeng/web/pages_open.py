"""The public open-data site (公开数据, in the Open SDG manner): no sign-in, GET only.

``/open`` lists the published indicators by domain with their progress status; ``/open/indicators/CODE`` shows
one (definition, unit, source clause, targets with baselines, a trend chart with its table, a district map when
boundaries ship, the latest values, the status in words, the data date, the synthetic caveat); downloads
``/open/indicators/CODE.csv|xlsx|json``; a read-only JSON API under ``/open/api/`` (cached 5 minutes, an
ETag, rate-limited per address). Everything comes from :mod:`jundeng.services.open_data`; an unpublished
code reads as an unknown one (404) everywhere. The same templates render the static export
(``jundeng publish``) with relative links: :class:`Links` says where each link goes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from starlette.requests import Request

from jundeng.services import open_data, open_export
from jundeng.services.open_data import PROGRESS, OpenIndicator, OpenSite
from jundeng.terms import unit_in
from jundeng.web.auth import EVERYONE, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import language, translator
from jundeng.web.limits import limiter
from jundeng.web.pages_base import ENV, N_, choose, choose_programme, url_with

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
API_LIMIT = "60/minute"  # per client address (jundeng.web.limits)
CACHE = "public, max-age=300"
Code = Annotated[str, PathParam(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "between": N_("区间")}
ASSETS = ("app.css", "open.css", "open.js", "vendor/echarts.min.js")


@dataclass(frozen=True)
class Links:
    """Where the open pages link: the server's paths, or (``root`` given) relative paths of the static export."""

    lang: str
    root: str | None = None  # the way back to the export's top ("", "../" …); None: the server
    here: str | None = None  # the indicator shown (None: the home page)
    switch: str = ""  # the server's link to the same page in the other language

    @property
    def tree(self) -> str:
        """Return the path to the top of this language's pages."""
        return (self.root or "") + ("en/" if self.lang == "en" else "")

    def home(self) -> str:
        """Return the home page."""
        return "/open" if self.root is None else self.tree + "index.html"

    def indicator(self, code: str) -> str:
        """Return an indicator's page."""
        return f"/open/indicators/{code}" if self.root is None else f"{self.tree}indicators/{code}.html"

    def download(self, code: str, fmt: str) -> str:
        """Return an indicator's download."""
        return f"/open/indicators/{code}.{fmt}" if self.root is None else f"{self.root}indicators/{code}.{fmt}"

    def api(self) -> str:
        """Return the JSON index of the published indicators."""
        return "/open/api/indicators" if self.root is None else f"{self.root}api/indicators.json"

    def asset(self, name: str) -> str:
        """Return a static file."""
        return f"/static/{name}" if self.root is None else f"{self.root}static/{name}"

    def geo(self, city: str) -> str:
        """Return the programme's boundaries: the API's GeoJSON, or the export's script carrying it."""
        if self.root is None:
            return f"/api/v1/geo/districts?city={city}"
        return f"{self.root}geo/districts-{city}.js"

    def other_language(self) -> str:
        """Return the same page in the other language."""
        if self.root is None:
            return self.switch
        other = self.root + ("" if self.lang == "en" else "en/")
        return other + (f"indicators/{self.here}.html" if self.here else "index.html")


def _status(key: str, lang: str) -> str:
    return next(p.label(lang) for p in PROGRESS.values() if p.key == key)


def _trend(found: OpenIndicator) -> dict[str, Any]:
    """Return the ECharts option of the trend: one line per region (the programme's first and thicker)."""
    years = sorted({r["year"] for r in found.series})
    names = {r["region"]: r["name"] for r in found.series}
    values = {(r["region"], r["year"]): r["value"] for r in found.series}
    series = [
        {
            "type": "line",
            "name": names[code],
            "data": [values.get((code, y)) for y in years],
            **({"lineStyle": {"width": 4}} if code == found.programme else {}),
        }
        for code in found.regions
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 60},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": found.unit, "scale": True},
        "series": series,
    }


def _series_table(found: OpenIndicator) -> tuple[list[int], list[dict[str, Any]]]:
    """Return the years and one row per region (name, code, value by year), the programme first."""
    years = sorted({r["year"] for r in found.series})
    rows: dict[str, dict[str, Any]] = {}
    for r in found.series:
        row = rows.setdefault(r["region"], {"region": r["region"], "name": r["name"], "values": {}})
        row["values"][r["year"]] = r["value"]
    return years, [rows[c] for c in found.regions if c in rows]


def _map(found: OpenIndicator, lang: str, links: Links) -> dict[str, Any] | None:
    if not found.boundaries or found.programme is None or not found.latest:
        return None
    return {
        "geo": links.geo(found.programme),
        "script": links.root is not None,
        "map": f"districts-{found.programme}",
        "name": f"{choose(lang, found.name, found.name_en)} ({found.latest_year})",
        "values": [{"name": r["name"], "value": r["value"]} for r in found.latest],
    }


def page(template: str, *, lang: str, links: Links, title: str, synthetic: bool, **context: Any) -> str:
    """Return an open page's HTML (the server's and the static export's)."""
    _ = translator(lang)
    return ENV.get_template(template).render(
        _=_,
        lang=lang,
        links=links,
        title=title,
        synthetic=synthetic,
        status_label=lambda key: _status(key, lang),
        progress=list(PROGRESS.values()),
        choose=lambda zh, en=None: choose(lang, zh, en),
        comparators=COMPARATORS,
        unit_in=lambda unit: unit_in(lang, unit),
        **context,
    )


def home_html(site: OpenSite, *, lang: str, links: Links) -> str:
    """Return the home page: progress by domain and the published indicators."""
    _ = translator(lang)
    name = site.programme_name or ""
    heading = _(N_("基本公共服务公开数据"))
    title = f"{name} {heading}".strip()
    return page("open_home.html", lang=lang, links=links, title=title, synthetic=site.synthetic, site=site)


def indicator_html(found: OpenIndicator, *, lang: str, links: Links, csrftoken: str | None = None) -> str:
    """Return an indicator's page (with the consultation form when served, ``csrftoken`` given)."""
    years, rows = _series_table(found)
    return page(
        "open_indicator.html",
        lang=lang,
        links=links,
        title=choose(lang, found.name, found.name_en),
        synthetic=found.synthetic,
        ind=found,
        years=years,
        rows=rows,
        chart=_trend(found),
        district_map=_map(found, lang, links),
        csrftoken=csrftoken,
    )


class StaticRenderer:
    """The open pages with relative links, for :func:`jundeng.services.open_export.export`."""

    def home(self, site: OpenSite, *, lang: str, root: str) -> str:
        """Return the home page's HTML."""
        return home_html(site, lang=lang, links=Links(lang, root))

    def indicator(self, found: OpenIndicator, *, lang: str, root: str) -> str:
        """Return an indicator page's HTML."""
        return indicator_html(found, lang=lang, links=Links(lang, root, found.code))

    def assets(self) -> Sequence[tuple[Path, str]]:
        """Return the static files the pages need."""
        return [(STATIC / name, f"static/{name}") for name in ASSETS]


def _html(request: Request, build: Callable[[Links], str]) -> Response:
    lang = language(request)
    other = "zh" if lang == "en" else "en"
    response = HTMLResponse(build(Links(lang, switch=url_with(request, lang=other))))
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def _cached(request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """Return ``body`` with public caching and a strong ETag, or 304 when the client holds the same."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    common = {"Cache-Control": CACHE, "ETag": etag, **(headers or {})}
    asked = [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]
    if etag in asked or "*" in asked:
        return Response(status_code=304, headers={"Cache-Control": CACHE, "ETag": etag})
    return Response(body, media_type=media_type, headers=common)


@router.get("/open", dependencies=[allow(*EVERYONE)])
def open_home(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """The open site's home: progress by domain and the published indicators with their status."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    site = open_data.site(db, under=programme.code)
    return _html(request, lambda links: home_html(site, lang=links.lang, links=links))


@router.get("/open/api/indicators", dependencies=[allow(*EVERYONE)])
@limiter.limit(API_LIMIT)
def open_api_index(request: Request, db: DB, programme: Programme) -> Response:
    """The published indicators with their status and latest value, as JSON (cached, with an ETag)."""
    site = open_data.site(db, under=programme.code)
    return _cached(request, open_export.to_json(open_export.index_json(site)), "application/json")


@router.get("/open/api/indicators/{code}", dependencies=[allow(*EVERYONE)])
@limiter.limit(API_LIMIT)
def open_api_indicator(request: Request, db: DB, programme: Programme, code: Code) -> Response:
    """One published indicator as JSON (404 when unpublished or unknown)."""
    found = open_data.indicator(db, code, under=programme.code)
    return _cached(request, open_export.to_json(open_export.indicator_json(found)), "application/json")


@router.get("/open/indicators/{code}.{fmt}", dependencies=[allow(*EVERYONE)])
@limiter.limit(API_LIMIT)
def open_download(request: Request, db: DB, programme: Programme, code: Code, fmt: str) -> Response:
    """An indicator's values as CSV, XLSX or JSON (404 when unpublished, unknown or another format)."""
    if fmt not in FORMATS:
        raise HTTPException(404)
    found = open_data.indicator(db, code, under=programme.code)
    if fmt == "csv":
        body = open_export.to_csv(found)
    elif fmt == "xlsx":
        body = open_export.to_xlsx(found)
    else:
        body = open_export.to_json(open_export.indicator_json(found))
    disposition = {"Content-Disposition": f'attachment; filename="{code}.{fmt}"'}
    return _cached(request, body, FORMATS[fmt], disposition)


@router.get("/open/indicators/{code}", dependencies=[allow(*EVERYONE)])
def open_indicator(request: Request, db: DB, programme: Programme, code: Code) -> Response:
    """One published indicator: definition, targets, trend, map, table, status, data date."""
    found = open_data.indicator(db, code, under=programme.code)
    token = csrf_token(request)
    return _html(request, lambda links: indicator_html(found, lang=links.lang, links=links, csrftoken=token))
