"""``jundeng tasks …``: the task ledger (工作台账) — import, list, report progress, bulletin, reminders, export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from jundeng.cli.common import FORMAT, console, emit, emit_models, errors, open_db, print_problems, settings

app = typer.Typer(help="任务台账与督办 / task ledger and supervision.")
LIST_COLUMNS = ["code", "title", "lead_units", "deadline", "status", "light", "percent", "expected"]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        errors.print(f"[red]日期格式应为 YYYY-MM-DD / dates are written YYYY-MM-DD: {text!r}[/]")
        raise typer.Exit(2) from exc


def _today(text: str | None) -> date:
    """Return the day asked for, else the ledger-day setting ($JUNDENG_LEDGER_DAY), else today."""
    from jundeng.services.ledger import ledger_day

    return ledger_day(_date(text) if text else None)


UNDER = typer.Option(
    None,
    "--under",
    help="只含此区划之下的任务（库中有多个城市时必填）/ only the tasks under this region (several programmes)",
)
TODAY = typer.Option(
    None,
    "--today",
    "--as-of",
    help="评估日期 YYYY-MM-DD（默认 $JUNDENG_LEDGER_DAY 或今天）/ assessment date (default: the setting, else today)",
)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="重点任务分工方案 XLSX / XLS / CSV"),
    year: int | None = typer.Option(None, help="年度（用于“年内”等）/ year for 年内 and codes"),
    plan: str | None = typer.Option(None, help="所属规划代码 / plan code"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验 / validate only"),
    under: str | None = typer.Option(
        None,
        "--under",
        help="任务所属的城市或区县（库中有多个时必填）/ the programme the tasks belong to (needed with several)",
    ),
) -> None:
    """Import the division-of-tasks spreadsheet; all-or-nothing; changed tasks become new revisions.

    Tasks addressed to 各县、市、区人民政府 (各区政府 …) are decomposed to every county of the programme."""
    from jundeng.services import ledger

    result = ledger.import_task_sheet(
        open_db(ctx), file, user=settings(ctx).who, year=year, plan=plan, dry_run=dry_run, under=under
    )
    print_problems(result.problems)
    if result.errors:
        errors.print(f"[red]已拒绝：{len(result.errors)} 处错误，未作任何修改 / rejected, nothing changed[/]")
        raise typer.Exit(1)
    console.print(
        f"任务 tasks {result.tasks}: 写入 written {result.written}, 未变 unchanged {result.unchanged}"
        + (" (dry run)" if dry_run else "")
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: str | None = typer.Option(None, help="牵头或责任单位 / lead or responsible unit"),
    district: str | None = typer.Option(None, help="分解到的区划代码 / district code"),
    status: str | None = typer.Option(None, help="not_started | in_progress | completed | overdue | suspended"),
    light: str | None = typer.Option(None, help="red | yellow | green"),
    under: str | None = UNDER,
    today: str | None = TODAY,
    fmt: str = FORMAT,
) -> None:
    """List the ledger with status and traffic light, filtered."""
    from jundeng.io.records import records
    from jundeng.services import ledger

    table = ledger.ledger(
        open_db(ctx), today=_today(today), unit=unit, district=district, status=status, light=light, under=under
    )
    rows = records(table.drop(columns=["districts"], errors="ignore"))
    for row in rows:
        if fmt == "table":
            row["title"] = str(row["title"])[:30]
            row["lead_units"] = "、".join(row["lead_units"])
    emit(rows, fmt, LIST_COLUMNS, f"任务台账 Ledger · {len(rows)}")


@app.command("report")
def report(
    ctx: typer.Context,
    task: str = typer.Argument(..., help="任务代码 / task code"),
    value: float | None = typer.Option(None, "--value", help="累计完成量 / cumulative value achieved"),
    percent: float | None = typer.Option(None, "--percent", help="完成百分比 / percent complete"),
    note: str | None = typer.Option(None, "--note", help="进展说明 / narrative"),
    region: str | None = typer.Option(None, help="报送区划（分解任务）/ district, for decomposed tasks"),
    reporter: str | None = typer.Option(None, help="报送单位 / reporting unit (default: the user)"),
    as_of: str | None = typer.Option(None, "--as-of", help="截至日期 / as of (default: today)"),
    evidence: list[Path] = typer.Option(
        [],
        help="佐证材料文件（可重复；不接受目录；默认单个 ≤20 MB、合计 ≤50 MB）"
        " / evidence files (repeatable; not directories; by default ≤ 20 MB each and 50 MB in all:"
        " $JUNDENG_EVIDENCE_FILE_MB, $JUNDENG_EVIDENCE_TOTAL_MB)",
    ),
) -> None:
    """Report progress on a task (value and/or percent, narrative, evidence)."""
    from pydantic import ValidationError

    from jundeng.domain.tasks import ProgressReport
    from jundeng.services import ledger

    missing = [p for p in evidence if not p.exists()]
    if missing:
        errors.print(f"[red]佐证文件不存在 / no such evidence file: {', '.join(map(str, missing))}[/]")
        raise typer.Exit(2)
    try:
        entry = ProgressReport(
            task=task,
            reporter=reporter or settings(ctx).who,
            region=region,
            as_of=_date(as_of) if as_of else date.today(),
            value=value,
            percent=percent,
            narrative=note,
        )
    except ValidationError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    report_id = ledger.add_progress(open_db(ctx), entry, user=settings(ctx).who, evidence=evidence)
    console.print(
        f"进度报告 {report_id} 已保存 / progress report {report_id} saved ({len(evidence)} 个佐证 evidence files)"
    )


@app.command("review")
def review(
    ctx: typer.Context,
    report_id: int = typer.Argument(..., help="进度报告编号 / progress report id"),
    accept: bool = typer.Option(True, "--accept/--return", help="采纳或退回 / accept or return"),
    comment: str | None = typer.Option(None, help="意见（退回时必填）/ comment (required to return)"),
) -> None:
    """Accept a submitted progress report, or return it with a comment (returned reports do not count)."""
    from jundeng.services import ledger

    if not accept and not comment:
        errors.print("[red]退回须说明原因 / a comment is required to return a report[/]")
        raise typer.Exit(2)
    ledger.review_report(open_db(ctx), report_id, accept=accept, user=settings(ctx).who, comment=comment)
    console.print(f"报告 report {report_id}: {'已采纳 accepted' if accept else '已退回 returned'}")


@app.command("notice")
def notice(
    ctx: typer.Context,
    task: str = typer.Argument(..., help="任务代码 / task code"),
    unit: str = typer.Option(..., help="督办对象单位 / unit"),
    request: str = typer.Option(..., help="督办事项 / what is requested"),
    due: str | None = typer.Option(None, help="回复期限 YYYY-MM-DD / reply by"),
) -> None:
    """Issue a supervision notice (督办) to a unit about a task."""
    from jundeng.domain.tasks import Notice
    from jundeng.services import ledger

    entry = Notice(task=task, unit=unit, request=request, issued_by=settings(ctx).who, due=_date(due) if due else None)
    notice_id = ledger.issue_notice(open_db(ctx), entry)
    console.print(f"督办 notice {notice_id} → {unit}")


@app.command("respond")
def respond(
    ctx: typer.Context,
    notice_id: int = typer.Argument(..., help="督办编号 / notice id"),
    response: str = typer.Option(..., help="回复 / response"),
) -> None:
    """Record a unit's response to a supervision notice."""
    from jundeng.services import ledger

    ledger.respond(open_db(ctx), notice_id, response=response, user=settings(ctx).who)
    console.print(f"已回复 responded to notice {notice_id}")


