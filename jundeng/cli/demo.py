"""``jundeng demo``: build the demo database and print what it holds."""

from __future__ import annotations

import typer

from jundeng.cli.common import console, settings
from jundeng.store.db import Database
from jundeng.store.demo_loader import load_demo


def demo(
    ctx: typer.Context,
    load_only: bool = typer.Option(False, "--load-only", help="只载入数据 / only load the data"),
) -> None:
    """Create the demo city (Zhuhai, synthetic 2013–2017 data) in the database and summarize it."""
    db = Database(settings(ctx).db_url)
    ctx.call_on_close(db.dispose)
    with console.status("载入演示数据 loading the demo…") as status:
        summary = load_demo(db, user=settings(ctx).who, progress=lambda m: status.update(f"{m}…"))
    console.print(f"[bold]演示数据库 Demo database[/]: {db.url}")
    console.print(
        f"区划 regions {summary.regions} · 指标 indicators {summary.indicators} · 目标 targets {summary.targets} · "
        f"服务项目 service items {summary.items}"
    )
    console.print(
        f"人口 population rows {summary.population_rows} · 观测值 observations {summary.observations_total} "
        f"(本次写入 written now {summary.observations_written})"
    )
    console.print("[yellow]注意：观测值与人口为合成演示数据 / note: observations and population are synthetic.[/]")
    if not load_only:
        console.print(
            "下一步 next: jundeng catalog list · jundeng export observations --format xlsx --out obs.xlsx · "
            "jundeng template --period 2018 --out template.xlsx"
        )


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""
    app.command("demo")(demo)
