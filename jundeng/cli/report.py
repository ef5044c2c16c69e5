"""``jundeng report annual|bulletin|scorecard``: the office's documents in DOCX, PDF, HTML or XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from jundeng.cli.common import console, open_db

if TYPE_CHECKING:
    from jundeng.services.reports import Request

app = typer.Typer(help="生成报告 / produce the office's reports (annual report, bulletin, district scorecard).")

FORMAT = typer.Option("docx", "--format", "-f", help="docx | pdf | html | xlsx")
OUT = typer.Option(
    None, "--out", "-o", help="输出文件（默认按报告命名）/ output file (default: named after the report)"
)
LANG = typer.Option("zh", "--lang", help="zh | en")
UNDER = typer.Option(None, "--under", help="工作区域（多个时必填）/ the programme (needed when there are several)")
TODAY = typer.Option(
    None, "--today", help="台账评估日期 YYYY-MM-DD（默认今天，至多到年末）/ the day the ledger is assessed"
)
TEMPLATE = typer.Option(
    None, "--template", help="本单位的 DOCX 模板（字体、版式）/ the office's own DOCX template (fonts, layout)"
)


def _produce(ctx: typer.Context, asked: Request, fmt: str, out: Path | None, template: Path | None) -> None:
    from jundeng.services import reports

    with console.status("正在生成报告… / rendering the report…"):
        done = reports.produce(open_db(ctx), asked, fmt, template=template)
    path = out or Path(done.filename)
    path.write_bytes(done.content)
    size = len(done.content) / 1024
    console.print(f"已生成 written: {path} ({size:,.0f} KB, {done.seconds:.1f} s)")


def _day(text: str | None) -> date | None:
    from jundeng.services.ledger import parse_day

    return parse_day(text) if text else None


@app.command("annual")
def annual(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="年度 / the year"),
    today: str | None = TODAY,
    under: str | None = UNDER,
    fmt: str = FORMAT,
    out: Path | None = OUT,
    lang: str = LANG,
    template: Path | None = TEMPLATE,
) -> None:
    """The annual report (年度报告): the year in summary, each domain, problems, next year's priorities, annexes."""
    from jundeng.services.reports import Request

    asked = Request("annual", year=year, today=_day(today), under=under, lang=lang)
    _produce(ctx, asked, fmt, out, template)


@app.command("bulletin")
def bulletin(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", help="期间，如 2017Q3、2017H1、2017 / period"),
    today: str | None = TODAY,
    under: str | None = UNDER,
    fmt: str = FORMAT,
    out: Path | None = OUT,
    lang: str = LANG,
    template: Path | None = TEMPLATE,
) -> None:
    """The periodic bulletin (定期通报): progress by unit and district, red and yellow lists, overdue notices."""
    from jundeng.services.reports import Request

    asked = Request("bulletin", period=period, today=_day(today), under=under, lang=lang)
    _produce(ctx, asked, fmt, out, template)


@app.command("scorecard")
def scorecard(
    ctx: typer.Context,
    region: str = typer.Option(..., "--region", help="区县代码 / district code"),
    year: int = typer.Option(..., "--year", help="年度 / the year"),
    today: str | None = TODAY,
    under: str | None = UNDER,
    fmt: str = FORMAT,
    out: Path | None = OUT,
    lang: str = LANG,
    template: Path | None = TEMPLATE,
) -> None:
    """A district's scorecard (考评结果): score, rank and interval, domains, targets, gaps, tasks."""
    from jundeng.services.reports import Request

    asked = Request("scorecard", year=year, region=region, today=_day(today), under=under, lang=lang)
    _produce(ctx, asked, fmt, out, template)
