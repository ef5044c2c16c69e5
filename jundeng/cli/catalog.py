"""``jundeng catalog …``, ``jundeng regions …`` and ``jundeng population …``."""

from __future__ import annotations

from pathlib import Path

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


@app.command("list")
def list_(
    ctx: typer.Context,
    domain: str | None = typer.Option(None, help="只列此领域 / only this domain"),
    fmt: str = FORMAT,
) -> None:
    """List indicators (指标列表)."""
    from jundeng.services import catalog

    indicators = catalog.indicators(open_db(ctx), domain=domain)
    emit_models(indicators, fmt, ["code", "name", "domain", "unit", "direction", "kind"], "指标 Indicators")


@app.command("show")
def show(
    ctx: typer.Context,
    code: str,
    fmt: str = FORMAT,
) -> None:
    """Show one indicator with its targets (指标详情)."""
    from jundeng.services import catalog

    found, goals = catalog.indicator(open_db(ctx), code=code)
    targets = [t.model_dump(mode="json") for t in goals]
    data = found.model_dump(mode="json") | {"targets": targets}
    if fmt == "json":
        emit([data], "json", [])
        return
    emit([{"field": k, "value": v} for k, v in data.items() if k != "targets"], fmt, ["field", "value"], code)
    emit(
        targets,
        fmt,
        ["region", "year", "comparator", "value", "baseline_year", "baseline_value"],
        "目标 Targets",
    )


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
