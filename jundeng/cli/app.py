"""Root Typer application and its global options."""

from __future__ import annotations

import typer

from jundeng.cli import appraise, catalog, data, dbcmd, demo, extract, measure, review, tasks, web
from jundeng.cli.common import Settings, console, open_db

app = typer.Typer(
    help="Jundeng 均等 — 基本公共服务均等化 (equalization of basic public services).",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        help="数据库 URL 或 SQLite 文件 / database URL or SQLite file (default: $JUNDENG_DATABASE_URL)",
    ),
    user: str | None = typer.Option(None, "--user", help="记录为操作人 / user recorded on every write"),
) -> None:
    """Jundeng command line."""
    ctx.obj = Settings(db_url=db, user=user)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create or upgrade the database schema (初始化数据库)."""
    database = open_db(ctx, create=True)
    console.print(f"数据库已就绪 / database ready: {database.url} (schema {database.current_revision()})")


app.add_typer(catalog.app, name="catalog")
app.add_typer(catalog.regions_app, name="regions")
app.add_typer(catalog.population_app, name="population")
app.add_typer(dbcmd.app, name="db")
app.add_typer(review.app, name="review")
app.add_typer(tasks.app, name="tasks")
data.register(app)
demo.register(app)
measure.register(app)
appraise.register(app)
web.register(app)
extract.register(app)
