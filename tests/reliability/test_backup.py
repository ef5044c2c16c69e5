"""Backups under faults: a dump is one snapshot, a damaged or edited archive is refused before anything is
written, and non-finite floats cross databases exactly or are refused by name."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from jundeng.catalogs import zhuhai_regions
from jundeng.cli import app as cli
from jundeng.errors import JundengError
from jundeng.services.backup import dump, restore
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, Base, ObservationRow
from tests.conftest import Templates, fresh_database, write

runner = CliRunner()
DATA = "indicator,region,period,value\nBEDS,440402,2016,4.5\nBEDS,440403,2016,3.5\n"


def _read(archive: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        tables = {n: [json.loads(line) for line in zf.read(f"{n}.jsonl").splitlines()] for n in manifest["tables"]}
    return manifest, tables


def _rewrite(archive: Path, out: Path, edit: Callable[[dict[str, Any], dict[str, bytes]], None]) -> Path:
    """Copy ``archive`` to ``out`` after ``edit(manifest, files)`` changed it in place."""
    with zipfile.ZipFile(archive) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    edit(manifest, files)
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return out


def _reseal(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    """Recompute the row counts and checksums, as someone who edits an archive carefully would."""
    for name in manifest["tables"]:
        data = files[f"{name}.jsonl"]
        manifest["rows"][name] = len(data.splitlines())
        manifest["sha256"][name] = hashlib.sha256(data).hexdigest()


def _row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables
        }


def _dangling(tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Return every reference in the archive (foreign keys and observations.batch) to a row it lacks."""
    refs = [
        (t.name, fk.parent.name, fk.column.table.name, fk.column.name)
        for t in Base.metadata.sorted_tables
        for fk in t.foreign_keys
    ]
    refs.append(("observations", "batch", "import_batches", "id"))
    found = []
    for table, column, parent, key in refs:
        keys = {r[key] for r in tables[parent]}
        found += [
            f"{table}.{column}={r[column]}" for r in tables[table] if r[column] is not None and r[column] not in keys
        ]
    return found


def test_a_dump_during_an_import_is_one_snapshot(db: Database, templates: Templates, tmp_path: Path) -> None:
    assert import_files(db, [write(tmp_path / "first.csv", DATA)], user="a").written == 2
    later = write(tmp_path / "later.csv", DATA.replace("4.5", "5.5").replace("3.5", "6.5"))
    imported: list[int] = []

    def import_between_tables(table: str) -> None:  # import_batches is read, observations not yet
        if table == "observations":
            worker = threading.Thread(target=lambda: imported.append(import_files(db, [later], user="b").written))
            worker.start()
            worker.join()

    archive = tmp_path / "during.zip"
    dump(db, out=archive, progress=import_between_tables)
    assert imported == [2]  # the import committed while the dump was running
    manifest, tables = _read(archive)
    assert not _dangling(tables)
    assert len(tables["import_batches"]) == 1 and len(tables["observations"]) == 2  # the moment before it
    assert manifest["rows"] == {name: len(rows) for name, rows in tables.items()}
    target, drop = fresh_database(db.dialect, templates, tmp_path)
    try:
        restore(target, archive=archive)
        assert _row_counts(target)["observations"] == 2
    finally:
        drop()


