"""Round trips: export → import gives identical data; dump → restore gives an identical database."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from jundeng.errors import JundengError
from jundeng.services.backup import dump, restore, verify
from jundeng.services.observations import import_files
from jundeng.store import catalog_repo, export, observations_repo, regions_repo
from jundeng.store.db import Database
from tests.conftest import DIALECTS, Templates, fresh_database, write

DATA = (
    "indicator,region,period,value,numerator,denominator,urban_rural,note\n"
    "GER,440402,2016,90.5,181,200,,\n"
    "GER,440402,2016,88.25,353,400,rural,农村\n"
    "GER,440402,2016,91,91,100,urban,\n"
    "DROPOUT,440403,2017Q1,0.8,8,1000,,\n"
    'BEDS,440404,2017-03,4.125,,,,"含 民营, 医院"\n'
    "DOCTORS,440402001,2017H1,37,,,,\n"
)


def _observations(db: Database) -> list[tuple[object, ...]]:
    with db.session() as session:
        frame = export.observations_frame(session)
    return sorted(frame.rows())


@pytest.mark.parametrize("target", DIALECTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_identical_data(
    db: Database, tmp_path: Path, templates: Templates, fmt: str, target: str
) -> None:
    assert import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice").accepted
    out = tmp_path / f"out.{fmt}"
    with db.session() as session:
        export.write_frames({"observations": export.observations_frame(session)}, fmt, out)
    other, drop = fresh_database(target, templates, tmp_path)
    try:
        with db.session() as session, other.session() as into:
            regions_repo.load_regions(into, regions=regions_repo.regions(session), user="t")
            into.flush()
            catalog_repo.load_catalog(into, catalog=catalog_repo.read_catalog(session), user="t")
        report = import_files(other, [out], user="bob")
        assert report.accepted, [str(p) for p in report.problems]
        assert _observations(other) == _observations(db)
    finally:
        drop()


def test_export_of_the_same_database_twice_is_a_no_op_import(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice")
    out = tmp_path / "again.csv"
    with db.session() as session:
        export.write_frames({"observations": export.observations_frame(session)}, "csv", out)
    report = import_files(db, [out], user="alice")
    assert (report.written, report.unchanged) == (0, 6)


def test_with_meta_adds_status_revision_and_author(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice")
    with db.session() as session:
        frame = export.observations_frame(session, with_meta=True)
    assert {"status", "source", "revision", "created_by", "created_at"} <= set(frame.columns)
    assert set(frame["created_by"]) == {"alice"}


def _dump_contents(archive: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        return {name: zf.read(f"{name}.jsonl").decode().splitlines() for name in manifest["tables"]}


@pytest.mark.parametrize("target", DIALECTS)
def test_dump_then_restore_gives_an_identical_database(
    db: Database, tmp_path: Path, templates: Templates, target: str
) -> None:
    import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice")
    import_files(db, [write(tmp_path / "fix.csv", DATA.replace("90.5,181", "91,182"))], user="bob")
    first = tmp_path / "first.zip"
    dump(db, out=first)
    original = _dump_contents(first)
    assert len(original["observations"]) == 7 and original["regions"]
    other, drop = fresh_database(target, templates, tmp_path)
    try:
        restore(other, archive=first)
        second = tmp_path / f"second-{target}.zip"
        dump(other, out=second)
        assert _dump_contents(second) == original
        # the restored database goes on working: a new revision gets the next id
        assert import_files(other, [write(tmp_path / "more.csv", DATA.replace("91,182", "92,184"))], user="c").written
        with other.session() as session:
            assert observations_repo.observations(session, history=True)["id"].max() == 8
    finally:
        drop()


def test_restore_refuses_a_database_that_is_not_empty(db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "d.zip"
    dump(db, out=archive)
    with pytest.raises(ValueError, match="not empty"):
        restore(db, archive=archive)


def test_the_manifest_carries_row_counts_and_checksums(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice")
    archive = tmp_path / "d.zip"
    counts = dump(db, out=archive)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        sums = {name: hashlib.sha256(zf.read(f"{name}.jsonl")).hexdigest() for name in manifest["tables"]}
    assert manifest["format"] == "jundeng-dump/2" and manifest["rows"] == counts and manifest["sha256"] == sums
    assert verify(archive) == counts and counts["observations"] == 6


def test_a_damaged_archive_is_refused_before_the_database_is_even_created(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "in.csv", DATA)], user="alice")
    archive = tmp_path / "d.zip"
    dump(db, out=archive)
    with zipfile.ZipFile(archive) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    files["observations.jsonl"] = files["observations.jsonl"].replace(b"4.125", b"5.125")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    target = Database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    try:
        with pytest.raises(JundengError, match="SHA-256 of table observations does not match"):
            restore(target, archive=damaged)
        assert not target.is_initialized()
        with pytest.raises(JundengError, match="not a Jundeng dump"):
            restore(target, archive=write(tmp_path / "not.zip", "hello"))
    finally:
        target.dispose()
