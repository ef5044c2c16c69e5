"""``jundeng catalog …``, ``jundeng regions …`` and ``jundeng population …``."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from jundeng.cli.common import FORMAT, console, emit, emit_models, errors, open_db, print_problems, settings

BUILTIN_NAMES = ("national-13th-fyp", "zhuhai")

app = typer.Typer(help="目录：领域、服务项目、指标与目标 / catalogue of domains, items, indicators and targets.")
regions_app = typer.Typer(help="行政区划 / regions (GB/T 2260).")
population_app = typer.Typer(help="人口 / population by region and year (常住、户籍).")


@app.command("load")
def load(
    ctx: typer.Context,
    source: str = typer.Argument(..., help=f"YAML 文件或内置目录 / file or {list(BUILTIN_NAMES)}"),
) -> None:
    """Load a catalogue YAML file (or a built-in one) into the database; all-or-nothing."""
    from jundeng.services import catalog

    path, summary = catalog.load_file(open_db(ctx), source=source, user=settings(ctx).who)
    console.print(f"已载入 loaded {path.name}: 新增 inserted {summary.inserted}, 更新 updated {summary.updated}")


INCLUDE_RETIRED = typer.Option(False, "--include-retired", help="含已停用的条目 / show retired entries too")


class Kind(StrEnum):
    """A catalogue entry that can be retired."""

    target = "target"
    indicator = "indicator"
    item = "item"


KEY_HELP = "指标或服务项目代码；目标为 指标:区划:年份 / a code; a target's key is INDICATOR:REGION:YEAR"


def _retired(ctx: typer.Context, kind: str, rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> None:
    """Mark each row retired or not (with who, when and why) in place."""
    from jundeng.services import catalog

    gone = catalog.retirements(open_db(ctx), kind=kind)
    for row in rows:
        found = gone.get(key(row))
        row["retired"] = f"{found.at:%Y-%m-%d} {found.by}: {found.reason or ''}" if found else None


def _target_key(row: dict[str, Any]) -> str:
    return f"{row['indicator']}:{row['region']}:{row['year']}"


@app.command("list")
def list_(
    ctx: typer.Context,
    domain: str | None = typer.Option(None, help="只列此领域 / only this domain"),
    include_retired: bool = INCLUDE_RETIRED,
    fmt: str = FORMAT,
) -> None:
    """List indicators (指标列表)."""
    from jundeng.services import catalog

    rows = [i.model_dump(mode="json") for i in catalog.indicators(open_db(ctx), domain=domain, retired=include_retired)]
    columns = ["code", "name", "domain", "unit", "direction", "kind"]
    if include_retired:
        _retired(ctx, "indicator", rows, lambda r: str(r["code"]))
        columns.append("retired")
    emit(rows, fmt, columns, "指标 Indicators")


@app.command("show")
def show(
    ctx: typer.Context,
    code: str,
    include_retired: bool = INCLUDE_RETIRED,
    fmt: str = FORMAT,
) -> None:
    """Show one indicator with its targets (指标详情)."""
    from jundeng.services import catalog

    found, goals = catalog.indicator(open_db(ctx), code=code, retired=include_retired)
    targets = [t.model_dump(mode="json") for t in goals]
    columns = ["region", "year", "comparator", "value", "baseline_year", "baseline_value"]
    if include_retired:
        _retired(ctx, "target", targets, _target_key)
        columns.append("retired")
    data = found.model_dump(mode="json") | {"targets": targets}
    if fmt == "json":
        emit([data], "json", [])
        return
    emit([{"field": k, "value": v} for k, v in data.items() if k != "targets"], fmt, ["field", "value"], code)
    emit(targets, fmt, columns, "目标 Targets")


@app.command("targets")
def targets_(
    ctx: typer.Context,
    indicator: str | None = typer.Option(None, help="只列此指标的目标 / only this indicator's targets"),
    include_retired: bool = INCLUDE_RETIRED,
    fmt: str = FORMAT,
) -> None:
    """List targets (目标列表); a target's key is INDICATOR:REGION:YEAR."""
    from jundeng.services import catalog

    found = catalog.targets(open_db(ctx), indicator=indicator, retired=include_retired)
    rows = [t.model_dump(mode="json") for t in found]
    columns = ["indicator", "region", "year", "kind", "start_year", "comparator", "value", "low", "high"]
    if include_retired:
        _retired(ctx, "target", rows, _target_key)
        columns.append("retired")
    emit(rows, fmt, columns, "目标 Targets")


@app.command("items")
def items_(ctx: typer.Context, include_retired: bool = INCLUDE_RETIRED, fmt: str = FORMAT) -> None:
    """List service items (服务项目列表)."""
    from jundeng.services import catalog

    rows = [i.model_dump(mode="json") for i in catalog.items(open_db(ctx), retired=include_retired)]
    columns = ["code", "name", "domain", "target_group", "lead_unit"]
    if include_retired:
        _retired(ctx, "item", rows, lambda r: str(r["code"]))
        columns.append("retired")
    emit(rows, fmt, columns, "服务项目 Service items")


