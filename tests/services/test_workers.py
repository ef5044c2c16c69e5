"""Imports in a worker process: the same result as in the server's process, refusals intact, crashes contained."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.errors import ConflictError, JundengError
from jundeng.services import workers
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from tests.conftest import write


def test_an_import_in_a_worker_writes_like_one_in_process(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "beds.csv", "indicator,region,period,value\nBEDS,440402,2016,4.5\nBEDS,440403,2016,3.9\n")
    report = workers.import_files(db, [path], user="clerk", status=ObservationStatus.APPROVED)
    assert report.accepted and report.written == 2
    again = import_files(db, [path], user="clerk", status=ObservationStatus.APPROVED)
    assert again.written == 0 and again.unchanged == 2  # the worker wrote exactly what the server would


def test_located_errors_come_back_from_the_worker(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "indicator,region,period,value\nBEDS,440402,2016,abc\n")
    report = workers.import_files(db, [path], user="clerk")
    assert not report.accepted and [str(p).split(": ")[0] for p in report.errors] == ["bad.csv:2:4"]


def test_the_worker_applies_the_principals_scope(db: Database, tmp_path: Path) -> None:
    """A district imports its own subtree only, in the worker as in the server."""
    path = write(tmp_path / "other.csv", "indicator,region,period,value\nBEDS,440403,2016,3.9\n")
    district = Principal(
        username="xz", display_name="香洲区", role="district", region="440402", regions=frozenset({"440402"})
    )
    report = workers.import_files(db, [path], user="xz", principal=district)
    assert not report.accepted and "440403" in str(report.errors[0])


def _clash() -> None:
    raise ConflictError("另一导入同时写入了相同数据", "another import wrote the same values")


def test_a_refusal_in_the_worker_reaches_the_caller_intact() -> None:
    with pytest.raises(ConflictError) as caught:
        workers.in_worker(_clash)
    assert caught.value.status == 409 and caught.value.zh.startswith("另一导入")


def test_a_worker_that_dies_is_a_refusal_not_a_dead_server() -> None:
    with pytest.raises(JundengError, match="stopped unexpectedly"):
        workers.in_worker(os.abort)