@app.command("notices")
def notices(
    ctx: typer.Context,
    task: str | None = typer.Option(None, help="任务代码 / task code"),
    fmt: str = FORMAT,
) -> None:
    """List supervision notices and their responses."""
    from jundeng.services import ledger

    found = ledger.notice_list(open_db(ctx), task=task)
    emit_models(found, fmt, ["task", "unit", "request", "issued_by", "due", "response"], "督办 Notices")


@app.command("bulletin")
def bulletin(
    ctx: typer.Context,
    period: str = typer.Option(..., help="通报期间 / period: 2017, 2017H2, 2017Q3 or 2017-09"),
    today: str | None = TODAY,
    fmt: str = typer.Option("table", "--format", help="table | json | docx | pdf | html | xlsx"),
    out: Path | None = typer.Option(None, "--out", help="文件输出 / output file (docx, pdf, html, xlsx)"),
    under: str | None = UNDER,
) -> None:
    """The periodic bulletin (定期通报) per unit: completed, on track, behind, overdue, with the reasons; as a
    document in the 通报 form with ``--format docx|pdf|html|xlsx`` (the same as ``jundeng report bulletin``)."""
    from jundeng.errors import JundengError
    from jundeng.io.records import records
    from jundeng.report.document import FORMATS
    from jundeng.services import ledger, reports

    try:
        start, end = ledger.period_bounds(period)
    except ValueError as exc:  # a usage error: exit 2
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    day = _today(today) if today else None
    if fmt in FORMATS:
        asked = reports.Request("bulletin", period=period, today=day, under=under)
        done = reports.produce(open_db(ctx), asked, fmt)
        target = out or Path(done.filename)
        target.write_bytes(done.content)
        console.print(f"通报已写入 bulletin written → {target}")
        return
    if fmt not in ("table", "json"):
        raise JundengError(
            f"未知的格式：{fmt}（可选 table、json、{'、'.join(FORMATS)}）",
            f"unknown format: {fmt} (use table, json, {', '.join(FORMATS)})",
        )
    result = ledger.period_bulletin(open_db(ctx), start=start, end=end, today=day, under=under)
    if fmt == "json":
        typer.echo(json.dumps(result.to_records(), ensure_ascii=False, indent=2, default=str))
    else:
        columns = ["unit", "tasks", "completed", "on_track", "behind", "overdue", "red", "yellow", "green"]
        emit(records(result.by_unit), "table", columns, f"{period} 通报 Bulletin {start} – {end}")
        console.print(f"合计 totals: {result.totals}")


