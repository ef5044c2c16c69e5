"""``jundeng import``, ``jundeng export`` and ``jundeng template``."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.cli.common import Status, console, errors, open_db, print_problems, settings

EXPORTS = ("observations", "targets", "catalog", "regions")
FORMATS = ("csv", "xlsx", "parquet")


def import_(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="CSV / XLSX / XLS 文件 / files"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验不写入 / validate only"),
    status: Status = typer.Option(Status.submitted, help="写入状态 / status of new values"),
    source: str | None = typer.Option(None, help="数据来源 / source recorded with the values"),
    jump_ratio: float = typer.Option(0.5, help="较上期变动超过此比例时警告 / warn above this change ratio"),
) -> None:
    """Import observations (long format); all files are one transaction; exit 1 if anything is rejected."""
    from rich.progress import Progress

    from jundeng.domain.observations import ObservationStatus
    from jundeng.services.observations import import_files

    db = open_db(ctx)
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("导入 importing", total=len(files))

        def step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        report = import_files(
            db,
            files,
            user=settings(ctx).who,
            status=ObservationStatus(status.value),
            source=source,
            dry_run=dry_run,
            jump_ratio=jump_ratio,
            progress=step,
        )
    print_problems(report.problems)
    if report.errors:
        errors.print(
            f"[red]已拒绝：{len(report.errors)} 处错误，数据库未作任何修改 / "
            f"rejected: {len(report.errors)} errors, nothing was changed[/]"
        )
        raise typer.Exit(1)
    verb = "校验通过（未写入）/ valid (dry run, nothing written)" if dry_run else "已导入 / imported"
    console.print(
        f"{verb}: 读取 read {report.rows_read}, 写入 written {report.written}, "
        f"未变 unchanged {report.unchanged}, 空行跳过 empty skipped {report.skipped_empty}, "
        f"警告 warnings {len(report.warnings)}"
    )


def export_(
    ctx: typer.Context,
    what: str = typer.Argument(..., help=" | ".join(EXPORTS)),
    fmt: str = typer.Option("csv", "--format", help="csv | xlsx | parquet (catalog: also yaml)"),
    out: Path = typer.Option(..., "--out", help="输出文件或目录 / output file or directory"),
    with_meta: bool = typer.Option(False, "--with-meta", help="附加状态、来源、版本、作者 / add metadata columns"),
    history: bool = typer.Option(False, "--history", help="导出全部历史版本 / every revision"),
    under: str | None = typer.Option(
        None, help="只导出此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
    ),
) -> None:
    """Export observations, targets, the catalogue or regions (of one programme: --under)."""
    if what not in EXPORTS:
        errors.print(f"[red]未知的导出对象 / unknown export {what!r}: {', '.join(EXPORTS)}[/]")
        raise typer.Exit(2)
    if fmt not in FORMATS and not (what == "catalog" and fmt == "yaml"):
        errors.print(f"[red]不支持的格式 {fmt!r} / unsupported format {fmt!r}: use {', '.join(FORMATS)}[/]")
        raise typer.Exit(2)
    from jundeng.services import observations

    db = open_db(ctx)
    if what == "catalog" and fmt == "yaml":
        out.write_text(observations.catalog_yaml(db, under=under), encoding="utf-8")
        console.print(f"→ {out}")
        return
    frames = observations.export_frames(db, what=what, with_meta=with_meta, history=history, under=under)
    written = observations.write_frames(frames, fmt, out)
    rows = sum(f.height for f in frames.values())
    console.print(f"已导出 exported {rows} 行 rows → {', '.join(str(p) for p in written)}")


def template(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="输出 XLSX / output file"),
    period: str = typer.Option(..., help="填报期间 / period, e.g. 2017"),
    level: str = typer.Option("district", help="区划层级 / region level: city | district | town | village"),
    under: str | None = typer.Option(None, help="只含此区划之下 / only regions under this code"),
    domain: list[str] = typer.Option([], help="领域代码（可多次）/ domain codes (repeatable)"),
    indicator: list[str] = typer.Option([], help="指标代码（可多次）/ indicator codes (repeatable)"),
) -> None:
    """Write the Excel template to fill in (one sheet per domain)."""
    from jundeng.domain.periods import parse_period
    from jundeng.services import observations

    try:
        parse_period(period)
    except ValueError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    counts = observations.template(
        open_db(ctx), out=out, period=period, level=level, under=under, domains=domain, indicators=indicator
    )
    console.print(f"模板已生成 template written → {out}: {sum(counts.values())} 行待填 rows to fill, {counts}")


def register(app: typer.Typer) -> None:
    """Add the data commands to the root app."""
    app.command("import")(import_)
    app.command("export")(export_)
    app.command("template")(template)