@app.command("retire")
def retire(
    ctx: typer.Context,
    kind: Kind = typer.Argument(..., help="target | indicator | item"),
    key: str = typer.Argument(..., help=KEY_HELP),
    reason: str = typer.Option(..., "--reason", help="停用原因（记入审计日志）/ why (kept in the audit log)"),
) -> None:
    """Retire a target, an indicator or a service item: kept with its history, left out of listings and analyses."""
    from jundeng.services import catalog

    catalog.retire(open_db(ctx), kind=kind.value, key=key, reason=reason, user=settings(ctx).who)
    console.print(f"已停用 retired {kind.value} {key}（可用 jundeng catalog restore 恢复 / restore to undo）")


@app.command("restore")
def restore(
    ctx: typer.Context,
    kind: Kind = typer.Argument(..., help="target | indicator | item"),
    key: str = typer.Argument(..., help=KEY_HELP),
    reason: str | None = typer.Option(None, "--reason", help="恢复原因 / why"),
) -> None:
    """Put a retired target, indicator or service item back in force."""
    from jundeng.services import catalog

    catalog.restore(open_db(ctx), kind=kind.value, key=key, user=settings(ctx).who, reason=reason)
    console.print(f"已恢复 restored {kind.value} {key}")


@app.command("edit-target")
def edit_target(
    ctx: typer.Context,
    indicator: str = typer.Argument(..., help="指标代码 / indicator code"),
    region: str = typer.Argument(..., help="区划代码 / region code"),
    year: int = typer.Argument(..., help="目标年份 / target year"),
    value: float | None = typer.Option(None, help="目标值 / target value"),
    comparator: str | None = typer.Option(None, help=">= | <= | > | < | = | range"),
    low: float | None = typer.Option(None, help="区间下限 / range low"),
    high: float | None = typer.Option(None, help="区间上限 / range high"),
    baseline_year: int | None = typer.Option(None, help="基期年份 / baseline year"),
    baseline_value: float | None = typer.Option(None, help="基期值 / baseline value"),
    kind: str | None = typer.Option(None, help="value | cumulative | average"),
    start_year: int | None = typer.Option(None, help="起始年份（累计、平均目标）/ first year (cumulative, average)"),
    to_year: int | None = typer.Option(None, "--to-year", help="改为此目标年份 / move the target to this year"),
) -> None:
    """Edit a target; the audit log keeps each changed field before and after."""
    from jundeng.services import catalog

    given = {
        "value": value,
        "comparator": comparator,
        "low": low,
        "high": high,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "kind": kind,
        "start_year": start_year,
        "year": to_year,
    }
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        errors.print("[red]没有要修改的字段 / nothing to change: give --value, --comparator …[/]")
        raise typer.Exit(2)
    key = f"{indicator}:{region}:{year}"
    changed = catalog.edit_target(open_db(ctx), key=key, changes=changes, user=settings(ctx).who)
    if not changed:
        console.print(f"目标 {key} 未变 / target {key} unchanged")
        return
    shown = ", ".join(f"{k}={v}" for k, v in changed.items())
    console.print(f"已修改目标 edited target {key}: {shown}")


@app.command("history")
def history(
    ctx: typer.Context,
    kind: Kind = typer.Argument(..., help="target | indicator | item"),
    key: str = typer.Argument(..., help=KEY_HELP),
    fmt: str = FORMAT,
) -> None:
    """Show the audit trail of a catalogue entry: loads, edits, retirements, restorations (retired ones too)."""
    from jundeng.services import catalog

    rows = catalog.history(open_db(ctx), kind=kind.value, key=key)
    emit(rows, fmt, ["at", "user", "action", "before", "after"], f"{kind.value} {key}")


@regions_app.command("load")
def regions_load(
    ctx: typer.Context,
    file: Path | None = typer.Argument(None, help="区划 CSV / regions CSV (default: built-in Zhuhai)"),
) -> None:
    """Load regions from a CSV (code,name,level,parent,urban_rural,functional_zone,zone) or Zhuhai's."""
    from jundeng.services import regions

    inserted, updated = regions.load(open_db(ctx), path=file, user=settings(ctx).who)
    console.print(f"区划 regions: 新增 inserted {inserted}, 更新 updated {updated}")


@regions_app.command("list")
def regions_list(
    ctx: typer.Context,
    level: str | None = typer.Option(None, help="city | district | town | village"),
    under: str | None = typer.Option(None, help="只列此区划及其下级 / only this subtree"),
    fmt: str = FORMAT,
) -> None:
    """List regions (区划列表)."""
    from jundeng.services import regions

    found = regions.regions(open_db(ctx), level=level, under=under)
    emit_models(found, fmt, ["code", "name", "level", "parent", "urban_rural", "functional_zone"], "区划 Regions")


@population_app.command("import")
def population_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV / XLSX: 区划代码, 年份, 常住人口, 户籍人口[, 分组]"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验 / validate only"),
) -> None:
    """Import population figures (upsert by region, year and group; changes are audited)."""
    from jundeng.services.observations import import_population

    report = import_population(open_db(ctx), file, user=settings(ctx).who, dry_run=dry_run)
    print_problems(report.problems)
    if report.errors:
        errors.print(f"[red]已拒绝：{len(report.errors)} 处错误，未作任何修改 / rejected, nothing changed[/]")
        raise typer.Exit(1)
    console.print(f"人口 population: 读取 read {report.rows_read}, 写入 written {report.written}")
