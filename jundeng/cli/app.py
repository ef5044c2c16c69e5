"""Root Typer application and its global options."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from jundeng.cli import (
    access,
    appraise,
    catalog,
    city,
    data,
    dbcmd,
    demo,
    extract,
    fiscal,
    measure,
    publish,
    report,
    review,
    survey,
    tasks,
    web,
)
from jundeng.cli.common import Settings, console, errors, open_db, print_problems


class Commands(TyperGroup):
    """The root command group: the one place where a refusal becomes a message and exit status 1.

    A :class:`~jundeng.errors.InputError` prints every located problem; any other
    :class:`~jundeng.errors.JundengError` prints ``中文 / English``. Commands never catch them themselves.
    """

    def invoke(self, ctx: Any) -> Any:  # click.Context (typer vendors its own click)
        """Run the command, turning a refusal into a message on stderr and exit status 1."""
        from jundeng.errors import InputError, JundengError

        try:
            return super().invoke(ctx)
        except InputError as exc:
            print_problems(exc.problems)
            raise typer.Exit(1) from exc
        except JundengError as exc:
            errors.print(f"[red]{exc}[/]", highlight=False)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=Commands,
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
app.add_typer(city.app, name="city")
app.add_typer(catalog.regions_app, name="regions")
app.add_typer(catalog.population_app, name="population")
app.add_typer(dbcmd.app, name="db")
app.add_typer(review.app, name="review")
app.add_typer(report.app, name="report")
app.add_typer(tasks.app, name="tasks")
app.add_typer(fiscal.app, name="fiscal")
app.add_typer(access.app, name="access")
app.add_typer(survey.app, name="survey")
data.register(app)
demo.register(app)
measure.register(app)
appraise.register(app)
web.register(app)
extract.register(app)
publish.register(app)
