"""Races between writers: imports of the same keys take turns or are told to retry, never a 500 or a traceback;
writes during a long SQLite import wait for it instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jundeng.catalogs import zhuhai_regions
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.domain.tasks import ProgressReport, Task
from jundeng.errors import ConflictError
from jundeng.services import ledger
from jundeng.services.observations import ImportReport, import_files, review, selected
from jundeng.store import tasks_repo
from jundeng.store.db import Database
from jundeng.store.models import ObservationRow

VILLAGES = [r.code for r in zhuhai_regions() if r.level == "village"]
OFFICE = Principal(username="office", display_name="办公室", role="office")


def values_file(path: Path, period: str, value: float, regions: list[str] = VILLAGES) -> Path:
    """Write a file of BEDS values for ``regions`` in ``period`` and return its path."""
    rows = "".join(f"BEDS,{r},{period},{value}\n" for r in regions)
    path.write_text("indicator,region,period,value\n" + rows, encoding="utf-8")
    return path


Outcome = ImportReport | ConflictError | BaseException


def import_together(db: Database, files: dict[str, Path]) -> dict[str, Outcome]:
    """Import each file as its user, all at the same moment (threads meeting at a barrier); return the outcomes."""
    barrier = threading.Barrier(len(files))
    outcomes: dict[str, Outcome] = {}

    def run(who: str, path: Path) -> None:
        barrier.wait(timeout=30)
        try:
            outcomes[who] = import_files(db, [path], user=who)
        except BaseException as exc:  # anything but a ConflictError fails the test
            outcomes[who] = exc

    threads = [threading.Thread(target=run, args=item) for item in files.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_two_imports_of_the_same_keys_take_turns_or_conflict(db: Database, tmp_path: Path) -> None:
    for period in ["2013", "2014", "2015", "2016", "2017"]:
        files = {
            who: values_file(tmp_path / f"{who}-{period}.csv", period, v) for who, v in (("api", 4.5), ("cli", 5.5))
        }
        outcomes = import_together(db, files)
        others = {who: repr(o) for who, o in outcomes.items() if not isinstance(o, ImportReport | ConflictError)}
        assert not others, f"{period}: {others}"
        winners = [who for who, o in outcomes.items() if isinstance(o, ImportReport)]
        assert winners, f"{period}: nobody won"
        for who, outcome in outcomes.items():
            if isinstance(outcome, ConflictError):
                assert outcome.location == f"{who}-{period}.csv" and "重试" in outcome.zh and "try again" in outcome.en
        with db.session() as session:
            stored = session.execute(
                select(ObservationRow.revision, ObservationRow.created_by).where(ObservationRow.period == period)
            ).all()
        if len(winners) == 2:  # one after the other: the second revised what the first wrote, nothing lost
            assert sorted(r for r, _ in stored) == [1] * len(VILLAGES) + [2] * len(VILLAGES)
            assert len({who for r, who in stored if r == 1}) == 1 and len({who for r, who in stored if r == 2}) == 1
        else:
            assert sorted(stored) == [(1, winners[0])] * len(VILLAGES)


@pytest.mark.slow
@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_writes_during_a_long_sqlite_import_wait_instead_of_failing(db: Database, tmp_path: Path) -> None:
    """An import holds the write lock for 6.5 s (longer than SQLite's usual 5 s wait); writers wait, readers don't."""
    pending = values_file(tmp_path / "pending.csv", "2013", 3.0, VILLAGES[:20])
    assert import_files(db, [pending], user="clerk").written == 20
    ids = [int(r["id"]) for r in selected(db, periods=["2013"])]
    task = Task(code="2017-001", title="新建12所中小学", lead_units=["市教育局"], target_value=12)
    with db.session(write=True) as session:
        tasks_repo.save_tasks(session, tasks=[task], user="office")
    parts = [values_file(tmp_path / f"part{n}.csv", "2016", 4.0, VILLAGES[n::2]) for n in range(2)]
    holding = threading.Event()

    def slow_progress(stage: str, done: int, _total: int) -> None:
        if stage.startswith("写入") and done == 1:  # the first part is written, the lock is held
            holding.set()
            time.sleep(6.5)

    importer = threading.Thread(target=lambda: import_files(db, parts, user="clerk", progress=slow_progress))
    importer.start()
    assert holding.wait(timeout=60)
    failures: list[str] = []
    read_seconds: list[float] = []

    def write(n: int) -> None:
        try:
            review(db, OFFICE, obs_id=ids[n], status=ObservationStatus.APPROVED)
            report = ProgressReport(task=task.code, reporter="市教育局", as_of=date(2017, 9, 30), percent=n)
            ledger.add_progress(db, report, user="edu")
        except Exception as exc:
            failures.append(repr(exc))

    writers = [threading.Thread(target=write, args=(n,)) for n in range(10)]
    for writer in writers:
        writer.start()
    started = time.monotonic()
    assert len(selected(db, periods=["2013"])) == 20  # a reader is not blocked by the import
    read_seconds.append(time.monotonic() - started)
    for writer in writers:
        writer.join(timeout=60)
    importer.join(timeout=60)
    assert failures == []
    assert read_seconds[0] < 3
    assert len(selected(db, periods=["2013"])) == 10
    assert len(selected(db, periods=["2013"], status=ObservationStatus.APPROVED)) == 10
    assert len(ledger.task_reports(db, task.code)) == 10
    with db.session() as session:
        assert len(session.execute(select(ObservationRow.id).where(ObservationRow.period == "2016")).all()) == len(
            VILLAGES
        )
