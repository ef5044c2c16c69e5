"""``jundeng appraise``: the yearly appraisal of districts (绩效考评) on the database or on files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from jundeng.cli.common import FORMAT, FORMAT_CSV, console, emit, errors, open_db, settings
from jundeng.io import sanitize

if TYPE_CHECKING:
    from jundeng.services.appraisal import Appraisal

COLUMNS = [
    "region",
    "name",
    "score",
    "rank",
    "rank_p05",
    "rank_p95",
    "targets_achieved",
    "targets_missed",
    "score_change",
]


def _show(result: Appraisal, fmt: str) -> None:
    from jundeng.appraise.scorecard import scorecard_records

    card = result.scorecard
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(card), nl=False)
        return
    if fmt == "json":
        payload = {
            "year": result.year,
            "level": result.level,
            "method": result.method.name,
            "method_version": result.method.version,
            "data_watermark": result.watermark,
            "run_id": result.run_id,
            "left_out": result.composite.left_out,
            "scorecard": scorecard_records(card),
            "sobol": [] if result.uncertainty is None else result.uncertainty.sobol.to_dict(orient="records"),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    title = f"{result.year} 年考评 appraisal · {result.level} · 方法 method {result.method.version}"
    columns = [c for c in COLUMNS if c in card.columns]
    emit(scorecard_records(card[columns]), "table", columns, title)
    if result.composite.left_out:
        errors.print(f"[yellow]无数据未计分 / no data, not scored: {', '.join(result.composite.left_out)}[/]")
    rolled = {str(r): d for r, d in zip(card["region"], card.get("derived", []), strict=False) if len(d)}
    if rolled:
        shown = "; ".join(f"{r}: {', '.join(d)}" for r, d in rolled.items())
        errors.print(f"[cyan]由下级汇总推算 / derived from the level below: {shown}[/]")
    if result.run_id is not None:
        console.print(
            f"已保存考评 saved as run {result.run_id}（可用 --reproduce {result.run_id} 复算 / reproducible）"
        )


appraise_app = typer.Typer(
    invoke_without_command=True,
    help="绩效考评 / the yearly appraisal, and each programme's appraisal methods (jundeng appraise method …).",
)
method_app = typer.Typer(help="考评方法 / appraisal methods of a programme: upload, validate, list, choose.")
appraise_app.add_typer(method_app, name="method")


@appraise_app.callback()
def appraise_command(
    ctx: typer.Context,
    year: int | None = typer.Option(None, help="考评年度（必填）/ appraisal year (required)"),
    method: Path | None = typer.Option(
        None, help="方法文件 YAML / methodology file (default: the programme's chosen method, else the demo method)"
    ),
    level: str = typer.Option("district", help="district | town | village"),
    under: str | None = typer.Option(
        None, help="只考评此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
    ),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    data: Path | None = typer.Option(None, help="数据文件（不用数据库）/ data file instead of the database"),
    targets: Path | None = typer.Option(None, help="目标文件（与 --data 同用）/ targets file, with --data"),
    reproduce_run: int | None = typer.Option(None, "--reproduce", help="按保存的方法与数据复算 / recompute a run"),
    no_uncertainty: bool = typer.Option(False, "--no-uncertainty", help="不做蒙特卡洛 / skip Monte Carlo"),
    save: bool = typer.Option(True, "--save/--no-save", help="保存结果 / store the run"),
    fmt: str = FORMAT_CSV,
) -> None:
    """Appraise the districts of a year: composite index, rank intervals, targets, gaps and obstacles."""
    from jundeng.appraise.method import read_method
    from jundeng.io.frames import read_frame
    from jundeng.services.appraisal import appraise, appraise_files, default_method, reproduced

    if ctx.invoked_subcommand is not None:
        return
    if year is None:
        errors.print("[red]缺少 --year / missing option --year[/]")
        raise typer.Exit(2)
    chosen = read_method(method) if method else None
    if data is not None:
        frame = read_frame(data)
        goals = read_frame(targets) if targets else None
        result = appraise_files(
            frame, goals, year=year, method=chosen or default_method(), with_uncertainty=not no_uncertainty
        )
    elif reproduce_run is not None:
        result, same = reproduced(open_db(ctx), reproduce_run)
        verdict = ("一致", "matches") if same else ("不一致", "DIFFERS from")
        console.print(f"复算与保存结果{verdict[0]} / recomputed result {verdict[1]} run {reproduce_run}")
    else:
        result = appraise(
            open_db(ctx),
            year=year,
            method=chosen,
            level=level,
            statuses=status,
            with_uncertainty=not no_uncertainty,
            user=settings(ctx).who if save else None,
            under=under,
        )
    _show(result, fmt)


UNDER = typer.Option(None, "--under", help="城市或区县（库中有多个时必填）/ the programme (needed with several)")


@method_app.command("validate")
def method_validate(ctx: typer.Context, file: Path = typer.Argument(..., help="方法文件 YAML / method file")) -> None:
    """Check a method file against the catalogue; print located errors (file:line:column), store nothing."""
    from jundeng.services import methods

    found = methods.validate_file(open_db(ctx), file)
    console.print(
        f"方法有效 / valid: {found.name} (version {found.version}, {len(found.indicators)} 个指标 indicators)"
    )


@method_app.command("upload")
def method_upload(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="方法文件 YAML / method file"),
    under: str | None = UNDER,
    choose: bool = typer.Option(False, "--choose", help="同时选用 / also choose it"),
) -> None:
    """Validate and store a method for the programme (every upload kept); nothing is stored on an error."""
    from jundeng.services import methods

    stored = methods.upload(
        open_db(ctx), content=file.read_bytes(), name=str(file), user=settings(ctx).who, under=under, choose=choose
    )
    state = "，已选用 / chosen" if stored.chosen else ""
    console.print(f"已保存方法 stored method {stored.id} ({stored.version}) · {stored.programme}{state}")


@method_app.command("list")
def method_list(ctx: typer.Context, under: str | None = UNDER, fmt: str = FORMAT) -> None:
    """List the programme's stored methods, newest first; the chosen one is marked."""
    from jundeng.services import methods

    rows = [
        {k: getattr(m, k) for k in ("id", "programme", "name", "version", "chosen", "created_by", "created_at")}
        for m in methods.methods(open_db(ctx), under=under)
    ]
    emit(rows, fmt, ["id", "name", "version", "chosen", "created_by", "created_at"], "考评方法 Appraisal methods")


