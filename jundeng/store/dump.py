"""Dump a whole database to one archive and restore it exactly (any dialect to any dialect).

The archive is a zip holding ``manifest.json`` (schema revision, table order, row counts) and one
JSON-lines file per table (binary columns in base64). Restore needs an empty, migrated database and
keeps primary keys, so a dump of the restored database equals the original dump.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, func, insert, select, text

from jundeng.errors import ConflictError, JundengError
from jundeng.store.db import Database
from jundeng.store.models import Base

FORMAT = "jundeng-dump/1"
CHUNK = 20_000


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump(db: Database, *, out: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write every table of ``db`` to the archive ``out``; return row counts per table."""
    counts: dict[str, int] = {}
    tables = Base.metadata.sorted_tables
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, db.engine.connect() as conn:
        for table in tables:
            if progress:
                progress(table.name)
            order = list(table.primary_key.columns)
            n = 0
            with archive.open(f"{table.name}.jsonl", "w") as handle:
                for row in conn.execute(select(table).order_by(*order)).mappings():
                    line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False)
                    handle.write(line.encode("utf-8") + b"\n")
                    n += 1
            counts[table.name] = n
        manifest = {
            "format": FORMAT,
            "revision": db.current_revision(),
            "tables": [t.name for t in tables],
            "rows": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return counts


def restore(db: Database, *, archive_path: str | Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load an archive written by :func:`dump` into the empty database ``db``; return row counts."""
    if not db.is_initialized():
        db.upgrade()
    with zipfile.ZipFile(archive_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise JundengError(f"不是 Jundeng 备份文件：{archive_path}", f"not a Jundeng dump: {archive_path}")
        if manifest["revision"] != db.current_revision():
            raise ConflictError(
                f"备份的数据库版本 {manifest['revision']} 与当前 {db.current_revision()} 不同",
                f"dump schema {manifest['revision']} differs from database schema {db.current_revision()}",
            )
        tables = {t.name: t for t in Base.metadata.sorted_tables}
        counts: dict[str, int] = {}
        with db.engine.begin() as conn:
            for name in manifest["tables"]:
                table = tables[name]
                if conn.execute(select(func.count()).select_from(table)).scalar_one():
                    raise ConflictError(f"目标数据库非空：{name}", f"the target database is not empty: {name}")
            for name in manifest["tables"]:
                if progress:
                    progress(name)
                table = tables[name]
                datetimes = [c.name for c in table.columns if isinstance(c.type, DateTime)]
                dates = [c.name for c in table.columns if isinstance(c.type, Date)]
                binaries = [c.name for c in table.columns if isinstance(c.type, LargeBinary)]
                batch: list[dict[str, Any]] = []
                counts[name] = 0
                with archive.open(f"{name}.jsonl") as handle:
                    for line in handle:
                        record = json.loads(line)
                        for column in datetimes:
                            if record[column] is not None:
                                record[column] = datetime.fromisoformat(record[column]).replace(tzinfo=UTC)
                        for column in dates:
                            if record[column] is not None:
                                record[column] = date.fromisoformat(record[column])
                        for column in binaries:
                            if record[column] is not None:
                                record[column] = base64.b64decode(record[column])
                        batch.append(record)
                        if len(batch) >= CHUNK:
                            conn.execute(insert(table), batch)
                            counts[name] += len(batch)
                            batch = []
                if batch:
                    conn.execute(insert(table), batch)
                    counts[name] += len(batch)
            if conn.dialect.name == "postgresql":
                for table in tables.values():
                    serial = [c for c in table.primary_key.columns if c.autoincrement is True]
                    for pk in serial:
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                                f"COALESCE((SELECT MAX({pk.name}) FROM {table.name}), 0) + 1, false)"
                            )
                        )
    return counts
