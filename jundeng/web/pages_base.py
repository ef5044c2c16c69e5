"""What every page shares: the Jinja environment, tables (rendered and downloaded as CSV/XLSX), the columns
several pages show, labels, the language switch and the synthetic-data banner. Chinese is the source text:
templates call ``_("中文")``; Python marks its msgids with :func:`N_` so that the test of the English catalogue
finds them. A table is data plus typed columns; the same object renders as
HTML and downloads with ``?format=csv|xlsx`` (``&table=NAME`` picks one table of the page).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import pandas as pd
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.catalog import Indicator
from jundeng.domain.tasks import Light, ReviewStatus, TaskStatus
from jundeng.io import sanitize
from jundeng.io.records import plain
from jundeng.services import ledger
from jundeng.services import pending as pending_
from jundeng.services.ledger import SYNTHETIC_MARK as SYNTHETIC_MARK
from jundeng.services.scope import Programme
from jundeng.terms import unit_in
from jundeng.web.auth import EVERYONE, OFFICE, SIGNED_IN, WRITERS, Principal
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import N_ as N_
from jundeng.web.i18n import language, translator

TEMPLATES = Path(__file__).parent / "templates"
APPRAISAL_ROLES = ("admin", "office", "viewer", "district")


LABELS: dict[str, str] = {
    # target attainment, tasks, lights and report reviews: the labels on the domain enums
    **{s.value: s.label_zh for s in (*AttainmentStatus, *TaskStatus, *Light, *ReviewStatus)},
    # observations
    "draft": N_("草稿"),
    "submitted": N_("待审核"),
    "approved": N_("已审核"),
    "rejected": N_("已退回修改"),
    # supervision notices (督办)
    "open": N_("未办结"),
    "closed": N_("已办结"),
    # indicators and regions
    "higher": N_("越大越好"),
    "lower": N_("越小越好"),
    "binding": N_("约束性"),
    "expected": N_("预期性"),
    "urban": N_("城镇"),
    "rural": N_("农村"),
    "mixed": N_("城乡混合"),
    "province": N_("省"),
    "city": N_("市"),
    "district": N_("区"),
    "town": N_("镇街"),
    "village": N_("村居"),
    # roles
    "admin": N_("系统管理员"),
    "office": N_("均等化办"),
    "department": N_("部门"),
    "viewer": N_("查阅"),
    "public": N_("公众"),
    # booleans
    "yes": N_("是"),
    "no": N_("否"),
}

NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("/", N_("总览"), EVERYONE),
    ("/indicators", N_("指标"), EVERYONE),
    ("/gaps", N_("差距"), EVERYONE),
    ("/appraisal", N_("考评"), APPRAISAL_ROLES),
    ("/ledger", N_("任务台账"), SIGNED_IN),
    ("/data", N_("数据报送"), WRITERS),
    ("/review", N_("数据审核"), OFFICE),
    ("/reports", N_("报告"), APPRAISAL_ROLES),
    ("/fiscal", N_("财政"), OFFICE),
    ("/access", N_("可达性"), OFFICE),
    ("/admin/catalog", N_("目录管理"), OFFICE),
    ("/extract", N_("政策文件审核"), OFFICE),
    ("/consultation", N_("民意征询"), OFFICE),
    ("/admin/users", N_("用户管理"), ("admin",)),
    ("/audit", N_("审计日志"), OFFICE),
]


def number(value: Any, digits: int = 4) -> str:
    """Return a number as people read it: thousands separators, a few significant digits, '—' when missing."""
    value = plain(value)
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    if isinstance(value, bool):
        return str(value)
    x = float(value)
    if x == int(x) or abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.{digits}g}"


def percent(value: Any) -> str:
    """Return a share as a percentage ('—' when missing)."""
    value = plain(value)
    return "—" if value is None else f"{float(value):.1%}"


@dataclass(frozen=True)
class Column:
    """A table column: the row key, its header (a msgid) and how to show it.

    ``kind``: text, num, pct, int, enum (a code shown through :data:`LABELS`), list, light, original (Chinese
    text from a source document, shown as it is and marked as Chinese), action
    (a dict with label, url, body and optional prompt, rendered as a button posting to the API; never
    downloaded). ``link`` is a path formatted with the row, e.g. ``/indicators/{indicator}``.
    """

    key: str
    label: str
    kind: str = "text"
    link: str | None = None


@dataclass
class Table:
    """Rows under typed columns, shown in a page and downloadable."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    empty: str = N_("没有数据")

    def cell(self, column: Column, row: Mapping[str, Any], _: Callable[[str], str]) -> str:
        """Return the text of one cell in the page's language."""
        value = plain(row.get(column.key))
        if value is None or value == "":
            return "—"
        if column.kind == "num":
            return number(value)
        if column.kind == "int":
            return f"{int(value):,}"
        if column.kind == "pct":
            return percent(value)
        if column.kind in ("enum", "light"):
            return _(LABELS.get(str(value), str(value)))
        if column.kind == "list":
            return _(N_("、")).join(str(v) for v in value) if isinstance(value, list) else str(value)
        if isinstance(value, bool):
            return _(LABELS["yes" if value else "no"])
        return str(value)

    def href(self, column: Column, row: Mapping[str, Any]) -> str | None:
        """Return the link of a cell, or None."""
        if column.link is None:
            return None
        values = {k: quote(str(plain(v)), safe="") for k, v in row.items()}
        try:
            return column.link.format(**values)
        except (KeyError, IndexError):
            return None

    def export(self, _: Callable[[str], str]) -> tuple[list[str], list[list[Any]]]:
        """Return the header and the rows for a download (raw numbers, labels translated, text sanitised)."""
        columns = [c for c in self.columns if c.kind != "action"]
        header = sanitize.row(_(c.label) for c in columns)
        rows = []
        for row in self.rows:
            out: list[Any] = []
            for c in columns:
                value = plain(row.get(c.key))
                if c.kind in ("enum", "light", "list") or isinstance(value, bool | list | dict):
                    value = None if value is None else self.cell(c, row, _)
                out.append(sanitize.cell(value))  # a spreadsheet must not run text someone typed as a formula
            rows.append(out)
        return header, rows


