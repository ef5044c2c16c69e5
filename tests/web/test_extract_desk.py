"""The review desk: upload a plan, see its clauses marked beside the candidates, edit, accept and reject with
plain forms (the CSRF token in the hidden field), and the accepted target with its baseline on the indicator page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jundeng.services import extraction
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_review import form_client

PLAN = (
    "珠海市基本公共服务均等化规划（2016—2020年）\n一、公共教育\n"
    "到2020年，残疾儿童少年入学率由2015年的85%提高到2020年的95%。\n"
    "到2020年，每千人口医疗卫生机构床位数达到6张。\n二、公共卫生\n"
    "到2020年，婴儿死亡率控制在5‰以下。\n到2020年，全科医生数达到1200人。\n"
    "三、社会保障\n到2020年，初中年辍学率控制在0.5%以内。\n"
)


@pytest.fixture
def site(site_templates: Templates, tmp_path: Path) -> Iterator[tuple[object, Database]]:
    """The app on a fresh copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path)
    yield create_app(db.url, secret_key="extract-desk", ledger_day=None), db
    drop()


def _upload(client: TestClient) -> str:
    token = client.cookies["csrftoken"]
    files = {"file": ("规划.txt", PLAN.encode("utf-8"), "text/plain")}
    response = client.post("/extract/upload", data={"csrftoken": token}, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_upload_review_edit_accept_reject(site: tuple[object, Database]) -> None:
    app, db = site
    client = form_client(app, "office")
    desk = _upload(client)
    page = client.get(desk).text
    assert '<mark id="clause-' in page and "残疾儿童少年入学率由2015年的85%提高到2020年的95%" in page
    assert "条候选已暂存" in page
    staged = extraction.staged(db)
    goal = next(c for c in staged if c["kind"] == "target" and c["value"] == 95)
    assert re.search(r'<option value="EDU_DISABLED_CHILD_ENROLMENT"[^>]*>残疾儿童少年入学率', page), (
        "the match is offered"
    )
    token = client.cookies["csrftoken"]
    fields = {
        "csrftoken": token,
        "kind": "target",
        "code": "EDU_DISABLED_CHILD_ENROLMENT",
        "comparator": ">=",
        "value": "95",
        "unit": "%",
        "year": "2020",
        "baseline_year": "2015",
        "baseline_value": "85",
        "do": "accept",
    }
    response = client.post(f"{desk}/candidates/{goal['id']}", data=fields, follow_redirects=True)
    assert response.status_code == 200 and f"已接受候选 {goal['id']}" in response.text
    others = [c["id"] for c in extraction.staged(db)]
    response = client.post(
        f"{desk}/decide", data={"csrftoken": token, "do": "reject", "ids": others[:2]}, follow_redirects=True
    )
    assert "已拒绝 2 条候选" in response.text
    indicator = client.get("/indicators/EDU_DISABLED_CHILD_ENROLMENT").text
    assert "85" in indicator and "2015" in indicator
    assert client.get("/extract").text.count(desk.removeprefix("/extract/")) == 1


def test_the_desk_is_for_the_office(site: tuple[object, Database]) -> None:
    app, _db = site
    client = form_client(app, "district")
    assert client.get("/extract").status_code == 403
