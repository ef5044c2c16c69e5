"""Back up a whole database to one archive and restore it into an empty one (any dialect to any dialect).

The archive is a consistent snapshot with per-table row counts and checksums, verified before a restore
writes anything (see :mod:`jundeng.store.dump` for the format).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jundeng.store import dump as dump_store
from jundeng.store.db import Database


def dump(db: Database, *, out: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write every table of ``db``, read in one snapshot, to the archive ``out``; return row counts per table."""
    return dump_store.dump(db, out=out, progress=progress)


def verify(archive: str | Path, *, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Check an archive's format, row counts and checksums without a database; return row counts per table."""
    return dump_store.verify(archive, progress=progress)


def restore(
    db: Database, *, archive: str | Path, progress: Callable[[str], None] | None = None, verify: bool = True
) -> dict[str, int]:
    """Load an archive written by :func:`dump` into the empty database ``db``; return row counts per table.

    The archive is verified first and the rows go in as one transaction: a refusal writes nothing.
    ``verify=False`` skips the row counts and checksums (to accept an old archive that has none).
    """
    return dump_store.restore(db, archive_path=archive, progress=progress, verify_archive=verify)
