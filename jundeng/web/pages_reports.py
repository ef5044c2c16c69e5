"""The Reports page: the office chooses the annual report, the bulletin or a district's scorecard, the year or
period and the format, and downloads it (a district its own scorecard); a plain GET form, a script only shows
that the report is being rendered."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jundeng.errors import JundengError
from jundeng.report.document import FORMATS
from jundeng.services import regions as regions_
from jundeng.services import reports
from jundeng.web.auth import allow
from jundeng.web.deps import DB, Programme, User
from jundeng.web.pages_base import N_, choose_programme, ledger_day, render

router = APIRouter(include_in_schema=False)
ROLES = (*reports.READERS, "district")
KIND_LABELS = {"annual": N_("年度报告"), "bulletin": N_("定期通报"), "scorecard": N_("区县考评结果")}
FORMAT_LABELS = {"docx": N_("Word（DOCX）"), "pdf": "PDF", "html": N_("网页（HTML）"), "xlsx": N_("Excel（XLSX）")}
Text = Annotated[str, Query(max_length=32)]


def _form(
    request: Request, user: User, db: DB, code: str | None, asked: dict[str, str], error: str | None = None
) -> Response:
    kinds = ["scorecard"] if user.role == "district" else list(reports.KINDS)
    districts = [
        (r.code, r.name)
        for r in regions_.regions(db, level="district", under=code)
        if not r.functional_zone and (user.role != "district" or r.code == user.region)
    ]
    return render(
        request,
        user,
        "reports.html",
        title=N_("报告"),
        kinds=[(k, KIND_LABELS[k]) for k in kinds],
        formats=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        districts=districts,
        asked=asked,
        error=error,
    )


@router.get("/reports", dependencies=[allow(*ROLES)])
def reports_page(request: Request, user: User, db: DB, programme: Programme) -> Response:
    """The form choosing a report, its year or period, the format and the language."""
    if programme.undecided:
        return choose_programme(request, user, programme)
    today = ledger_day(request, None)
    quarter = (today.month - 1) // 3 + 1
    asked = {"year": str(today.year - 1), "period": f"{today.year}Q{quarter}", "today": today.isoformat()}
    return _form(request, user, db, programme.code, asked)


@router.get("/reports/download", dependencies=[allow(*ROLES)])
def report_download(
    request: Request,
    user: User,
    db: DB,
    programme: Programme,
    kind: Text = "annual",
    fmt: Text = "docx",
    year: Text = "",
    period: Text = "",
    today: Text = "",
    region: Text = "",
    lang: Text = "zh",
) -> Response:
    """Render the report asked for and send it as a file; a refusal comes back on the form, in words."""
    asked = {"kind": kind, "fmt": fmt, "year": year, "period": period, "today": today, "region": region}
    try:
        wanted = reports.Request(
            kind,
            year=int(year) if year.strip().isdigit() else None,
            period=period.strip() or None,
            today=_day(today) or ledger_day(request, None),
            region=(region or (user.region if user.role == "district" else None)) if kind == "scorecard" else None,
            under=programme.code,
            lang=lang,
        )
        done = reports.produce(db, wanted, fmt, principal=user)
    except JundengError as exc:
        return _form(request, user, db, programme.code, asked, error=exc.zh if lang == "zh" else exc.en)
    disposition = f"attachment; filename=\"{done.filename}\"; filename*=UTF-8''{quote(done.filename)}"
    return Response(done.content, media_type=done.media_type, headers={"Content-Disposition": disposition})


def _day(text: str) -> date | None:
    """Return a YYYY-MM-DD day, or None (empty or malformed: the ledger's day is used)."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None
