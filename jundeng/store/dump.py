"""Dump a whole database to one archive and restore it exactly (any dialect to any dialect).

The archive is a zip holding ``manifest.json`` and one JSON-lines file per table. Format ``jundeng-dump/2``:

- **A consistent snapshot.** Every table is read in one read-only transaction: ``REPEATABLE READ READ ONLY``
  on PostgreSQL, one ``BEGIN`` … on SQLite (WAL gives the reader a snapshot), so a dump taken during an
  import holds all of the import or none of it.
- **Verified before anything is written.** The manifest records the schema revision, the tables, the row
  count and the SHA-256 of every table file; restore checks them all first and refuses a damaged or edited
  archive (naming the table) without touching the database. The checksums find corruption, truncation and
  edits by hand, not a forger who also rewrites the manifest. Then the rows go in as one transaction, with
  the foreign keys enforced and the references that are not foreign keys (``observations.batch``) checked,
  so a refusal leaves the database as it was.
- **Exact values.** Binary columns are base64, times ISO text in UTC, and non-finite floats are written
  ``{"$float": "NaN" | "Infinity" | "-Infinity"}`` (the lines are strict JSON), also inside JSON columns.
  SQLite stores NaN as NULL and PostgreSQL's JSON refuses NaN, so restoring such a value there is refused
  with a message naming the table and column rather than changing it silently.

Archives of the old format ``jundeng-dump/1`` carry no checksums: restore refuses them unless verification
is switched off (``verify=False``, ``jundeng db restore --no-verify``), which also skips the row counts.
Restore needs an empty, migrated database and keeps primary keys, so a dump of the restored database equals
the original dump.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, Float, LargeBinary, Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from jundeng.errors import ConflictError, JundengError
from jundeng.store.db import Database
from jundeng.store.models import Base

FORMAT = "jundeng-dump/2"
UNCHECKED_FORMATS = ("jundeng-dump/1",)
CHUNK = 20_000
FLOAT = "$float"
NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
# References kept without a foreign key (see the models): (table, column, referenced table, referenced column)
SOFT_REFERENCES = [("observations", "batch", "import_batches", "id")]

Progress = Callable[[str], None] | None


def _encode(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {FLOAT: "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode_floats(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and value.get(FLOAT) in NONFINITE:
            return NONFINITE[value[FLOAT]]
        return {k: _decode_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_floats(v) for v in value]
    return value


def _nonfinite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_nonfinite(v) for v in value.values())
    if isinstance(value, list):
        return any(_nonfinite(v) for v in value)
    return False


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """Yield a connection that reads every table at one moment (read only)."""
    if db.dialect == "postgresql":
        snapshot = db.engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with snapshot as conn, conn.begin():
            yield conn.execution_options(yield_per=CHUNK)
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN")  # the driver would not open a transaction for reads
        try:
            yield conn
        finally:
            conn.rollback()


def dump(db: Database, *, out: str | Path, progress: Progress = None) -> dict[str, int]:
    """Write every table of ``db``, read in one snapshot, to the archive ``out``; return row counts per table."""
    counts: dict[str, int] = {}
    sums: dict[str, str] = {}
    tables = Base.metadata.sorted_tables
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, _snapshot(db) as conn:
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        for table in tables:
            if progress:
                progress(table.name)
            digest, n = hashlib.sha256(), 0
            with archive.open(f"{table.name}.jsonl", "w") as handle:
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                    record = {k: _encode(v) for k, v in row.items()}
                    line = json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n"
                    handle.write(line)
                    digest.update(line)
                    n += 1
            counts[table.name], sums[table.name] = n, digest.hexdigest()
        manifest = {
            "format": FORMAT,
            "revision": found[0] if len(found) == 1 else None,
            "dialect": db.dialect,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": [t.name for t in tables],
            "rows": counts,
            "sha256": sums,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return counts


def _damaged(archive_path: str | Path, zh: str, en: str) -> JundengError:
    return JundengError(
        f"备份文件已损坏或被改动，未恢复任何数据：{zh}",
        f"the archive is damaged or was edited, nothing was restored: {en}",
        location=str(archive_path),
    )


def _manifest(archive: zipfile.ZipFile, archive_path: str | Path, *, checksums: bool) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), str):
        raise JundengError(f"不是 Jundeng 备份文件：{archive_path}", f"not a Jundeng dump: {archive_path}")
    fmt = manifest["format"]
    if fmt in UNCHECKED_FORMATS and checksums:
        raise JundengError(
            f"旧格式备份（{fmt}）没有校验和，无法验证完整性；确认文件可信后可加 --no-verify 恢复",
            f"an old-format dump ({fmt}) has no checksums and cannot be verified; "
            "restore it with --no-verify if you trust the file",
            location=str(archive_path),
        )
    if fmt != FORMAT and fmt not in UNCHECKED_FORMATS:
        raise JundengError(
            f"不支持的备份格式 {fmt!r}（本版本读取 {FORMAT}）",
            f"unsupported dump format {fmt!r} (this version reads {FORMAT})",
            location=str(archive_path),
        )
    known = {t.name for t in Base.metadata.sorted_tables}
    listed = manifest.get("tables")
    if not isinstance(listed, list) or set(listed) != known or len(listed) != len(known):
        missing = ", ".join(sorted(known - set(listed if isinstance(listed, list) else []))) or "-"
        raise _damaged(
            archive_path,
            f"表清单与数据库结构不符（缺 {missing}）",
            f"the list of tables does not match the schema (missing {missing})",
        )
    return manifest


def verify(archive_path: str | Path, *, checksums: bool = True, progress: Progress = None) -> dict[str, int]:
    """Check an archive without a database: format, tables, and each table's row count and SHA-256.

    Return the row counts per table; raise :class:`JundengError` naming the first table that does not match.
    With ``checksums=False`` only the format and the list of tables are checked (old archives have no sums).
    """
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise JundengError(f"不是 Jundeng 备份文件：{archive_path}", f"not a Jundeng dump: {archive_path}") from exc
    with archive:
        manifest = _manifest(archive, archive_path, checksums=checksums)
        rows, sums = manifest.get("rows") or {}, manifest.get("sha256") or {}
        names = set(archive.namelist())
        counts: dict[str, int] = {}
        for name in manifest["tables"]:
            if progress:
                progress(name)
            if f"{name}.jsonl" not in names:
                raise _damaged(archive_path, f"缺少表 {name} 的数据文件", f"the file of table {name} is missing")
            digest, n = hashlib.sha256(), 0
            try:
                with archive.open(f"{name}.jsonl") as handle:
                    for line in handle:
                        digest.update(line)
                        n += 1
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _damaged(archive_path, f"表 {name} 的数据无法读取", f"table {name} cannot be read") from exc
            counts[name] = n
            if not checksums:
                continue
            if rows.get(name) != n:
                raise _damaged(
                    archive_path,
                    f"表 {name} 有 {n} 行，清单记载 {rows.get(name)} 行",
                    f"table {name} has {n} rows, the manifest says {rows.get(name)}",
                )
            if sums.get(name) != digest.hexdigest():
                raise _damaged(archive_path, f"表 {name} 的校验和不符", f"the SHA-256 of table {name} does not match")
    return counts


def restore(
    db: Database, *, archive_path: str | Path, progress: Progress = None, verify_archive: bool = True
) -> dict[str, int]:
    """Load an archive written by :func:`dump` into the empty database ``db`` in one transaction; return row counts.

    The archive is verified (:func:`verify`) before the database is touched; ``verify_archive=False`` skips the
    row counts and checksums (and accepts old archives that have none).
    """
    verify(archive_path, checksums=verify_archive, progress=progress)
    if not db.is_initialized():
        db.upgrade()
    with zipfile.ZipFile(archive_path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("revision") != db.current_revision():
            raise ConflictError(
                f"备份的数据库版本 {manifest.get('revision')} 与当前 {db.current_revision()} 不同",
                f"dump schema {manifest.get('revision')} differs from database schema {db.current_revision()}",
            )
        tables = {t.name: t for t in Base.metadata.sorted_tables}
        order = [t.name for t in Base.metadata.sorted_tables]
        counts: dict[str, int] = {}
        with db.engine.begin() as conn:
            for name in order:
                if conn.execute(select(func.count()).select_from(tables[name])).scalar_one():
                    raise ConflictError(f"目标数据库非空：{name}", f"the target database is not empty: {name}")
            for name in order:
                if progress:
                    progress(name)
                with archive.open(f"{name}.jsonl") as handle:
                    counts[name] = _load_table(conn, tables[name], handle, str(archive_path))
            _check_references(conn, str(archive_path))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, tables.values())
    return counts


def _load_table(conn: Connection, table: Table, lines: Any, where: str) -> int:
    """Insert the rows of one table file; return how many."""
    datetimes = [c.name for c in table.columns if isinstance(c.type, DateTime)]
    dates = [c.name for c in table.columns if isinstance(c.type, Date)]
    binaries = [c.name for c in table.columns if isinstance(c.type, LargeBinary)]
    floats = [c.name for c in table.columns if isinstance(c.type, Float)]
    documents = [c.name for c in table.columns if isinstance(c.type, JSON)]
    sqlite = conn.dialect.name == "sqlite"
    batch: list[dict[str, Any]] = []
    n = 0
    for number, line in enumerate(lines, start=1):
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
        for column in floats:
            value = record[column] = _decode_floats(record[column])
            if sqlite and isinstance(value, float) and math.isnan(value):
                zh, en = "SQLite 把 NaN 存为空值", "SQLite stores NaN as NULL"
                raise _unstorable(where, table.name, column, number, zh, en)
        for column in documents:
            value = record[column] = _decode_floats(record[column])
            if not sqlite and _nonfinite(value):
                zh, en = "PostgreSQL 的 JSON 不能保存 NaN 或无穷大", "PostgreSQL's JSON cannot hold NaN or infinity"
                raise _unstorable(where, table.name, column, number, zh, en)
        batch.append(record)
        if len(batch) >= CHUNK:
            _insert(conn, table, batch, where)
            n, batch = n + len(batch), []
    if batch:
        _insert(conn, table, batch, where)
        n += len(batch)
    return n


def _unstorable(where: str, table: str, column: str, line: int, zh: str, en: str) -> JundengError:
    return JundengError(
        f"{zh}：表 {table} 列 {column}（第 {line} 行）的非有限数值无法原样恢复，未恢复任何数据；"
        "请在源数据库更正该值或恢复到另一种数据库",
        f"{en}: the non-finite value in table {table}, column {column} (line {line}) cannot be restored "
        "exactly, nothing was restored; correct it in the source database or restore into the other kind",
        location=where,
    )


def _insert(conn: Connection, table: Table, batch: list[dict[str, Any]], where: str) -> None:
    try:
        conn.execute(insert(table), batch)
    except IntegrityError as exc:
        raise JundengError(
            f"备份数据不一致：表 {table.name} 的行违反约束（重复的键或引用不存在的行），未恢复任何数据",
            f"the archive is inconsistent: rows of table {table.name} break a constraint "
            "(a duplicate key or a reference to a missing row), nothing was restored",
            location=where,
        ) from exc


def _check_references(conn: Connection, where: str) -> None:
    """Refuse the restore when a reference kept without a foreign key points at a row the archive lacks."""
    tables = Base.metadata.tables
    for name, column, parent, key in SOFT_REFERENCES:
        child, target = tables[name], tables[parent]
        exists = select(target.c[key]).where(target.c[key] == child.c[column]).exists()
        dangling = conn.execute(
            select(child.c[column]).where(child.c[column].is_not(None), ~exists).limit(1)
        ).scalar_one_or_none()
        if dangling is not None:
            raise JundengError(
                f"备份数据不一致：{name}.{column} = {dangling} 引用的 {parent} 不在备份中（备份不是同一时刻的快照？），"
                "未恢复任何数据",
                f"the archive is inconsistent: {name}.{column} = {dangling} refers to a row of {parent} the archive "
                "lacks (not a snapshot of one moment?), nothing was restored",
                location=where,
            )


def _reset_sequences(conn: Connection, tables: Any) -> None:
    for table in tables:
        for pk in (c for c in table.primary_key.columns if c.autoincrement is True):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                    f"COALESCE((SELECT MAX({pk.name}) FROM {table.name}), 0) + 1, false)"
                )
            )
