"""The history of a value shows each caller only the revisions it may see (GET /observations/{id}/history).

A viewer may read an approved value, but a district's submitted correction of it is not official yet: the
viewer must not get the draft's value or author through the history, as it does not through the revision.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jundeng.domain.observations import ObservationStatus
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.services.observations import import_files
from jundeng.store.models import ObservationRow
from jundeng.web.app import create_app
from tests.conftest import DIALECTS, Templates, fresh_database

KEY = "SOC_DIBAO_STANDARD,440403100,2017"  # a town of 斗门区 (account doumen); 香洲区 is xiangzhou


@pytest.fixture(scope="module", params=DIALECTS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, site_templates: Templates
) -> Iterator[tuple[FastAPI, int, int]]:
    """The demo site with an approved value and 斗门区's submitted correction of it: (app, approved, draft)."""
    tmp = tmp_path_factory.mktemp("history")
    db, drop = fresh_database(request.param, site_templates, tmp)
    ids = {}
    for value, user, status in (
        (690.5, "office", ObservationStatus.APPROVED),
        (777.25, "doumen", ObservationStatus.SUBMITTED),
    ):
        path = tmp / f"{user}.csv"
        path.write_text(f"indicator,region,period,value\n{KEY},{value}\n", encoding="utf-8")
        assert import_files(db, [path], user=user, status=status).written == 1
        with db.session() as session:
            ids[user] = session.execute(select(ObservationRow.id).where(ObservationRow.value == value)).scalar_one()
    app = create_app(db.url, secret_key="history-test")
    yield app, ids["office"], ids["doumen"]
    app.state.db.dispose()
    drop()


def signed_in(app: FastAPI, username: str | None) -> TestClient:
    client = TestClient(app)
    if username:
        response = client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
    return client


def history(app: FastAPI, username: str | None, obs_id: int) -> tuple[int, list[dict[str, object]]]:
    response = signed_in(app, username).get(f"/api/v1/observations/{obs_id}/history")
    return response.status_code, response.json() if response.status_code == 200 else []


def test_a_viewer_sees_approved_revisions_only(site: tuple[FastAPI, int, int]) -> None:
    app, approved, draft = site
    assert signed_in(app, "viewer").get(f"/api/v1/observations/{draft}").status_code == 404
    assert history(app, "viewer", draft)[0] == 404
    status, rows = history(app, "viewer", approved)
    assert status == 200 and rows
    assert all(r["status"] == "approved" for r in rows)
    assert 777.25 not in [r["value"] for r in rows] and "doumen" not in str(rows), "the draft stays unseen"
    assert 690.5 in [r["value"] for r in rows]


def test_the_reporting_district_and_the_office_see_the_draft(site: tuple[FastAPI, int, int]) -> None:
    app, approved, draft = site
    for username in ("doumen", "office"):
        for obs_id in (approved, draft):
            status, rows = history(app, username, obs_id)
            assert status == 200
            assert {690.5, 777.25} <= {r["value"] for r in rows}, username
            assert {"approved", "submitted"} <= {r["status"] for r in rows}


def test_another_district_and_the_public_see_nothing(site: tuple[FastAPI, int, int]) -> None:
    app, approved, draft = site
    assert history(app, "xiangzhou", approved)[0] == 404
    assert history(app, "xiangzhou", draft)[0] == 404
    assert history(app, None, approved)[0] == 401


def test_the_scope_rule_is_the_one_of_a_revision(site: tuple[FastAPI, int, int]) -> None:
    """Every revision a caller gets through a history is one it could also read by its id."""
    app, approved, _draft = site
    for username in ("viewer", "doumen", "office", "edu"):
        client = signed_in(app, username)
        response = client.get(f"/api/v1/observations/{approved}/history")
        rows = response.json() if response.status_code == 200 else []
        for row in rows:
            assert client.get(f"/api/v1/observations/{row['id']}").status_code == 200, (username, row["id"])
