"""Conflicting decisions at the same moment: exactly one wins, the other is told (409), the audit has one change.

Each case makes 100 pending items in one go, then two threads meet at a barrier before every item and decide it
opposite ways through the service, on SQLite (a file database) and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jundeng.catalogs import zhuhai_regions
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.principal import Principal
from jundeng.domain.tasks import Notice, ProgressReport, Task
from jundeng.errors import ConflictError
from jundeng.services import ledger
from jundeng.services.observations import decide, import_files, review
from jundeng.store import tasks_repo, users_repo
from jundeng.store.db import Database
from jundeng.store.models import AuditRow, ObservationRow
from jundeng.web.app import create_app
from jundeng.web.limits import limiter

PAIRS = 100
OFFICE_A = Principal(username="office-a", display_name="办公室甲", role="office")
OFFICE_B = Principal(username="office-b", display_name="办公室乙", role="office")
Outcome = str  # "won", "conflict" or the repr of any other exception


def race(items: list[int], first: Callable[[int], object], second: Callable[[int], object]) -> list[list[Outcome]]:
    """Run ``first(item)`` and ``second(item)`` in two threads that meet at a barrier before every item.

    An outcome is "won" (or the value returned, when it is a number), "conflict" for a ConflictError with both
    languages, or the repr of any other exception.
    """
    barrier = threading.Barrier(2)
    outcomes: list[list[Outcome]] = [[], []]

    def work(side: int, decide_one: Callable[[int], object]) -> None:
        for item in items:
            barrier.wait(timeout=60)
            try:
                result = decide_one(item)
                outcomes[side].append(str(result) if isinstance(result, int) else "won")
            except ConflictError as exc:
                outcomes[side].append("conflict" if exc.zh and exc.en else repr(exc))
            except Exception as exc:  # anything else fails the test, reported with its pair
                outcomes[side].append(repr(exc))

    threads = [threading.Thread(target=work, args=(n, f)) for n, f in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [list(pair) for pair in zip(*outcomes, strict=True)]


def assert_one_winner(pairs: list[list[Outcome]]) -> None:
    """Every pair has exactly one winner and one conflict."""
    assert len(pairs) == PAIRS
    bad = [(n, pair) for n, pair in enumerate(pairs) if sorted(pair) != ["conflict", "won"]]
    assert not bad, f"{len(bad)} pairs without exactly one winner, e.g. {bad[:3]}"


def audited(db: Database, entity: str) -> dict[str, int]:
    """Return the number of audit entries per key of ``entity``."""
    with db.session() as session:
        rows = session.execute(
            select(AuditRow.key, func.count()).where(AuditRow.entity == entity).group_by(AuditRow.key)
        ).all()
    return {key: int(count) for key, count in rows}


def submitted_values(db: Database, tmp_path: Path) -> list[int]:
    """Import 100 submitted values in one file and return their ids."""
    villages = [r.code for r in zhuhai_regions() if r.level == "village"][:PAIRS]
    path = tmp_path / "values.csv"
    path.write_text("indicator,region,period,value\n" + "".join(f"BEDS,{v},2016,4.5\n" for v in villages), "utf-8")
    assert import_files(db, [path], user="clerk").written == PAIRS
    with db.session() as session:
        return list(session.execute(select(ObservationRow.id).order_by(ObservationRow.id)).scalars())


def pending_reports(db: Database) -> list[int]:
    """Store one task and 100 submitted progress reports on it; return their ids."""
    task = Task(code="2017-001", title="新建12所中小学", lead_units=["市教育局"], target_value=12)
    with db.session(write=True) as session:
        tasks_repo.save_tasks(session, tasks=[task], user="office")
        return [
            tasks_repo.add_report(
                session,
                report=ProgressReport(task=task.code, reporter="市教育局", as_of=date(2017, 9, 30), percent=n % 100),
                user="edu",
            )
            for n in range(PAIRS)
        ]


def test_approving_and_rejecting_the_same_value(db: Database, tmp_path: Path) -> None:
    ids = submitted_values(db, tmp_path)
    pairs = race(
        ids,
        lambda i: review(db, OFFICE_A, obs_id=i, status=ObservationStatus.APPROVED),
        lambda i: review(db, OFFICE_B, obs_id=i, status=ObservationStatus.REJECTED, comment="数据有误"),
    )
    assert_one_winner(pairs)
    assert audited(db, "observations") == {str(i): 1 for i in ids}
    with db.session() as session:
        statuses = session.execute(select(ObservationRow.status).order_by(ObservationRow.id)).scalars().all()
    assert [s == "approved" for s in statuses] == [pair[0] == "won" for pair in pairs]


def test_two_bulk_decisions_on_the_same_values(db: Database, tmp_path: Path) -> None:
    ids = submitted_values(db, tmp_path)
    villages = [r.code for r in zhuhai_regions() if r.level == "village"][:PAIRS]
    by_id = dict(zip(ids, villages, strict=True))
    pairs = race(
        ids,
        lambda i: decide(db, status=ObservationStatus.APPROVED, user="office-a", regions=[by_id[i]]),
        lambda i: decide(db, status=ObservationStatus.REJECTED, user="office-b", comment="有误", regions=[by_id[i]]),
    )
    # a bulk decision counts what it changed: exactly one of the two changed the value, the other nothing
    bad = [(n, pair) for n, pair in enumerate(pairs) if sorted(pair) != ["0", "1"]]
    assert len(pairs) == PAIRS and not bad, f"{len(bad)} pairs without exactly one change, e.g. {bad[:3]}"
    assert audited(db, "observations") == {str(i): 1 for i in ids}


def test_accepting_and_returning_the_same_report(db: Database) -> None:
    ids = pending_reports(db)
    pairs = race(
        ids,
        lambda i: ledger.review_report(db, i, accept=True, user="office-a", comment=None),
        lambda i: ledger.review_report(db, i, accept=False, user="office-b", comment="缺佐证材料"),
    )
    assert_one_winner(pairs)
    assert audited(db, "progress_reports") == {str(i): 1 for i in ids}


def test_two_responses_to_the_same_notice(db: Database) -> None:
    pending_reports(db)
    with db.session(write=True) as session:
        notice = Notice(task="2017-001", unit="市教育局", request="请说明进度", issued_by="office")
        ids = [tasks_repo.add_notice(session, notice=notice) for _ in range(PAIRS)]
    pairs = race(
        ids,
        lambda i: ledger.respond(db, i, response="已开工", user="edu-a"),
        lambda i: ledger.respond(db, i, response="已完成选址", user="edu-b"),
    )
    assert_one_winner(pairs)
    assert audited(db, "notices") == {str(i): 1 for i in ids}


PASSWORD = "conflict-test-password-1"


def office_client(app: object, username: str) -> TestClient:
    """Return a client signed in as an office account, with its CSRF header."""
    limiter.reset()
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/api/v1/me")
    assert client.post("/api/v1/login", json={"username": username, "password": PASSWORD}).status_code == 200
    client.headers["x-csrftoken"] = client.cookies.get("csrftoken") or ""
    return client


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_api_answers_the_loser_409_in_both_languages(db: Database, tmp_path: Path) -> None:
    obs_id = submitted_values(db, tmp_path)[0]
    with db.session(write=True) as session:
        for name in ("office-a", "office-b"):
            users_repo.create_user(session, username=name, password=PASSWORD, role="office", by="test")
    app = create_app(db.url, secret_key="test-secret")
    first, second = office_client(app, "office-a"), office_client(app, "office-b")
    barrier = threading.Barrier(2)
    answers: dict[str, httpx2.Response] = {}

    def post(name: str, client: TestClient, url: str, body: dict[str, str] | None) -> None:
        barrier.wait(timeout=30)
        answers[name] = client.post(url, json=body)

    threads = [
        threading.Thread(target=post, args=("approve", first, f"/api/v1/observations/{obs_id}/approve", None)),
        threading.Thread(
            target=post, args=("reject", second, f"/api/v1/observations/{obs_id}/reject", {"comment": "有误"})
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(a.status_code for a in answers.values()) == [200, 409]
    loser = next(a for a in answers.values() if a.status_code == 409)
    error = loser.json()["error"]
    assert "他人" in error["zh"] and "someone else" in error["en"]
    assert audited(db, "observations") == {str(obs_id): 1}
    app.state.db.dispose()
