"""Reports an office circulates: the annual report, the periodic bulletin and a district's scorecard, built
from the same services as the pages and rendered to DOCX, PDF, HTML or XLSX: the one door for the CLI
(``jundeng report …``) and the web's Reports page."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jundeng.domain.principal import Principal
from jundeng.errors import ForbiddenError, JundengError
from jundeng.report.document import FORMATS, Document
from jundeng.store.db import Database

KINDS = ("annual", "bulletin", "scorecard")
LANGS = ("zh", "en")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
READERS = ("admin", "office", "viewer")  # every report; a district its own scorecard only


@dataclass(frozen=True)
class Request:
    """What report is asked for: its kind and, as the kind needs, year, period and day, region, programme."""

    kind: str
    year: int | None = None
    period: str | None = None
    today: date | None = None
    region: str | None = None
    under: str | None = None
    lang: str = "zh"


@dataclass(frozen=True)
class Rendered:
    """A rendered report: its bytes, a file name, the media type, the document and how long it took."""

    content: bytes
    filename: str
    media_type: str
    document: Document
    seconds: float


def check(asked: Request, fmt: str, principal: Principal | None = None) -> None:
    """Refuse (bilingual) an unknown kind, format or language, a missing year, period or region, and a report
    outside the principal's scope, before anything is computed."""
    if asked.kind not in KINDS:
        raise JundengError(f"未知的报告类型：{asked.kind}（可选 {'、'.join(KINDS)}）", f"unknown report: {asked.kind}")
    if fmt not in FORMATS:
        raise JundengError(
            f"未知的格式：{fmt}（可选 {'、'.join(FORMATS)}）", f"unknown format: {fmt} (use {', '.join(FORMATS)})"
        )
    if asked.lang not in LANGS:
        raise JundengError(f"未知的语言：{asked.lang}（zh 或 en）", f"unknown language: {asked.lang} (zh or en)")
    if asked.kind in ("annual", "scorecard") and asked.year is None:
        raise JundengError("请给出年份（--year）", "give the year (--year)")
    if asked.kind == "bulletin" and not asked.period:
        raise JundengError(
            "请给出通报期间，如 2017Q3（--period）", "give the bulletin's period, e.g. 2017Q3 (--period)"
        )
    if asked.kind == "scorecard" and not asked.region:
        raise JundengError("请给出区县代码（--region）", "give the district's code (--region)")
    if principal is None or principal.role in READERS:
        return
    if principal.role == "district" and asked.kind == "scorecard" and asked.region == principal.region:
        return
    raise ForbiddenError("无权生成该报告", "you may not produce this report")


def document(db: Database, asked: Request) -> Document:
    """Return the document model of the report asked for (see :func:`check` for what is refused)."""
    from jundeng.services import report_annual, report_periodic

    check(asked, "html")
    if asked.kind == "annual":
        assert asked.year is not None
        return report_annual.annual_document(db, year=asked.year, under=asked.under, lang=asked.lang, today=asked.today)
    if asked.kind == "bulletin":
        assert asked.period is not None
        today = asked.today or date.today()
        return report_periodic.bulletin_document(
            db, period=asked.period, today=today, under=asked.under, lang=asked.lang
        )
    assert asked.region is not None and asked.year is not None
    return report_periodic.scorecard_document(
        db, region=asked.region, year=asked.year, under=asked.under, lang=asked.lang, today=asked.today
    )


def produce(
    db: Database, asked: Request, fmt: str, *, template: Path | None = None, principal: Principal | None = None
) -> Rendered:
    """Build the report asked for and render it as ``fmt`` (an office's own DOCX ``template`` honoured)."""
    from jundeng.report.render import render

    check(asked, fmt, principal)
    if template is not None and fmt != "docx":
        raise JundengError("模板只用于 DOCX 格式", "a template applies to the DOCX format only")
    if template is not None and not template.is_file():
        raise JundengError(f"找不到模板文件：{template}", f"template not found: {template}")
    start = time.perf_counter()
    doc = document(db, asked)
    content = render(doc, fmt, template=template)
    return Rendered(content, filename(asked, fmt), MEDIA_TYPES[fmt], doc, time.perf_counter() - start)


def filename(asked: Request, fmt: str) -> str:
    """Return the report's file name (ASCII: safe in a download header and on any disk)."""
    where = asked.region if asked.kind == "scorecard" else asked.under
    parts = [asked.kind, str(asked.year if asked.kind != "bulletin" else asked.period or ""), where or "", asked.lang]
    stem = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem) + f".{fmt}"
