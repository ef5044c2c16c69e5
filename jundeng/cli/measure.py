"""``jundeng measure FILE`` and ``jundeng gaps`` (gap measurement on a file or on the database)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from jundeng.cli.common import console, emit, errors, fail_on_input_error, open_db
from jundeng.errors import InputError
from jundeng.io.frames import read_frame
from jundeng.measure import MeasureError, beta_convergence, sigma_convergence
from jundeng.measure.convergence import period_to_years
from jundeng.measure.report import GapReport, gap_report
from jundeng.store import catalog_repo
from jundeng.store.frames import indicator_frame, indicator_panel

BY_CHOICES = ("urban_rural", "district", "town", "zone")


def _print(report: GapReport, fmt: str, title: str) -> None:
    frame = report.to_frame()
    if fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
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
    file: Path = typer.Argument(..., help="CSV / XLSX / XLS / Parquet"),
    value: str = typer.Option(..., help="数值列 / value column"),
    weight: str | None = typer.Option(None, help="权重（人口）列 / weight (population) column"),
    by: list[str] = typer.Option([], help="分组列（可多次，嵌套时由粗到细）/ group columns, coarse to fine"),
    direction: str = typer.Option("higher", help="higher | lower (is better)"),
    target: float | None = typer.Option(None, help="目标值 / target"),
    floor: float | None = typer.Option(None, help="底线标准 / floor standard"),
    bootstrap: int = typer.Option(0, help="自助法重复次数 / bootstrap replications (0 = none)"),
    seed: int = typer.Option(0, help="随机种子 / seed"),
    fmt: str = typer.Option("table", "--format", help="table | json | csv"),
) -> None:
    """Measure the gaps in a data file (any table with a value column)."""
    try:
        frame = read_frame(file)
        report = gap_report(
            frame,
            value,
            weight,
            by,
            direction=direction,
            target=target,
            floor=floor,
            bootstrap_reps=bootstrap,
            seed=seed,
        )
    except InputError as exc:
        raise fail_on_input_error(exc) from exc
    except MeasureError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    _print(report, fmt, f"{file.name}: {value}")


def gaps(
    ctx: typer.Context,
    indicator: str = typer.Option(..., help="指标代码 / indicator code"),
    period: str = typer.Option(..., help="期间 / period"),
    by: list[str] = typer.Option(["district"], help=f"分组 / grouping: {', '.join(BY_CHOICES)} (repeatable)"),
    level: str | None = typer.Option(None, help="区划层级 / region level (default: lowest with data)"),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    bootstrap: int = typer.Option(0, help="自助法重复次数 / bootstrap replications"),
    fmt: str = typer.Option("table", "--format", help="table | json | csv"),
) -> None:
    """Measure the gaps of one indicator in one period from the database, weighted by resident population."""
    bad = [b for b in by if b not in BY_CHOICES]
    if bad:
        errors.print(f"[red]未知的分组 / unknown grouping {bad}: {', '.join(BY_CHOICES)}[/]")
        raise typer.Exit(2)
    with open_db(ctx).session() as session:
        found = [i for i in catalog_repo.indicators(session) if i.code == indicator]
        if not found:
            errors.print(f"[red]未知的指标代码 / unknown indicator code: {indicator}[/]")
            raise typer.Exit(1)
        frame = indicator_frame(session, indicator=indicator, period=period, level=level, statuses=status)
    ind = found[0]
    frame = frame[frame["disaggregation"] == ""] if "disaggregation" in frame else frame
    if frame.empty:
        errors.print(f"[red]{indicator} 在 {period} 没有数据 / no data for {indicator} in {period}[/]")
        raise typer.Exit(1)
    weight = "population" if frame["population"].notna().all() else None
    if weight is None:
        errors.print("[yellow]部分区划缺人口数据，改用等权 / population missing for some regions: equal weights[/]")
    for code_column in ("district", "town"):  # show names, keep codes unique: 香洲区 (440402)
        frame[code_column] = frame[f"{code_column}_name"] + " (" + frame[code_column] + ")"
    usable = [b for b in by if frame[b].nunique() > 1]
    try:
        report = gap_report(
            frame,
            "value",
            weight,
            usable,
            direction=ind.direction.value,
            bootstrap_reps=bootstrap,
        )
    except MeasureError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    level_used = frame["level"].iloc[0]
    _print(report, fmt, f"{ind.code} {ind.name} ({ind.unit}) {period} · {level_used}")


def convergence_rows(panel: pd.DataFrame, measure_name: str) -> list[dict[str, object]]:
    """Return σ-convergence per period plus the trend, and β-convergence first → last period, as rows."""
    weight = "population" if panel["population"].notna().all() else None
    sigma = sigma_convergence(panel, "value", "period", weight=weight, measure=measure_name)
    rows: list[dict[str, object]] = [
        {"measure": f"σ {measure_name} {period_label(p)}", "value": d, "detail": f"{u} units"}
        for p, d, u in sigma.table[["period", "dispersion", "units"]].itertuples(index=False)
    ]
    verdict = "收敛 converging" if sigma.converging else "未显著收敛 not significantly converging"
    rows.append({"measure": "σ slope / yr", "value": sigma.slope, "detail": f"p = {sigma.p_value:.3g} · {verdict}"})
    first, last = panel["period"].min(), panel["period"].max()
    wide = panel.pivot_table(index="region", columns="period", values="value").dropna(subset=[first, last])
    years = period_to_years(last) - period_to_years(first)
    if len(wide) >= 3 and years > 0 and (wide[[first, last]] > 0).all().all():
        beta = beta_convergence(wide[first], wide[last], years)
        detail = f"{first}→{last}, p = {beta.p_value:.3g}, half-life {beta.half_life:.3g} yrs"
        rows.append({"measure": "β", "value": beta.beta, "detail": detail})
    return rows


def period_label(years: float) -> str:
    """Return a year as printed in tables (2017.0 → 2017)."""
    return f"{years:g}"


def trend(
    ctx: typer.Context,
    indicator: str = typer.Option(..., help="指标代码 / indicator code"),
    measure_name: str = typer.Option("cv", "--measure", help="cv | gini | theil | sd_log"),
    level: str | None = typer.Option(None, help="区划层级 / region level"),
    status: list[str] = typer.Option(["approved"], help="纳入的状态 / statuses included"),
    fmt: str = typer.Option("table", "--format", help="table | json"),
) -> None:
    """σ-convergence (dispersion per period and its trend) and β-convergence of one indicator."""
    with open_db(ctx).session() as session:
        panel = indicator_panel(session, indicator=indicator, level=level, statuses=status)
    if panel.empty or panel["period"].nunique() < 2:
        errors.print(f"[red]{indicator} 至少需要两个期间的数据 / needs data for at least two periods[/]")
        raise typer.Exit(1)
    try:
        rows = convergence_rows(panel, measure_name)
    except MeasureError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    emit(rows, fmt, ["measure", "value", "detail"], f"{indicator} 收敛 Convergence · {panel['level'].iloc[0]}")


def register(app: typer.Typer) -> None:
    """Add the measurement commands to the root app."""
    app.command("measure")(measure)
    app.command("gaps")(gaps)
    app.command("trend")(trend)