def test_an_inconsistent_archive_is_refused_and_nothing_is_restored(
    db: Database, templates: Templates, tmp_path: Path
) -> None:
    import_files(db, [write(tmp_path / "first.csv", DATA)], user="a")
    archive = tmp_path / "d.zip"
    dump(db, out=archive)

    def drop_batches(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
        files["import_batches.jsonl"] = b""  # what a dump that was not a snapshot could hold
        _reseal(manifest, files)

    torn = _rewrite(archive, tmp_path / "torn.zip", drop_batches)
    target, drop = fresh_database(db.dialect, templates, tmp_path)
    try:
        with pytest.raises(JundengError, match=r"observations\.batch") as refused:
            restore(target, archive=torn)
        assert "nothing was restored" in str(refused.value)
        assert not any(_row_counts(target).values())
    finally:
        drop()


@pytest.fixture(scope="module")
def big_archive(mini_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A dump of a database holding 1,540 observations (every region, four quarters)."""
    folder = tmp_path_factory.mktemp("backup")
    db, drop = fresh_database("sqlite", mini_templates, folder)
    try:
        lines = ["indicator,region,period,value"]
        lines += [f"BEDS,{r.code},2016Q{q},{q}.25" for r in zhuhai_regions() for q in range(1, 5)]
        assert import_files(db, [write(folder / "big.csv", "\n".join(lines) + "\n")], user="a").written == 1540
        archive = folder / "big.zip"
        dump(db, out=archive)
        yield archive
    finally:
        drop()


def _remove_lines(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    files["observations.jsonl"] = b"\n".join(files["observations.jsonl"].splitlines()[1000:]) + b"\n"


def _change_value(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    files["observations.jsonl"] = files["observations.jsonl"].replace(b'"value": 3.25', b'"value": 9.25', 1)


def _change_count(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["rows"]["observations"] -= 1


def _change_checksum(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["sha256"]["observations"] = "0" * 64


def _leave_out_a_table(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["tables"].remove("observations")


def _old_format(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
    manifest["format"] = "jundeng-dump/1"
    del manifest["sha256"]


TAMPERING = [
    (_remove_lines, "observations"),
    (_change_value, "observations"),
    (_change_count, "observations"),
    (_change_checksum, "observations"),
    (_leave_out_a_table, "observations"),
    (_old_format, "--no-verify"),
]


@pytest.mark.parametrize(("edit", "named"), TAMPERING, ids=[t[0].__name__.strip("_") for t in TAMPERING])
def test_a_tampered_archive_is_refused_before_anything_is_written(
    big_archive: Path, tmp_path: Path, edit: Callable[..., None], named: str
) -> None:
    tampered = _rewrite(big_archive, tmp_path / "tampered.zip", edit)
    target = tmp_path / "target.sqlite"  # the archive is refused before a database is touched: any dialect
    result = runner.invoke(cli, ["--db", str(target), "db", "restore", str(tampered)])
    assert result.exit_code == 1, result.output
    assert named in result.output
    assert "nothing was restored" in result.output or named == "--no-verify"
    db = Database(str(target))
    try:
        assert not any(_row_counts(db).values())
    finally:
        db.dispose()
    assert runner.invoke(cli, ["db", "verify", str(tampered)]).exit_code == 1


def test_verify_and_restore_accept_a_sound_archive_and_an_old_one_on_request(
    big_archive: Path, empty_db: Database, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["db", "verify", str(big_archive)])
    assert result.exit_code == 0 and "verified" in result.output
    old = _rewrite(big_archive, tmp_path / "old.zip", _old_format)
    result = runner.invoke(cli, ["--db", empty_db.url, "db", "restore", "--no-verify", str(old)])
    assert result.exit_code == 0, result.output
    assert _row_counts(empty_db)["observations"] == 1540


def _put(db: Database, values: list[tuple[float | None, float | None, float | None]]) -> None:
    """Store observations of BEDS in 2016 with the given (value, numerator, denominator), bypassing the import."""
    regions = ["440402", "440403", "440404", "440402001"]
    rows = [
        {"indicator": "BEDS", "region": code, "period": "2016", "year": 2016, "value": v, "numerator": n}
        | {"denominator": d, "status": "approved", "revision": 1, "created_by": "t", "disaggregation": ""}
        for code, (v, n, d) in zip(regions, values, strict=False)
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(Base.metadata.tables["observations"]), rows)


def _floats(db: Database) -> list[str]:
    """Return the stored floats of the observations as text (so that NaN equals NaN)."""
    table = ObservationRow.__table__
    with db.engine.connect() as conn:
        rows = conn.execute(select(table.c.value, table.c.numerator, table.c.denominator).order_by(table.c.id))
        return [repr(x) for row in rows for x in row]


@pytest.mark.postgres
def test_nan_survives_postgresql_and_is_refused_by_sqlite(
    mini_templates: Templates, templates: Templates, tmp_path: Path
) -> None:
    source, drop_source = fresh_database("postgresql", mini_templates, tmp_path)
    pg, drop_pg = fresh_database("postgresql", templates, tmp_path)
    lite, drop_lite = fresh_database("sqlite", templates, tmp_path)
    try:
        _put(source, [(math.nan, math.inf, -math.inf), (1.5, math.nan, None)])
        expected = _floats(source)
        assert expected == ["nan", "inf", "-inf", "1.5", "nan", "None"]
        archive = tmp_path / "nan.zip"
        dump(source, out=archive)
        assert _read(archive)[1]["observations"][0]["value"] == {"$float": "NaN"}
        restore(pg, archive=archive)
        assert _floats(pg) == expected
        with pytest.raises(JundengError, match="SQLite stores NaN as NULL") as refused:
            restore(lite, archive=archive)
        assert "observations, column value" in str(refused.value)
        assert not any(_row_counts(lite).values())
    finally:
        for drop in (drop_source, drop_pg, drop_lite):
            drop()


@pytest.mark.postgres
def test_infinities_cross_sqlite_and_postgresql_exactly(
    mini_templates: Templates, templates: Templates, tmp_path: Path
) -> None:
    source, drop_source = fresh_database("sqlite", mini_templates, tmp_path)
    pg, drop_pg = fresh_database("postgresql", templates, tmp_path)
    back, drop_back = fresh_database("sqlite", templates, tmp_path)
    try:
        _put(source, [(math.inf, -math.inf, 2.0), (-0.0, 5e-324, 1.7976931348623157e308)])
        expected = _floats(source)
        first, second = tmp_path / "first.zip", tmp_path / "second.zip"
        dump(source, out=first)
        restore(pg, archive=first)
        assert _floats(pg) == expected
        dump(pg, out=second)
        restore(back, archive=second)
        assert _floats(back) == expected
        assert _read(second)[1]["observations"] == _read(first)[1]["observations"]
    finally:
        for drop in (drop_source, drop_pg, drop_back):
            drop()


@pytest.mark.postgres
def test_nan_in_a_json_column_round_trips_on_sqlite_and_is_refused_by_postgresql(
    templates: Templates, tmp_path: Path
) -> None:
    source, drop_source = fresh_database("sqlite", templates, tmp_path)
    lite, drop_lite = fresh_database("sqlite", templates, tmp_path)
    pg, drop_pg = fresh_database("postgresql", templates, tmp_path)
    try:
        after = {"score": math.nan, "range": [-math.inf, math.inf], "note": "x"}
        with source.engine.begin() as conn:
            conn.execute(
                insert(Base.metadata.tables["audit_log"]),
                [{"user": "t", "action": "a", "entity": "e", "key": "k", "after": after}],
            )
        archive = tmp_path / "json.zip"
        dump(source, out=archive)
        restore(lite, archive=archive)
        with lite.engine.connect() as conn:
            stored = conn.execute(select(AuditRow.__table__.c.after)).scalar_one()
        assert repr(stored) == repr(after)
        with pytest.raises(JundengError, match="audit_log, column after"):
            restore(pg, archive=archive)
        assert not any(_row_counts(pg).values())
    finally:
        for drop in (drop_source, drop_lite, drop_pg):
            drop()
