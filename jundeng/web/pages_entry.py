"""Data entry in the browser: the grid of the user's scope (regions of a level × indicators, with units and the
current values), posted as a plain HTML form and stored through the same import as a file upload; and the Excel
template of the same scope to download (:mod:`jundeng.services.entry`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.domain.periods import parse_period
from jundeng.domain.principal import Principal
from jundeng.errors import JundengError, Problem
from jundeng.services import catalog, entry
from jundeng.terms import unit_in
from jundeng.web.auth import WRITERS, allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.i18n import language
from jundeng.web.pages_base import LABELS, N_, choose, choose_programme, number, render
from jundeng.web.pages_tasks import back

router = APIRouter(include_in_schema=False)
FIELD = "v:"  # a cell's input is named v:INDICATOR:REGION
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Period = Annotated[str, Query(min_length=4, max_length=16)]
Level = Annotated[str, Query(pattern="^(district|town|village)$")]


def _period(text: str) -> str:
    """Return the period's canonical text, or raise a bilingual error."""
    try:
        return parse_period(text.strip()).text
    except ValueError:
        raise JundengError(f"无效的期间 {text!r}", f"invalid period {text!r}") from None


def _in(request: Request, problem: Problem | JundengError) -> str:
    """Return a problem's message in the page's language."""
    return problem.en if language(request) == "en" else problem.zh


def _range(low: float | None, high: float | None) -> str:
    """Return a valid range as text ('' when unbounded both ways)."""
    if low is None and high is None:
        return ""
    return f"{'' if low is None else number(low)}–{'' if high is None else number(high)}"


def _domains(db: DB, user: Principal, grid: entry.Grid, domain: str, lang: str) -> list[tuple[str, str]]:
    """Return (code, name) of the domains the user may fill (all of them, also when the grid shows one)."""
    shown = catalog.indicators(db, principal=user) if domain else grid.indicators
    names = {d.code: choose(lang, d.name, d.name_en) for d in catalog.read(db).domains}
    return [(code, names.get(code, code)) for code in sorted({i.domain for i in shown})]


def _page(
    request: Request,
    db: DB,
    user: Principal,
    grid: entry.Grid,
    *,
    domain: str,
    typed: dict[entry.Key, str] | None = None,
    errors: dict[entry.Key, list[str]] | None = None,
    other: list[str] | None = None,
) -> Response:
    """Return the grid page, with the user's inputs and each error at its cell when a submission failed."""
    lang = language(request)
    rows: list[dict[str, Any]] = []
    for region in grid.regions:
        cells = []
        for ind in grid.indicators:
            key = (ind.code, region.code)
            now = grid.current.get(key)
            cells.append(
                {
                    "name": f"{FIELD}{ind.code}:{region.code}",
                    "typed": (typed or {}).get(key, ""),
                    "current": number(now.value) if now else "",
                    "status": LABELS.get(now.status, now.status) if now else "",
                    "errors": (errors or {}).get(key, []),
                    "label": f"{region.name} · {choose(lang, ind.name, ind.name_en)}",
                }
            )
        rows.append({"code": region.code, "name": region.name, "cells": cells})
    columns = []
    for i in grid.indicators:
        low, high = i.valid_range
        name = choose(lang, i.name, i.name_en)
        bounds = {"min": "" if low is None else low, "max": "" if high is None else high}
        columns.append(
            {"code": i.code, "name": name, "unit": unit_in(lang, i.unit), "range": _range(low, high), **bounds}
        )
    response = render(
        request,
        user,
        "entry.html",
        title=N_("在线填报"),
        grid=grid,
        rows=rows,
        columns=columns,
        domain=domain,
        domains=_domains(db, user, grid, domain, lang),
        failed=bool(errors or other),
        other=other or [],
        count=sum(len(v) for v in (errors or {}).values()) + len(other or []),
    )
    if errors or other:
        response.status_code = 422
    return response


@router.get("/data/entry", dependencies=[allow(*WRITERS)])
def entry_page(
    request: Request, user: User, db: DB, programme: Programme, period: Period, level: Level = "town", domain: str = ""
) -> Response:
    """The data-entry grid of the user's scope for one period and level (of one domain when chosen)."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    grid = entry.grid(db, user, period=_period(period), level=level, under=programme.code, domain=domain or None)
    return _page(request, db, user, grid, domain=domain)


@router.post("/data/entry", dependencies=[allow(*WRITERS)])
async def submit_entry(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """Check the filled cells as one import (all-or-nothing, the file import's rules and scope) and store them as
    submitted; on any error show the grid again with the inputs kept and each error at its cell."""
    form = await request.form(max_fields=50_000)
    period = _period(str(form.get("period") or ""))
    level = str(form.get("level") or "town")
    domain = str(form.get("domain") or "")
    typed: dict[entry.Key, str] = {}
    for name, value in form.multi_items():
        parts = name.split(":")
        if name.startswith(FIELD) and len(parts) == 3 and isinstance(value, str):
            typed[(parts[1], parts[2])] = value[:64]
    try:
        done = entry.submit(db, user, period=period, values=typed)
    except JundengError as exc:
        grid = entry.grid(db, user, period=period, level=level, under=programme.code, domain=domain or None)
        return _page(request, db, user, grid, domain=domain, typed=typed, other=[_in(request, exc)])
    if done.accepted:
        zh = f"已提交 {done.written} 个数值待审核（{done.unchanged} 个未变化）"
        en = f"{done.written} values submitted for review ({done.unchanged} unchanged)"
        return back(request, "/data", (zh, en))
    grid = entry.grid(db, user, period=period, level=level, under=programme.code, domain=domain or None)
    errors = {key: [_in(request, p) for p in found] for key, found in done.cells.items()}
    shown = {(i.code, r.code) for i in grid.indicators for r in grid.regions}
    other = [_in(request, p) for p in done.other]
    other += [f"{key[0]} @ {key[1]}: {msg}" for key, msgs in errors.items() if key not in shown for msg in msgs]
    return _page(request, db, user, grid, domain=domain, typed=typed, errors=errors, other=other)


@router.get("/data/template", dependencies=[allow(*WRITERS)])
def template_download(user: User, db: DB, programme: Programme, period: Period, level: Level) -> Response:
    """Download the Excel template of the user's scope (its regions of ``level``, its indicators) for ``period``."""
    text = _period(period)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "template.xlsx"
        entry.template(db, user, out=out, period=text, level=level, under=programme.code)
        body = out.read_bytes()
    name = f"template-{text}-{level}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