# Columns that several pages show with the same meaning
INDICATOR = Column("indicator", N_("指标代码"), link="/indicators/{indicator}")
REGION = Column("region", N_("区划代码"), link="/regions/{region}")
INDICATOR_COLUMNS = [
    Column("code", N_("指标代码"), link="/indicators/{code}"),
    Column("name", N_("指标名称")),
    Column("domain", N_("领域")),
    Column("unit", N_("计量单位")),
    Column("direction", N_("方向"), "enum"),
    Column("kind", N_("属性"), "enum"),
]
INEQUALITY_COLUMNS = [
    Column("level", N_("比较层级"), "enum"),
    Column("units", N_("单位数"), "int"),
    Column("gini", N_("基尼系数"), "num"),
    Column("theil", N_("泰尔指数"), "num"),
    Column("cv", N_("变异系数"), "num"),
    Column("max_min", N_("最大最小比"), "num"),
    Column("between", N_("区间差距占比"), "pct"),
]
TASK_COLUMNS = [
    Column("code", N_("任务编号"), link="/ledger/{code}"),
    Column("title", N_("任务内容")),
    Column("lead_units", N_("牵头单位"), "list"),
    Column("responsible_units", N_("责任单位"), "list"),
    Column("deadline", N_("完成时限")),
    Column("status", N_("状态"), "enum"),
    Column("light", N_("灯号"), "light"),
    Column("percent", N_("完成进度（%）"), "num"),
    Column("expected", N_("序时进度（%）"), "num"),
    Column("days_left", N_("剩余天数"), "int"),
]


def pick(columns: Sequence[Column], *keys: str) -> list[Column]:
    """Return the columns with the given keys, in the order of ``columns``."""
    return [c for c in columns if c.key in keys]


class Named(Protocol):
    """Anything with a Chinese name and perhaps an English one (a domain, an indicator)."""

    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...


def name_in(lang: str, item: Named | None, fallback: str) -> str:
    """Return the item's name in the page's language, or ``fallback`` when there is no item."""
    return fallback if item is None else choose(lang, item.name, item.name_en)


def indicator_row(ind: Indicator, domain: str, lang: str) -> dict[str, Any]:
    """Return the cells of :data:`INDICATOR_COLUMNS` for one indicator (``domain``: its domain's name)."""
    return {
        "code": ind.code,
        "name": choose(lang, ind.name, ind.name_en),
        "domain": domain,
        "unit": unit_in(lang, ind.unit),
        "direction": ind.direction.value,
        "kind": ind.kind.value,
    }


