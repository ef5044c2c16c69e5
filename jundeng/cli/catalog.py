"""``jundeng catalog …`` and ``jundeng regions …``."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.catalogs import BUILTIN, builtin_catalog, read_regions_csv, zhuhai_regions
from jundeng.cli.common import console, emit, errors, fail_on_input_error, open_db, settings
from jundeng.errors import InputError
from jundeng.io.yaml_files import read_catalog
from jundeng.store import catalog_repo, regions_repo

app = typer.Typer(help="目录：领域、服务项目、指标与目标 / catalogue of domains, items, indicators and targets.")
regions_app = typer.Typer(help="行政区划 / regions (GB/T 2260).")


@app.command("load")
def load(
    ctx: typer.Context,
    source: str = typer.Argument(..., help=f"YAML 文件或内置目录 / file or {list(BUILTIN)}"),
) -> None:
    """Load a catalogue YAML file (or a built-in one) into the database; all-or-nothing."""
    db = open_db(ctx)
    path = Path(source) if Path(source).exists() else builtin_catalog(source)
    with db.session() as session:
        try:
            catalog = read_catalog(path, **catalog_repo.known_codes(session))
        except InputError as exc:
            raise fail_on_input_error(exc) from exc
        summary = catalog_repo.load_catalog(session, catalog, user=settings(ctx).who)
    console.print(f"已载入 loaded {path.name}: 新增 inserted {summary.inserted}, 更新 updated {summary.updated}")


@app.command("list")
def list_(
    ctx: typer.Context,
    domain: str | None = typer.Option(None, help="只列此领域 / only this domain"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """List indicators (指标列表)."""
    with open_db(ctx).session() as session:
        rows = [
            i.model_dump(mode="json") for i in catalog_repo.indicators(session) if domain is None or i.domain == domain
        ]
    emit(rows, fmt, ["code", "name", "domain", "unit", "direction", "kind"], "指标 Indicators")


@app.command("show")
def show(
    ctx: typer.Context,
    code: str,
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """Show one indicator with its targets (指标详情)."""
    with open_db(ctx).session() as session:
        found = [i for i in catalog_repo.indicators(session) if i.code == code]
        if not found:
            errors.print(f"[red]未知的指标代码 / unknown indicator code: {code}[/]")
            raise typer.Exit(1)
        targets = [t.model_dump(mode="json") for t in catalog_repo.targets(session) if t.indicator == code]
    data = found[0].model_dump(mode="json") | {"targets": targets}
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
    regions = read_regions_csv(file) if file else zhuhai_regions()
    with open_db(ctx).session() as session:
        inserted, updated = regions_repo.load_regions(session, regions, user=settings(ctx).who)
    console.print(f"区划 regions: 新增 inserted {inserted}, 更新 updated {updated}")


@regions_app.command("list")
def regions_list(
    ctx: typer.Context,
    level: str | None = typer.Option(None, help="city | district | town | village"),
    under: str | None = typer.Option(None, help="只列此区划及其下级 / only this subtree"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """List regions (区划列表)."""
    with open_db(ctx).session() as session:
        rows = [r.model_dump(mode="json") for r in regions_repo.regions(session, level=level, under=under)]
    emit(rows, fmt, ["code", "name", "level", "parent", "urban_rural", "functional_zone"], "区划 Regions")


population_app = typer.Typer(help="人口 / population by region and year (常住、户籍).")


@population_app.command("import")
def population_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV / XLSX: 区划代码, 年份, 常住人口, 户籍人口[, 分组]"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验 / validate only"),
) -> None:
    """Import population figures (upsert by region, year and group; changes are audited)."""
    from jundeng.cli.common import print_problems
    from jundeng.store.importer import import_population

    report = import_population(open_db(ctx), file, user=settings(ctx).who, dry_run=dry_run)
    print_problems(report.problems)
    if report.errors:
        errors.print(f"[red]已拒绝：{len(report.errors)} 处错误，未作任何修改 / rejected, nothing changed[/]")
        raise typer.Exit(1)
    console.print(f"人口 population: 读取 read {report.rows_read}, 写入 written {report.written}")
