"""``jundeng publish --out DIR``: the public open-data site written as static files (公开数据静态站点)."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.cli.common import console, open_db


def publish(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="输出目录 / folder to write the site into"),
    under: str | None = typer.Option(
        None, "--under", help="城市或区县代码（库中有多个时必填）/ the programme (needed with several)"
    ),
) -> None:
    """Write the open-data site (published indicators, approved values) as static files that open from disk."""
    from jundeng.services.open_export import export
    from jundeng.web.pages_open import StaticRenderer

    db = open_db(ctx)
    written = export(db, out, renderer=StaticRenderer(), under=under)
    console.print(f"已写出 {len(written)} 个文件 / wrote {len(written)} files: {out / 'index.html'}")


def register(app: typer.Typer) -> None:
    """Add the publish command to the root app."""
    app.command("publish")(publish)
