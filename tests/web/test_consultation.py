"""Public consultation: an anonymous visitor comments on a published indicator (CSRF-checked, rate-limited, nothing
unpublished), the office accepts or hides comments with a reason (every decision kept), other roles are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import catalog, consultation
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in

PUBLISHED = "SOC_DIBAO_STANDARD"


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("consultation"))
    catalog.publish(db, code=PUBLISHED, by="office")
    yield create_app(db.url, secret_key="consultation-test", ledger_day=DEMO_TODAY), db
    drop()


def _visitor(app: object) -> TestClient:
    limiter.reset()
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/open")
    return client


def _send(client: TestClient, **fields: str) -> str:
    form = {"kind": "indicator", "subject": PUBLISHED, "message": "希望公布各镇的低保标准。"} | fields
    form["csrftoken"] = client.cookies.get("csrftoken") or ""
    response = client.post("/open/feedback", data=form)
    assert response.status_code == 200, response.text
    return response.text


def test_a_visitor_comments_and_the_office_moderates(site: tuple[object, Database]) -> None:
    app, db = site
    visitor = _visitor(app)
    sent = _send(visitor, name="张三", contact="zhang@example.com")
    assert 'id="feedback-sent"' in sent
    number = int(re.search(r"编号 (\d+)", sent).group(1))  # type: ignore[union-attr]
    office = signed_in(app, "office")
    page = office.get("/consultation").text
    assert "希望公布各镇的低保标准" in page and f'id="decide-{number}"' in page
    hide = office.post(f"/consultation/{number}", data={"decision": "hidden", "csrftoken": office.cookies["csrftoken"]})
    assert hide.status_code == 200 and "needs a reason" in hide.text or "须说明理由" in hide.text
    done = office.post(
        f"/consultation/{number}",
        data={"decision": "hidden", "reason": "重复", "csrftoken": office.cookies["csrftoken"]},
    )
    assert done.status_code == 200
    listed = consultation.listing(db, status="hidden")
    assert list(listed["id"]) == [number] and listed["reason"].iloc[0] == "重复"
    assert listed["decided_by"].iloc[0] == "office"
    csv = office.get("/consultation", params={"format": "csv", "table": "comments"})
    assert csv.status_code == 200 and "zhang@example.com" in csv.text


def test_nothing_unpublished_short_or_forged_is_taken(site: tuple[object, Database]) -> None:
    app, db = site
    visitor = _visitor(app)
    before = len(consultation.listing(db))
    assert 'id="feedback-error"' in _send(visitor, subject="EDU_PRESCHOOL_GROSS_ENROLMENT")  # not published
    assert 'id="feedback-error"' in _send(visitor, message="好")  # too short
    bare = {"kind": "indicator", "subject": PUBLISHED, "message": "没有令牌的意见"}
    forged = visitor.post("/open/feedback", data=bare)
    assert forged.status_code == 403  # no CSRF token: refused before anything is stored
    assert len(consultation.listing(db)) == before


def test_the_form_is_rate_limited(site: tuple[object, Database]) -> None:
    visitor = _visitor(site[0])
    codes = []
    for k in range(7):
        token = visitor.cookies.get("csrftoken") or ""
        form = {"kind": "indicator", "subject": PUBLISHED, "message": f"第{k}条意见内容", "csrftoken": token}
        codes.append(visitor.post("/open/feedback", data=form).status_code)
    assert codes[:5] == [200] * 5 and codes[-1] == 429


@pytest.mark.parametrize("role", ["department", "district", "viewer", "public"])
def test_only_the_office_moderates(site: tuple[object, Database], role: str) -> None:
    client = signed_in(site[0], role)
    assert client.get("/consultation", follow_redirects=False).status_code in (303, 401, 403)  # 303: sign in first
    posted = client.post("/consultation/1", data={"decision": "accepted"}, follow_redirects=False)
    assert posted.status_code in (303, 401, 403)


def test_the_indicator_page_carries_the_form_and_the_static_export_does_not(site: tuple[object, Database]) -> None:
    from jundeng.services import open_data
    from jundeng.web.pages_open import StaticRenderer

    visitor = _visitor(site[0])
    html = visitor.get(f"/open/indicators/{PUBLISHED}").text
    form = re.search(
        r'<form class="form" method="post" action="/open/feedback" id="feedback-form">(.*?)</form>', html, re.S
    )
    assert form and f'value="indicator:{PUBLISHED}"' in form.group(1)
    targets = re.findall(r'<option value="(target:[^"]+)"', form.group(1))
    assert targets  # the programme's targets of the indicator can be commented on too
    token = re.search(r'name="csrftoken" value="([^"]+)"', form.group(1))
    assert token and token.group(1) == visitor.cookies.get("csrftoken")
    exported = StaticRenderer().indicator(open_data.indicator(site[1], PUBLISHED), lang="zh", root="../")
    assert "feedback-form" not in exported  # a page opened from disk cannot post


def test_a_comment_on_a_target_of_the_indicator(site: tuple[object, Database]) -> None:
    app, db = site
    visitor = _visitor(app)
    html = visitor.get(f"/open/indicators/{PUBLISHED}").text
    about = re.findall(r'<option value="(target:[^"]+)"', html)[0]
    form = {"about": about, "message": "建议把目标提高到 800 元。", "csrftoken": visitor.cookies.get("csrftoken") or ""}
    sent = visitor.post("/open/feedback", data=form)
    assert sent.status_code == 200 and 'id="feedback-sent"' in sent.text
    latest = consultation.listing(db).iloc[0]
    assert (latest["subject_kind"], latest["subject"]) == ("target", about.removeprefix("target:"))
    unknown = dict(form, about=f"target:{PUBLISHED}:440400:1999")
    assert 'id="feedback-error"' in visitor.post("/open/feedback", data=unknown).text  # no such target
