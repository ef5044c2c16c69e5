"""``jundeng demo``: build the demo database and print what it holds."""

from __future__ import annotations

import typer

from jundeng.cli.common import console, emit, settings

COLUMNS = ["indicator", "name", "gini_2013", "gini_2017", "between_district_2017", "trend"]


def demo(
    ctx: typer.Context,
    load_only: bool = typer.Option(False, "--load-only", help="只载入数据 / only load the data"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="最后启动网页服务 / end by serving the web app"),
    port: int = typer.Option(8000, help="网页端口 / web port"),
) -> None:
    """Create the demo city (Zhuhai, synthetic 2013–2017 data) in the database and summarize it."""
    from jundeng.services import demo as demo_city
    from jundeng.store.db import Database

    db = Database(settings(ctx).db_url)
    ctx.call_on_close(db.dispose)
    with console.status("载入演示数据 loading the demo…") as status:
        city = demo_city.build(db, user=settings(ctx).who, progress=lambda m: status.update(f"{m}…"))
    summary, lights, tasks, reports = city.summary, city.lights, city.tasks, city.reports
    console.print(f"[bold]演示数据库 Demo database[/]: {db.shown_url}")
    console.print(
        f"区划 regions {summary.regions} · 指标 indicators {summary.indicators} · 目标 targets {summary.targets} · "
        f"服务项目 service items {summary.items}"
    )
    console.print(
        f"人口 population rows {summary.population_rows} · 观测值 observations {summary.observations_total} "
        f"(本次写入 written now {summary.observations_written})"
    )
    console.print(
        f"任务台账 ledger: 2017 年工作计划 {tasks} 项任务 tasks（本次写入进度报告 reports written {reports}）; "
        f"截至 as of {demo_city.DEMO_TODAY}: 红 red {lights.get('red', 0)} · 黄 yellow {lights.get('yellow', 0)} · "
        f"绿 green {lights.get('green', 0)}"
    )
    console.print(
        "[yellow]注意：观测值、人口、任务分解与进度报告为合成演示数据 / note: observations, population, the task "
        "split and progress reports are synthetic.[/]"
    )
    if load_only:
        return
    emit(demo_city.gap_overview(db), "table", COLUMNS, "差距概览 Gap overview, 2013 → 2017（合成数据 synthetic）")
    console.print(
        "下一步 next: jundeng gaps --indicator SOC_DIBAO_STANDARD --period 2017 --by district --by urban_rural · "
        "jundeng trend --indicator SOC_DIBAO_STANDARD · jundeng appraise --year 2017 · "
        "jundeng tasks list --today 2017-09-30 --light red · jundeng tasks bulletin --period 2017Q3 --today 2017-09-30"
    )
    console.print(
        "演示账户 demo accounts (密码 password: "
        + demo_city.DEMO_PASSWORD
        + "): "
        + ", ".join(f"{a['username']} ({a['role']})" for a in city.accounts)
    )
    if serve:
        from jundeng.cli.web import run_server
        from jundeng.web.app import create_app

        console.print(f"[bold]网页 Web: http://127.0.0.1:{port}/[/]  (Ctrl+C 停止 / to stop)")
        app = create_app(db.url, ledger_day=demo_city.DEMO_TODAY, warm=True)  # the demo ledger's day, as printed above
        run_server(app, host="127.0.0.1", port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""
    app.command("demo")(demo)