@method_app.command("choose")
def method_choose(ctx: typer.Context, method_id: int = typer.Argument(..., help="方法编号 / method id")) -> None:
    """Make a stored method its programme's chosen one (used by appraisals that name no method)."""
    from jundeng.services import methods

    stored = methods.choose(open_db(ctx), method_id=method_id, user=settings(ctx).who)
    console.print(f"已选用方法 chose method {stored.id} ({stored.version}) · {stored.programme}")


def attainment_command(
    ctx: typer.Context,
    year: int = typer.Option(..., help="评估年度 / year"),
    by: str | None = typer.Option(None, help="汇总 / roll up by: domain | region | lead_unit"),
    under: str | None = typer.Option(
        None, help="只含此区划之下的目标（库中有多个城市时必填）/ only targets under this region (several programmes)"
    ),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    fmt: str = FORMAT_CSV,
) -> None:
    """Check every target: achieved / on track / off track / worsening / no data, or roll them up."""
    from jundeng.appraise.attainment import COLUMNS as ATTAINMENT_COLUMNS
    from jundeng.io.records import records
    from jundeng.services.appraisal import target_attainment

    if by and by not in ATTAINMENT_COLUMNS:
        errors.print(f"[red]未知的汇总字段 / unknown roll-up {by!r}: domain | region | lead_unit[/]")
        raise typer.Exit(2)
    table = target_attainment(open_db(ctx), year=year, statuses=status, by=by, under=under)
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(table), nl=False)
        return
    columns = (
        [
            by,
            "targets",
            "achieved",
            "on_track",
            "off_track",
            "worsening",
            "no_data",
            "attainment_rate",
            "binding_missed",
        ]
        if by
        else [
            "indicator",
            "name",
            "region",
            "target_year",
            "comparator",
            "target",
            "actual",
            "status_zh",
            "binding_missed",
        ]
    )
    emit(records(table), fmt, columns, f"{year} 年目标达成 Target attainment")


def register(app: typer.Typer) -> None:
    """Add the appraisal commands to the root app."""
    app.add_typer(appraise_app, name="appraise")
    app.command("attainment")(attainment_command)
