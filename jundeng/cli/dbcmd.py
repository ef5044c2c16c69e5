"""``jundeng db dump|restore|verify|upgrade|downgrade``."""

from __future__ import annotations

from pathlib import Path

import typer

from jundeng.cli.common import console, errors, open_db, settings

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
def restore(
    ctx: typer.Context,
    archive: Path = typer.Argument(..., exists=True),
    no_verify: bool = typer.Option(
        False, "--no-verify", help="不核对行数与校验和（旧格式备份）/ skip row counts and checksums (old archives)"
    ),
) -> None:
    """Restore an archive into an empty database (verified first; one transaction: a refusal writes nothing)."""
    from jundeng.services import backup

    db = open_db(ctx, create=True)
    if no_verify:
        errors.print("[yellow]未核对备份的完整性 / the archive's integrity is not checked (--no-verify)[/]")
    with console.status("恢复中 restoring…") as status:
        counts = backup.restore(
            db, archive=archive, progress=lambda t: status.update(f"恢复 restoring {t}…"), verify=not no_verify
        )
    console.print(f"已恢复 restored {sum(counts.values())} 行 rows ← {archive}")


@app.command("verify")
def verify(archive: Path = typer.Argument(..., exists=True)) -> None:
    """Check an archive (format, row counts, checksums) without restoring it; exit 1 if it is damaged."""
    from jundeng.services import backup

    with console.status("核对中 verifying…") as status:
        counts = backup.verify(archive, progress=lambda t: status.update(f"核对 verifying {t}…"))
    console.print(f"备份完好 archive verified: {len(counts)} 张表 tables, {sum(counts.values())} 行 rows ← {archive}")


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
