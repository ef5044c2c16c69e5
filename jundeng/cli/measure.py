"""``jundeng measure FILE`` and ``jundeng gaps`` (gap measurement on a file or on the database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from jundeng.cli.common import FORMAT, FORMAT_CSV, console, emit, errors, open_db
from jundeng.io import sanitize

if TYPE_CHECKING:
    from jundeng.measure.report import GapReport

BY_CHOICES = ("urban_rural", "district", "town", "zone")


def _print(report: GapReport, fmt: str, title: str) -> None:
    import numpy as np

    frame = report.to_frame()
    if fmt == "csv":
        typer.echo(sanitize.pandas_csv(frame), nl=False)
        return
    if fmt == "json":
        clean = frame.replace({np.nan: None})
        payload = {
            "title": title,
            "units": report.units,
            "dropped": report.dropped,
            "notes": report.notes,
            "rows": clean.to_dict(orient="records"),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(
        title=f"{title} · {report.units} 个单位 units"
        + (f" (剔除缺失 dropped {report.dropped})" if report.dropped else "")
    )
    for column in ("measure", "value", "ci_low", "ci_high"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    for entry in report.summary.to_dict(orient="records"):
        low, high = float(entry["ci_low"]), float(entry["ci_high"])
        ci = ("", "") if np.isnan(low) else (f"{low:.4g}", f"{high:.4g}")
        table.add_row(str(entry["label"]), f"{float(entry['value']):.4g}", *ci)
    console.print(table)
    if not report.groups.empty:
        groups = Table(title="分组 Groups")
        for column in report.groups.columns:
            groups.add_column(str(column))
        for row in report.groups.itertuples(index=False):
            groups.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
        console.print(groups)
    if not report.decompositions.empty:
        dec = Table(title="分解 Decompositions (between + within = total)")
        names = ("by", "index", "total", "between", "within", "between_share")
        for column in names:
            dec.add_column(column)
        for record in report.decompositions.to_dict(orient="records"):
            dec.add_row(*(f"{record[c]:.4g}" if isinstance(record[c], float) else str(record[c]) for c in names))
        console.print(dec)
    for note in report.notes:
        errors.print(f"[yellow]注 note: {note}[/]")


def measure(
    files: list[str] = typer.Argument(
        ...,
        help="CSV / XLSX / XLS / Parquet（可多个，合为一表；spark 可用 URI）/ several are one table; URIs with spark",
    ),
    value: str = typer.Option(..., help="数值列 / value column"),
    weight: str | None = typer.Option(None, help="权重（人口）列 / weight (population) column"),
    by: list[str] = typer.Option([], help="分组列（可多次，嵌套时由粗到细）/ group columns, coarse to fine"),
    nested: str | None = typer.Option(
        None, help="嵌套分组 A,B,C（由粗到细，泰尔嵌套分解）/ nested grouping A,B,C, coarse to fine"
    ),
    direction: str = typer.Option("higher", help="higher | lower (is better)"),
    target: float | None = typer.Option(None, help="目标值 / target"),
    floor: float | None = typer.Option(None, help="底线标准 / floor standard"),
    bootstrap: int = typer.Option(0, help="自助法重复次数（仅本地）/ bootstrap replications (local only; 0 = none)"),
    seed: int = typer.Option(0, help="随机种子 / seed"),
    engine: str = typer.Option("local", help="local | spark（Apache Spark，大表 / large tables）"),
    master: str = typer.Option("local[*]", help="Spark master: local[*] | spark://HOST:PORT | yarn"),
    fmt: str = FORMAT_CSV,
) -> None:
    """Measure the gaps in data files (any table with a value column), locally or on Apache Spark."""
    columns = [*by, *[c.strip() for c in (nested or "").split(",") if c.strip() and c.strip() not in by]]
    title = f"{', '.join(Path(f).name for f in files)}: {value}"
    if engine not in ("local", "spark"):
        errors.print(f"[red]未知的引擎 / unknown engine {engine!r}: local | spark[/]")
        raise typer.Exit(2)
    if engine == "spark":
        if bootstrap:
            errors.print(
                "[red]自助法置信区间只在本地引擎计算，请去掉 --bootstrap 或用 --engine local / "
                "bootstrap intervals are local-only: drop --bootstrap or use --engine local[/]"
            )
            raise typer.Exit(2)
        _measure_on_spark(files, value, weight, columns, direction, target, floor, master, fmt, title)
        return
    import pandas as pd

    from jundeng.io.frames import read_frame
    from jundeng.measure.report import gap_report

    frames = [read_frame(Path(file)) for file in files]
    report = gap_report(
        frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True),
        value,
        weight,
        columns,
        direction=direction,
        target=target,
        floor=floor,
        bootstrap_reps=bootstrap,
        seed=seed,
    )
    _print(report, fmt, title)


def _measure_on_spark(
    files: list[str],
    value: str,
    weight: str | None,
    columns: list[str],
    direction: str,
    target: float | None,
    floor: float | None,
    master: str,
    fmt: str,
    title: str,
) -> None:
    """Run spark_gap_report with a progress line on stderr and print it as the local engine does."""
    try:
        from jundeng.measure.spark.progress import SparkProgress
        from jundeng.measure.spark.report import session, spark_gap_report
    except ImportError:
        errors.print("[red]未安装 pyspark：pip install 'jundeng[spark]'（需 Java 17）/ pyspark is missing[/]")
        raise typer.Exit(2) from None
    spark = session(master)
    with SparkProgress(spark):
        report = spark_gap_report(
            files, value, weight, columns, direction=direction, target=target, floor=floor, spark=spark
        )
    _print(report, fmt, title)


def gaps(
    ctx: typer.Context,
    indicator: str = typer.Option(..., help="指标代码 / indicator code"),
    period: str = typer.Option(..., help="期间 / period"),
    by: list[str] = typer.Option(["district"], help=f"分组 / grouping: {', '.join(BY_CHOICES)} (repeatable)"),
    level: str | None = typer.Option(None, help="区划层级 / region level (default: lowest with data)"),
    under: str | None = typer.Option(
        None, help="只比较此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
    ),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    bootstrap: int = typer.Option(0, help="自助法重复次数 / bootstrap replications"),
    engine: str = typer.Option("local", "--engine", help="local | spark（经 JDBC 读取 PostgreSQL）/ engine"),
    master: str = typer.Option("local[*]", "--master", help="Spark master: local[*] | spark://HOST:PORT | yarn"),
    fmt: str = FORMAT_CSV,
) -> None:
    """Measure the gaps of one indicator in one period from the database, weighted by resident population."""
    from jundeng.services.analysis import gap_table

    bad = [b for b in by if b not in BY_CHOICES]
    if bad:
        errors.print(f"[red]未知的分组 / unknown grouping {bad}: {', '.join(BY_CHOICES)}[/]")
        raise typer.Exit(2)
    if engine not in ("local", "spark"):
        raise typer.BadParameter("须为 / must be local | spark", param_hint="--engine")
    if engine == "spark":
        if bootstrap or status != ["approved"]:
            raise typer.BadParameter(
                "Spark 引擎只算已审核数值、不做自助法 / approved values, no bootstrap", param_hint="--engine"
            )
        from jundeng.measure.spark.progress import SparkProgress
        from jundeng.measure.spark.report import session
        from jundeng.services.analysis_spark import gap_table_spark

        spark = session(master)
        with SparkProgress(spark):
            table = gap_table_spark(
                open_db(ctx), indicator=indicator, period=period, by=by, level=level, under=under, spark=spark
            )
    else:
        table = gap_table(
            open_db(ctx),
            indicator=indicator,
            period=period,
            by=by,
            level=level,
            statuses=status,
            bootstrap=bootstrap,
            under=under,
        )
    if not table.weighted:
        errors.print("[yellow]部分区划缺人口数据，改用等权 / population missing for some regions: equal weights[/]")
    ind = table.indicator
    _print(table.report, fmt, f"{ind.code} {ind.name} ({ind.unit}) {period} · {table.level}")


def trend(
    ctx: typer.Context,
    indicator: str = typer.Option(..., help="指标代码 / indicator code"),
    measure_name: str = typer.Option("cv", "--measure", help="cv | gini | theil | sd_log"),
    level: str | None = typer.Option(None, help="区划层级 / region level"),
    under: str | None = typer.Option(
        None, help="只含此区划之下（库中有多个城市时必填）/ only under this region (needed with several programmes)"
    ),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    fmt: str = FORMAT,
) -> None:
    """σ-convergence (dispersion per period and its trend) and β-convergence of one indicator."""
    from jundeng.services.analysis import convergence

    level_used, rows = convergence(
        open_db(ctx), indicator=indicator, measure=measure_name, level=level, statuses=status, under=under
    )
    emit(rows, fmt, ["measure", "value", "detail"], f"{indicator} 收敛 Convergence · {level_used}")


def register(app: typer.Typer) -> None:
    """Add the measurement commands to the root app."""
    app.command("measure")(measure)
    app.command("gaps")(gaps)
    app.command("trend")(trend)
