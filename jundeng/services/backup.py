"""Back up a whole database to one archive and restore it into an empty one (any dialect to any dialect)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jundeng.store import dump as dump_store
from jundeng.store.db import Database


def dump(db: Database, *, out: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write every table of ``db`` to the archive ``out``; return row counts per table."""
    return dump_store.dump(db, out=out, progress=progress)


def restore(db: Database, *, archive: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load an archive written by :func:`dump` into the empty database ``db``; return row counts per table."""
    return dump_store.restore(db, archive_path=archive, progress=progress)
