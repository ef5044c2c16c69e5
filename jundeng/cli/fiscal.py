"""``jundeng fiscal import | import-costs | needs | transfers | growth`` (财政均衡：标准支出需求、转移支付模拟、
支出增长检查).

With ``--data`` a command reads its files and writes nothing; without, it reads what ``jundeng fiscal import``
and ``jundeng fiscal import-costs`` stored (``--year``, ``--under`` for the programme, ``--level``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.table import Table

from jundeng.cli.common import FORMAT_CSV, console, json_ready, open_db, records, settings
from jundeng.io import sanitize

app = typer.Typer(
    help="财政均衡（标准支出需求、缺口、均衡性转移支付、支出增长）/ fiscal equalization on files or the database",
    no_args_is_help=True,
)
DATA_HELP = (
    "数据文件（不给则读数据库）：region, population, capacity, [cost_index], 每个项目一列受益人数 / "
    "DATA file (without it: the database)"
)
COSTS_HELP = (
    "单位成本文件：item, unit_cost（元/受益人/年；有 --data 时必填，否则默认用库中成本）/ COSTS file: item, "
    "unit_cost (元 per eligible person per year; required with --data, else the stored costs)"
)
YEAR_HELP = "年份（数据库模式必填）/ year (required without --data)"
UNDER_HELP = "只含此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
LEVEL_HELP = "区划层级（默认：城市之下有数据的最高层级）/ region level (default: the highest below the top with data)"
SOURCE_HELP = "来源（写入每一行）/ source, written on every row"
FORMATS = ("table", "json", "csv")
BASIS_OPTION = typer.Option(
    "total",
    "--basis",
    help="缺口口径：total 全部需求，district 扣除市级分担后的区级需求 / gap on the whole need (total) or on the "
    "district's own share by spending responsibility (district)",
)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"须为 / must be one of {', '.join(FORMATS)}", param_hint="--format")


def _cell(column: str, value: Any) -> str:
    value = json_ready(value)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float) or column in ("year", "years_checked"):
        return str(value)
    if column.startswith(("gini", "theil", "cv", "coefficient", "gap_closed", "coverage")) or "growth" in column:
        return f"{value:.4f}"
    return f"{value:,.2f}" if "per_capita" in column or column == "cost_index" else f"{value:,.0f}"


def _table(frame: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column), justify="left" if column in ("region", "note", "measure") else "right")
    for row in frame.to_dict(orient="records"):
        label = str(row.get("measure", ""))  # a summary's key/value rows: format the value by its key
        table.add_row(*(_cell(label if k == "value" else str(k), v) for k, v in row.items()))
    console.print(table)


def _pools(text: str | None) -> list[float]:
    if not text:
        return []
    try:
        return [float(p.replace("，", ",").strip().replace(",", "")) for p in text.replace("，", ",").split(",")]
    except ValueError as exc:
        raise typer.BadParameter(
            f"须为逗号分隔的金额 / comma-separated amounts: {text!r}", param_hint="--pools"
        ) from exc


def _mode(data: Path | None, costs: Path | None, year: int | None) -> None:
    """Check the options of the file form (--data and --costs) or the database form (--year)."""
    if data is not None and costs is None:
        raise typer.BadParameter("有 --data 时必填 / required with --data", param_hint="--costs")
    if data is None and year is None:
        raise typer.BadParameter("不给 --data 时必填 / required without --data", param_hint="--year")


@app.command("import")
def import_facts(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        help="region, year, population, capacity, [spending, revenue, transfers, cost_index], 每个项目一列受益人数 / "
        "one row per region and year, one column per item of eligible people",
    ),
    source: str | None = typer.Option(None, "--source", help=SOURCE_HELP),
) -> None:
    """Store fiscal facts per region and year, all or nothing (a correction is a new revision)."""
    from jundeng.services.fiscal_db import import_facts as run

    done = run(open_db(ctx), file, user=settings(ctx).who, source=source)
    console.print(
        f"写入 {done.written} 行，未变 {done.unchanged} 行 / {done.written} written, {done.unchanged} unchanged"
    )


@app.command("import-costs")
def import_costs(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="item, unit_cost, [city_share 0..1] / 单位成本与市级分担比例"),
    source: str | None = typer.Option(None, "--source", help=SOURCE_HELP),
) -> None:
    """Store the unit cost (元 per eligible person per year) and the city's share of each item, all or nothing."""
    from jundeng.services.fiscal_db import import_costs as run

    done = run(open_db(ctx), file, user=settings(ctx).who, source=source)
    console.print(
        f"写入 {done.written} 项，未变 {done.unchanged} 项 / {done.written} written, {done.unchanged} unchanged"
    )