@app.command("remind")
def remind(
    ctx: typer.Context,
    today: str | None = TODAY,
    days: int = typer.Option(30, help="提前提醒天数 / remind this many days ahead"),
    via: str = typer.Option("console", help="console | file | smtp"),
    outbox: Path = typer.Option(Path("outbox.jsonl"), help="via file: 发件箱文件 / outbox file"),
    contacts: Path | None = typer.Option(None, help="单位邮箱 CSV (unit,email) / unit e-mail addresses"),
    smtp_host: str = typer.Option("localhost", envvar="JUNDENG_SMTP_HOST"),
    smtp_port: int = typer.Option(25, envvar="JUNDENG_SMTP_PORT"),
    sender: str = typer.Option("jundeng@localhost", envvar="JUNDENG_SMTP_SENDER"),
    under: str | None = UNDER,
) -> None:
    """Send each unit the list of its overdue tasks and those due soon."""
    from jundeng.services import ledger
    from jundeng.services.notify import ConsoleNotifier, FileNotifier, Notifier, SmtpNotifier, address, read_contacts

    messages = ledger.reminders(open_db(ctx), today=_today(today), days=days, under=under)
    if contacts:
        messages = address(messages, read_contacts(contacts))
    notifier: Notifier
    if via == "smtp":
        notifier = SmtpNotifier(smtp_host, smtp_port, sender=sender)
    elif via == "file":
        notifier = FileNotifier(outbox)
    else:
        notifier = ConsoleNotifier()
    failed = notifier.send(messages)
    console.print(f"提醒 reminders: {len(messages) - len(failed)} 已发送 sent, {len(failed)} 未送达 not delivered")
    if failed:
        errors.print(f"[yellow]未送达 not delivered: {', '.join(failed)}[/]")
        raise typer.Exit(1)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="输出 XLSX / output file"),
    today: str | None = TODAY,
    under: str | None = UNDER,
) -> None:
    """Export the ledger to the division-of-tasks layout with status, progress, light and latest progress."""
    from jundeng.io.task_sheet import write_task_sheet
    from jundeng.services import ledger

    rows = ledger.export_rows(open_db(ctx), today=_today(today), under=under)
    write_task_sheet(out, rows)
    console.print(f"已导出 exported {len(rows)} 项任务 tasks → {out}")