def frame_rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Return the rows of a frame as plain dicts."""
    if frame is None or frame.empty:
        return []
    return [{str(k): plain(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]


def as_json(value: Any) -> Markup:
    """Return ``value`` as JSON safe to place in an HTML attribute or script (the ``tojson`` filter)."""
    return htmlsafe_json_dumps(plain(value))


ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["tojson"] = as_json
ENV.filters["num"] = number
ENV.filters["pct"] = percent


def url_with(request: Request, **params: str | None) -> str:
    """Return the current path with query parameters replaced (None removes one)."""
    query = dict(request.query_params)
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return request.url.path + ("?" + urlencode(query) if query else "")


def choose(lang: str, zh: str, en: str | None) -> str:
    """Return the English text when the page is in English and there is one, else the Chinese."""
    return en if lang == "en" and en else zh


def download(tables: Sequence[Table], request: Request, _: Callable[[str], str]) -> Response:
    """Return the page's tables as CSV (one table) or XLSX (one sheet per table)."""
    fmt = request.query_params.get("format")
    name = request.query_params.get("table")
    chosen = [t for t in tables if name in (None, t.name)]
    if fmt not in ("csv", "xlsx") or not chosen:
        raise HTTPException(404 if chosen == [] else 400)
    if fmt == "csv":
        table = chosen[0]
        header, rows = table.export(_)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in r] for r in rows)
        body = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Chinese correctly
        return _attachment(body, f"{table.name}.csv", "text/csv; charset=utf-8")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in chosen:
        sheet = book.create_sheet(title=table.name[:31])
        header, rows = table.export(_)
        sheet.append(header)
        for r in rows:
            sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    stem = chosen[0].name if name else request.url.path.strip("/").replace("/", "-") or "overview"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(out.getvalue(), f"{stem}.xlsx", media)


def _attachment(body: bytes, filename: str, media_type: str) -> Response:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in filename)
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def ledger_day(request: Request, asked: str | None) -> date:
    """Return the day the ledger is assessed on: ``?as_of=`` (or ``?today=``), else the app's setting, else today."""
    day = ledger.parse_day(asked) if asked else None
    return ledger.ledger_day(day, setting=getattr(request.app.state, "ledger_day", None))


def allowed(user: Principal, roles: Iterable[str]) -> bool:
    """Return True when the user's role is among ``roles``."""
    return user.role in tuple(roles)


def render(
    request: Request,
    user: Principal,
    template: str,
    *,
    title: str,
    tables: Sequence[Table] = (),
    synthetic: bool = False,
    derived: bool = False,
    charts: bool = False,
    **context: Any,
) -> Response:
    """Return the page (or, with ``?format=``, its tables as a file); remember a ``?lang=`` choice in a cookie."""
    lang = language(request)
    _ = translator(lang)
    if request.query_params.get("format"):
        return download(tables, request, _)
    nav = [(href, label) for href, label, roles in NAV if allowed(user, roles)]
    programme = getattr(request.state, "programme", None)
    pending = 0
    if user.role in pending_.REVIEWERS:  # the figures shown are the approved ones: say how many wait
        pending = pending_.awaiting_review(request.app.state.db, user, under=getattr(programme, "code", None))
    if user.role == "district" and user.region:
        nav.insert(2, (f"/regions/{user.region}", N_("本区")))
    html = ENV.get_template(template).render(
        _=_,
        lang=lang,
        user=user,
        title=title,
        nav=nav,
        programme=programme,
        pending=pending,
        path=request.url.path,
        tables={t.name: t for t in tables},
        synthetic=synthetic,
        derived=derived,
        charts=charts,
        labels=LABELS,
        url_with=lambda **p: url_with(request, **p),
        choose=lambda zh, en=None: choose(lang, zh, en),
        unit_in=lambda unit: unit_in(lang, unit),
        csrftoken=csrf_token(request),  # for the hidden field of forms that work without JavaScript
        **context,
    )
    response = HTMLResponse(html)
    asked = request.query_params.get("lang")
    if asked == lang:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def choose_programme(request: Request, user: Principal, programme: Programme) -> Response:
    """Return the page that asks which programme (city or county) to show, when the database holds several and
    the user has not chosen one (each choice links to the same page with ``?under=CODE``)."""
    return render(request, user, "programme.html", title=N_("选择城市或区县"), choices=programme.choices)
