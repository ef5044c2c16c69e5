"""Backup: a dump restored into an empty database gives the same rows; a non-empty target is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from jundeng.domain.observations import ObservationStatus
from jundeng.errors import ConflictError
from jundeng.services import backup, catalog, regions, users
from jundeng.services.observations import import_files
from jundeng.store.db import Database


@pytest.fixture
def data(db: Database, tmp_path: Path) -> Database:
    values = tmp_path / "values.csv"
    values.write_text("indicator,region,period,value\nBEDS,440402001,2016,4.1\nGER,440403100,2016,91\n", "utf-8")
    assert import_files(db, [values], user="clerk", status=ObservationStatus.APPROVED).written == 2
    users.create(db, username="office", password="long-enough", role="office", by="admin")
    catalog.publish(db, code="BEDS", by="office")
    return db


def test_dump_then_restore_into_an_empty_database(data: Database, empty_db: Database, tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    dumped = backup.dump(data, out=archive)
    assert dumped["observations"] == 2 and dumped["regions"] == 385 and dumped["users"] == 1
    assert backup.restore(empty_db, archive=archive) == dumped
    assert backup.dump(empty_db, out=tmp_path / "again.zip") == dumped
    assert catalog.published(empty_db) == {"BEDS"}
    assert users.authenticate(empty_db, username="office", password="long-enough") is not None
    assert regions.names(empty_db) == regions.names(data)


def test_restore_into_a_non_empty_database_changes_nothing(data: Database, tmp_path: Path) -> None:
    archive = tmp_path / "backup.zip"
    before = backup.dump(data, out=archive)
    with pytest.raises(ConflictError):
        backup.restore(data, archive=archive)
    assert backup.dump(data, out=tmp_path / "after.zip") == before
