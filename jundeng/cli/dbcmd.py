"""``jundeng db dump|restore|upgrade|downgrade``."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.cli.common import console, open_db, settings

app = typer.Typer(help="数据库备份、恢复与迁移 / database dump, restore and migrations.")


@app.command("dump")
def dump(ctx: typer.Context, out: Path = typer.Argument(..., help="备份文件 .zip / archive to write")) -> None:
    """Dump the whole database to one archive."""
    from jundeng.services import backup

    db = open_db(ctx)
    with console.status("备份中 dumping…") as status:
        counts = backup.dump(db, out=out, progress=lambda t: status.update(f"备份 dumping {t}…"))
    console.print(f"已备份 dumped {sum(counts.values())} 行 rows → {out}")


@app.command("restore")
def restore(ctx: typer.Context, archive: Path = typer.Argument(..., exists=True)) -> None:
    """Restore an archive into an empty database."""
    from jundeng.services import backup

    db = open_db(ctx, create=True)
    with console.status("恢复中 restoring…") as status:
        counts = backup.restore(db, archive=archive, progress=lambda t: status.update(f"恢复 restoring {t}…"))
    console.print(f"已恢复 restored {sum(counts.values())} 行 rows ← {archive}")


@app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head")) -> None:
    """Apply schema migrations up to a revision."""
    from jundeng.store.db import Database

    db = Database(settings(ctx).db_url)
    ctx.call_on_close(db.dispose)
    db.upgrade(revision)
    console.print(f"schema → {db.current_revision()}")


@app.command("downgrade")
def downgrade(ctx: typer.Context, revision: str = typer.Argument(..., help="e.g. base")) -> None:
    """Revert schema migrations down to a revision (data in dropped tables is lost)."""
    db = open_db(ctx)
    db.downgrade(revision)
    console.print(f"schema → {db.current_revision()}")
