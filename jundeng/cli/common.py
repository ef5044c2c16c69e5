"""Shared CLI plumbing: global options, opening the database, printing tables, JSON and problems."""

from __future__ import annotations

import getpass
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd
    from pydantic import BaseModel

    from jundeng.errors import Problem
    from jundeng.store.db import Database

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
MAX_SHOWN = 200
FORMAT = typer.Option("table", "--format", help="table | json")
FORMAT_CSV = typer.Option("table", "--format", help="table | json | csv")


class Status(StrEnum):
    """A reported value's status as an option (the values of ``jundeng.domain.observations.ObservationStatus``)."""

    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"


@dataclass
class Settings:
    """Global options given before the command."""

    db_url: str | None = None
    user: str | None = None

    @property
    def who(self) -> str:
        """Return the user every write is attributed to."""
        return self.user or os.environ.get("JUNDENG_USER") or getpass.getuser()


def settings(ctx: typer.Context) -> Settings:
    """Return the global settings stored on the root context."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def open_db(ctx: typer.Context, *, create: bool = False) -> Database:
    """Return the database named by --db / $JUNDENG_DATABASE_URL, migrated when ``create``."""
    from jundeng.store.db import Database

    db = Database(settings(ctx).db_url)
    ctx.call_on_close(db.dispose)
    if create:
        db.upgrade()
    elif not db.is_initialized():
        errors.print(
            f"[red]数据库尚未初始化，请先运行 jundeng init / the database is not initialized: "
            f"run `jundeng init` first[/] ({db.shown_url})"
        )
        raise typer.Exit(2)
    elif not db.is_current():
        errors.print(
            f"[red]数据库结构版本 {db.current_revision()} 旧于 {db.head_revision()}，请运行 jundeng init 升级 / "
            f"the database schema is older than this Jundeng: run `jundeng init` to upgrade[/] ({db.shown_url})"
        )
        raise typer.Exit(2)
    return db


def print_problems(problems: Sequence[Problem]) -> None:
    """Print located problems to stderr (at most MAX_SHOWN, then a count of the rest)."""
    for problem in problems[:MAX_SHOWN]:
        style = "red" if problem.severity == "error" else "yellow"
        errors.print(str(problem), style=style, markup=False, highlight=False)
    if len(problems) > MAX_SHOWN:
        errors.print(f"… 另有 {len(problems) - MAX_SHOWN} 条 / and {len(problems) - MAX_SHOWN} more")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def emit(rows: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], title: str | None = None) -> None:
    """Print ``rows`` as a rich table or as JSON (an array of objects)."""
    rows = list(rows)
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def emit_models(models: Iterable[BaseModel], fmt: str, columns: Sequence[str], title: str | None = None) -> None:
    """Print pydantic models (dumped as JSON values) as a rich table or as JSON."""
    emit([m.model_dump(mode="json") for m in models], fmt, columns, title)


def json_ready(value: Any) -> Any:
    """Return a JSON-ready value: NaN and None as null, numpy scalars as Python numbers, lists and dicts inside."""
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as JSON-ready dicts."""
    return [{str(k): json_ready(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