@app.command()
def needs(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    costs: Path | None = typer.Option(None, "--costs", help=COSTS_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    basis: str = BASIS_OPTION,
    fmt: str = FORMAT_CSV,
) -> None:
    """Standard need (total, the district's own share and the city's), capacity and fiscal gap per district (元/年)."""
    from jundeng.services.fiscal import needs_from_files
    from jundeng.services.fiscal_db import needs_from_db

    _check_format(fmt)
    _mode(data, costs, year)
    if data is not None and costs is not None:
        frame = needs_from_files(data, costs, basis=basis)
    else:
        assert year is not None
        frame = needs_from_db(open_db(ctx), year=year, under=under, level=level, costs=costs, basis=basis)
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(frame), nl=False)
    elif fmt == "json":
        typer.echo(json.dumps({"regions": records(frame)}, ensure_ascii=False, indent=2))
    else:
        _table(frame, "标准支出需求与缺口 Standard need and fiscal gap (元/年)")


@app.command()
def transfers(
    ctx: typer.Context,
    data: Path | None = typer.Option(None, "--data", help=DATA_HELP),
    costs: Path | None = typer.Option(None, "--costs", help=COSTS_HELP),
    year: int | None = typer.Option(None, "--year", help=YEAR_HELP),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    pool: float = typer.Option(..., "--pool", help="转移支付资金池（元）/ transfer pool (元)"),
    pools: str | None = typer.Option(
        None, "--pools", help="模拟的资金池，逗号分隔（表格与 JSON 中显示）/ pools to simulate, comma-separated"
    ),
    floor: float | None = typer.Option(
        None, "--floor", help="有缺口区划的最低转移额（元，不超过缺口）/ minimum transfer per district with a gap"
    ),
    cap: float | None = typer.Option(None, "--cap", help="每个区划的最高转移额（元）/ maximum transfer per district"),
    basis: str = BASIS_OPTION,
    fmt: str = FORMAT_CSV,
) -> None:
    """Allocate an equalization transfer pool over the gaps; inequality of resources per head before and after."""
    from jundeng.services.fiscal import transfers_from_files
    from jundeng.services.fiscal_db import transfers_from_db

    _check_format(fmt)
    _mode(data, costs, year)
    if data is not None and costs is not None:
        answer = transfers_from_files(data, costs, pool, pools=_pools(pools), floor=floor, cap=cap, basis=basis)
    else:
        assert year is not None
        answer = transfers_from_db(
            open_db(ctx),
            year=year,
            pool=pool,
            pools=_pools(pools),
            floor=floor,
            cap=cap,
            under=under,
            level=level,
            costs=costs,
            basis=basis,
        )
    regions, summary = answer.result.regions, answer.result.summary
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(regions), nl=False)
        return
    if fmt == "json":
        payload: dict[str, Any] = {
            "regions": records(regions),
            "summary": json_ready(summary),
        }
        if answer.simulation is not None:
            payload["simulation"] = records(answer.simulation)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    shown = ["region", "need", "gap", "transfer", "per_capita_before", "per_capita_after"]
    _table(regions[shown], f"均衡性转移支付 Equalization transfers · 资金池 pool {pool:,.0f} 元")
    _table(pd.DataFrame({"measure": list(summary), "value": list(summary.values())}), "汇总 Summary")
    if answer.simulation is not None:
        columns = ["pool", "coefficient", "total_transfer", "unspent", "gap_closed", "gini_after", "theil_after"]
        _table(answer.simulation[columns], "资金池模拟 Pool simulation (元/年)")


@app.command()
def growth(
    ctx: typer.Context,
    data: Path | None = typer.Option(
        None,
        "--data",
        help="支出文件（不给则读数据库）：region, year, spending, revenue / SPENDING file (without it: the database)",
    ),
    under: str | None = typer.Option(None, "--under", help=UNDER_HELP),
    level: str | None = typer.Option(None, "--level", help=LEVEL_HELP),
    fmt: str = FORMAT_CSV,
) -> None:
    """Check that spending on basic public services grows faster than recurrent revenue (高于), year by year."""
    from jundeng.services.fiscal import growth_from_file
    from jundeng.services.fiscal_db import growth_from_db

    _check_format(fmt)
    answer = growth_from_file(data) if data is not None else growth_from_db(open_db(ctx), under=under, level=level)
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(answer.years), nl=False)
    elif fmt == "json":
        payload = {"years": records(answer.years), "regions": records(answer.regions)}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _table(answer.years, "支出增长与经常性收入增长 Spending vs recurrent-revenue growth")
        _table(answer.regions, "未达标年份 Years failed")
