"""``jundeng demo``: build the demo database and print what it holds."""

from __future__ import annotations

import typer

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.cli.common import console, emit, settings
from jundeng.measure import MeasureError, decompose, gini, sigma_convergence
from jundeng.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from jundeng.services.ledger import assessment, load_demo_ledger
from jundeng.store import catalog_repo, observations_repo, regions_repo
from jundeng.store.db import Database
from jundeng.store.demo_loader import load_demo
from jundeng.store.frames import indicator_panel


def demo(
    ctx: typer.Context,
    load_only: bool = typer.Option(False, "--load-only", help="只载入数据 / only load the data"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="最后启动网页服务 / end by serving the web app"),
    port: int = typer.Option(8000, help="网页端口 / web port"),
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
    tasks, reports = load_demo_ledger(db, user=settings(ctx).who)
    lights = assessment(db, DEMO_TODAY)["light"].value_counts().to_dict()
    console.print(
        f"任务台账 ledger: 2017 年工作计划 {tasks} 项任务 tasks（本次写入进度报告 reports written {reports}）; "
        f"截至 as of {DEMO_TODAY}: 红 red {lights.get('red', 0)} · 黄 yellow {lights.get('yellow', 0)} · "
        f"绿 green {lights.get('green', 0)}"
    )
    console.print(
        "[yellow]注意：观测值、人口、任务分解与进度报告为合成演示数据 / note: observations, population, the task "
        "split and progress reports are synthetic.[/]"
    )
    accounts = create_demo_accounts(db, by=settings(ctx).who)
    if load_only:
        return
    emit(_gap_overview(db), "table", COLUMNS, "差距概览 Gap overview, 2013 → 2017（合成数据 synthetic）")
    console.print(
        "下一步 next: jundeng gaps --indicator SOC_DIBAO_STANDARD --period 2017 --by district --by urban_rural · "
        "jundeng trend --indicator SOC_DIBAO_STANDARD · jundeng appraise --year 2017 · "
        "jundeng tasks list --today 2017-09-30 --light red · jundeng tasks bulletin --period 2017Q3 --today 2017-09-30"
    )
    console.print(
        "演示账户 demo accounts (密码 password: "
        + DEMO_PASSWORD
        + "): "
        + ", ".join(f"{a['username']} ({a['role']})" for a in accounts)
    )
    if serve:
        import uvicorn

        from jundeng.web.app import create_app

        console.print(f"[bold]网页 Web: http://127.0.0.1:{port}/[/]  (Ctrl+C 停止 / to stop)")
        uvicorn.run(create_app(db.url), host="127.0.0.1", port=port, log_level="warning")


COLUMNS = ["indicator", "name", "gini_2013", "gini_2017", "between_district_2017", "trend"]


def _gap_overview(db: Database, limit: int = 8) -> list[dict[str, object]]:
    """Return, for the demo indicators reported below district level, Gini then and now and the σ verdict."""
    rows: list[dict[str, object]] = []
    with db.session() as session:
        indicators = {i.code: i for i in catalog_repo.indicators(session)}
        local = {r.code for r in regions_repo.regions(session) if r.level.value in ("town", "village")}
        obs = observations_repo.observations(session)
        reported_locally = sorted(set(obs.filter(obs["region"].is_in(list(local)))["indicator"].to_list()))
        for code in reported_locally[:limit]:
            panel = indicator_panel(session, indicator=code)
            first, last = panel[panel["period"] == "2013"], panel[panel["period"] == "2017"]
            try:
                theil_2017 = decompose(last["value"], last["district"], last["population"])
                sigma = sigma_convergence(panel, "value", "period", weight="population", measure="gini")
            except MeasureError:
                continue
            rows.append(
                {
                    "indicator": code,
                    "name": indicators[code].name,
                    "level": panel["level"].iloc[0],
                    "gini_2013": gini(first["value"], first["population"]),
                    "gini_2017": gini(last["value"], last["population"]),
                    "between_district_2017": f"{theil_2017.between_share:.0%}",
                    "trend": "收敛 converging" if sigma.converging else ("发散 diverging" if sigma.slope > 0 else "—"),
                }
            )
    return rows


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""
    app.command("demo")(demo)
