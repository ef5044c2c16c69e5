"""Observations are never overwritten: corrections are revisions, history is kept, every write has its user."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select

from jundeng.domain.observations import ObservationStatus
from jundeng.errors import ConflictError
from jundeng.services.observations import import_files
from jundeng.store import observations_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, ImportBatchRow
from tests.conftest import write

HEAD = "indicator,region,period,value,numerator,denominator,urban_rural\n"
COMMON: dict[str, Any] = {"sha256": None, "user": "clerk", "status": ObservationStatus.SUBMITTED, "source": None}


def test_correction_adds_a_revision_and_keeps_history(db: Database, tmp_path: Path) -> None:
    first = write(tmp_path / "v1.csv", HEAD + "GER,440402,2016,90,90,100,\nBEDS,440402,2016,4.1,,,\n")
    report = import_files(db, [first], user="alice")
    assert report.accepted and report.written == 2

    second = write(tmp_path / "v2.csv", HEAD + "GER,440402,2016,92,92,100,\nBEDS,440402,2016,4.1,,,\n")
    report = import_files(db, [second], user="bob")
    assert (report.written, report.unchanged) == (1, 1)

    with db.session() as session:
        current = observations_repo.observations(session)
        history = observations_repo.observations(session, history=True)
    ger_now = current.filter(current["indicator"] == "GER").row(0, named=True)
    assert (ger_now["value"], ger_now["revision"], ger_now["created_by"]) == (92.0, 2, "bob")
    ger_all = history.filter(history["indicator"] == "GER").sort("revision")
    assert ger_all["value"].to_list() == [90.0, 92.0]
    assert ger_all["created_by"].to_list() == ["alice", "bob"]
    assert history.height == 3


def test_reimporting_the_same_file_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "v.csv", HEAD + "BEDS,440402,2016,4.1,,,\nGER,440403,2017,,45,50,rural\n")
    assert import_files(db, [path], user="alice").written == 2
    again = import_files(db, [path], user="alice")
    assert (again.written, again.unchanged) == (0, 2)
    with db.session() as session:
        assert len(session.execute(select(ImportBatchRow)).all()) == 1


def test_value_is_computed_from_numerator_and_denominator(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HEAD + "GER,440403,2017,,45,50,农村\n")
    import_files(db, [path], user="alice")
    with db.session() as session:
        row = observations_repo.observations(session).row(0, named=True)
    assert row["value"] == 90.0
    assert row["disaggregation"] == "urban_rural=rural"


def test_dry_run_validates_without_writing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", HEAD + "BEDS,440402,2016,4.1,,,\n")
    report = import_files(db, [path], user="alice", dry_run=True)
    assert report.accepted and report.written == 0
    with db.session() as session:
        assert observations_repo.observations(session).height == 0


def test_jump_against_previous_period_warns_but_imports(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "a.csv", HEAD + "BEDS,440402,2016,4,,,\n")], user="alice")
    report = import_files(db, [write(tmp_path / "b.csv", HEAD + "BEDS,440402,2017,9,,,\n")], user="alice")
    assert report.accepted and report.written == 1
    assert [str(w).split(": ")[0] for w in report.warnings] == ["b.csv:2:4"]
    assert "较上期 2016 的 4" in str(report.warnings[0])
    quiet = import_files(db, [write(tmp_path / "c.csv", HEAD + "BEDS,440403,2017,9,,,\n")], user="alice")
    assert not quiet.warnings


def test_status_changes_follow_the_workflow_and_are_audited(db: Database, tmp_path: Path) -> None:
    import_files(db, [write(tmp_path / "a.csv", HEAD + "BEDS,440402,2016,4,,,\n")], user="clerk")
    with db.session() as session:
        obs_id = observations_repo.observations(session)["id"][0]
        assert (
            observations_repo.set_status(session, ids=[obs_id], status=ObservationStatus.APPROVED, user="office") == 1
        )
        # approved values cannot be approved again or rejected without a new revision
        assert (
            observations_repo.set_status(session, ids=[obs_id], status=ObservationStatus.REJECTED, user="office") == 0
        )
    with db.session() as session:
        assert observations_repo.observations(session)["status"][0] == "approved"
        audit = session.execute(select(AuditRow).where(AuditRow.action == "status")).scalar_one()
    assert audit.after is not None
    assert (audit.user, audit.before, audit.after["status"]) == ("office", {"status": "submitted"}, "approved")


def beds(regions: list[str], value: float) -> pl.DataFrame:
    """Return checked BEDS rows for 2016 in ``regions``, as an import hands them to ``record``."""
    n = len(regions)
    return pl.DataFrame(
        {
            "indicator": ["BEDS"] * n,
            "region": regions,
            "period": ["2016"] * n,
            "year": [2016] * n,
            "disaggregation": [""] * n,
            "value": [value] * n,
            "numerator": [None] * n,
            "denominator": [None] * n,
            "note": [None] * n,
        },
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64, "note": pl.String},
    )


def test_concurrent_records_of_the_same_keys_take_turns_or_conflict(db: Database) -> None:
    """PostgreSQL: the second waits for the first and revises it. SQLite outside a write session: the second planned
    on what it read before the first committed, and its duplicate keys are a located ConflictError, not a crash."""
    regions = ["440402", "440403", "440404"]
    outcome: list[object] = []

    def second() -> None:
        try:
            with db.session() as session:
                kept = observations_repo.record(
                    session, frame=beds(regions, 5.0), kind="observations", filename="b.csv", **COMMON
                )
            outcome.append(kept)
        except ConflictError as exc:
            outcome.append(exc)

    with db.session() as session:
        observations_repo.record(session, frame=beds(regions, 4.0), kind="observations", filename="a.csv", **COMMON)
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second has read the values (none yet) and waits for the first to commit
    thread.join(timeout=60)
    with db.session() as session:
        revisions = sorted(observations_repo.observations(session, history=True)["revision"].to_list())
    if db.dialect == "postgresql":
        assert outcome == [3] and revisions == [1, 1, 1, 2, 2, 2]
    else:
        (error,) = outcome
        assert isinstance(error, ConflictError) and error.location == "b.csv" and error.status == 409
        assert (error.zh, error.en) == observations_repo.IMPORT_CLASH
        assert revisions == [1, 1, 1]


def test_the_bulk_official_read_matches_the_ordinary_one(db: Database, tmp_path: Path) -> None:
    """official_bulk (the analysis pages' read of every official value) keeps, like observations(approved), the
    latest approved revision of each key: a newer submitted or rejected correction leaves it in place."""
    from jundeng.services.observations import decide

    approved = HEAD + "GER,440402,2016,90,90,100,\nBEDS,440402,2016,4.1,,,\nBEDS,440403,2016,3.2,,,\n"
    assert import_files(db, [write(tmp_path / "a.csv", approved)], user="a", status=ObservationStatus.APPROVED)
    newer = HEAD + "GER,440402,2016,91,91,100,\nBEDS,440402,2016,4.4,,,\n"
    assert import_files(db, [write(tmp_path / "b.csv", newer)], user="b", status=ObservationStatus.APPROVED)
    corrected = HEAD + "GER,440402,2016,95,95,100,\nBEDS,440403,2016,3.3,,,\n"
    import_files(db, [write(tmp_path / "c.csv", corrected)], user="c")  # submitted
    assert decide(db, status=ObservationStatus.REJECTED, user="office", indicators=["BEDS"], comment="?") == 1
    with db.session() as session:
        bulk = observations_repo.official_bulk(session)
        ordinary = observations_repo.observations(session, statuses=["approved"])
    assert bulk.equals(ordinary) and bulk.schema == ordinary.schema
    assert sorted(zip(bulk["indicator"], bulk["value"], bulk["revision"], strict=True)) == [
        ("BEDS", 3.2, 1),
        ("BEDS", 4.4, 2),
        ("GER", 91.0, 2),
    ]
