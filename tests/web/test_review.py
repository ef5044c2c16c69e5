"""The review queue: filters, pages of 50, the previous value and the change, local times, decisions on one value,
a selection or the filtered set posted as plain forms; the reason reaching the district; upload results in
sentences, one error for an unknown indicator, and a pending download that imports again."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store import observations_repo
from jundeng.store.db import Database
from jundeng.store.models import ImportBatchRow
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import ACCOUNTS

XIANGZHOU = "440402"


@pytest.fixture
def site(site_templates: Templates, tmp_path: Path) -> Iterator[tuple[object, Database]]:
    """The app on a fresh copy of the demo site (SQLite), one per test."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path)
    yield create_app(db.url, secret_key="review-test", ledger_day=DEMO_TODAY), db
    drop()


def form_client(app: object, role: str) -> TestClient:
    """Return a client signed in as ``role`` that sends no CSRF header: its forms carry the token as a field."""
    limiter.reset()
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/api/v1/me")
    token = client.cookies["csrftoken"]
    response = client.post(
        "/api/v1/login",
        json={"username": ACCOUNTS[role], "password": DEMO_PASSWORD},
        headers={"x-csrftoken": token},
    )
    assert response.status_code == 200, response.text
    return client


def upload(client: TestClient, text: str, *, dry_run: bool = False, lang: str = "zh") -> dict[str, object]:
    """Post a CSV to the import API (with the CSRF header, as app.js does) and return the answer."""
    files = {"file": ("batch.csv", text.encode("utf-8"), "text/csv")}
    data = {"dry_run": "true"} if dry_run else {}
    token = client.cookies["csrftoken"]
    response = client.post(
        f"/api/v1/observations/import?lang={lang}", files=files, data=data, headers={"x-csrftoken": token}
    )
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def town_values(db: Database, n: int) -> list[tuple[str, str, float]]:
    """Return ``n`` current 2017 values of 香洲 and its towns (no disaggregation), SOC_DIBAO_STANDARD first."""
    with db.session() as session:
        frame = observations_repo.current_values(session, periods=["2017"])
    frame = frame.filter(pl.col("region").str.starts_with(XIANGZHOU), pl.col("disaggregation") == "")
    frame = frame.sort(pl.col("indicator") != "SOC_DIBAO_STANDARD", "indicator", "region")
    return [(i, r, v) for i, r, v in frame.select("indicator", "region", "value").head(n).iter_rows()]


def batch_file(values: list[tuple[str, str, float]], *, first: float | None = None) -> str:
    """Return a CSV giving each value again with a note (a new revision), the first one ``first``."""
    lines = ["indicator,region,period,value,note"]
    for n, (indicator, region, value) in enumerate(values):
        shown = first if n == 0 and first is not None else value
        lines.append(f"{indicator},{region},2017,{shown!r},复核")
    return "\n".join(lines) + "\n"


def newest_batch(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.max(ImportBatchRow.id))).scalar_one())


def ids_in(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'name="ids" value="(\d+)"', html)]


def statuses(db: Database, ids: list[int]) -> list[str]:
    with db.session() as session:
        found = [observations_repo.revision(session, obs_id=i) for i in ids]
    return [r.status.value if r is not None else "" for r in found]


def test_the_office_filters_a_batch_returns_two_with_a_reason_and_approves_the_rest(
    site: tuple[object, Database],
) -> None:
    app, db = site
    district, office = form_client(app, "district"), form_client(app, "office")
    values = town_values(db, 60)
    before = values[0][2]
    result = upload(district, batch_file(values, first=before + 10))
    assert result["written"] == 60 and result["rows_valid"] == 60  # a count, not "true"
    batch = newest_batch(db)
    page = office.get("/review", params={"district": XIANGZHOU, "batch": batch}).text
    assert "60 in all" in office.get("/review", params={"district": XIANGZHOU, "lang": "en"}).text
    office.cookies.delete("lang")
    assert "共 60 个" in page and len(ids_in(page)) == 50  # 50 a page, with the count
    assert 'href="/review?district=440402&amp;batch=' in page and "page=2" in page
    assert len(ids_in(office.get("/review", params={"batch": batch, "page": 2}).text)) == 10
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)  # local dates, not raw ISO
    assert re.search(r"<td class=\"text\">20\d\d-\d\d-\d\d \d\d:\d\d</td>", page)
    one = office.get("/review", params={"indicator": "SOC_DIBAO_STANDARD", "period": "2017"}).text
    assert "共 60 个" not in one and one.count('name="ids"') < 60  # the indicator filter
    first_row = one.split('data-id="')[1].split("</tr>")[0]
    assert "SOC_DIBAO_STANDARD" in first_row and ">10<" in first_row  # the change from the approved value
    assert f">{before:,.0f}<" in first_row or f">{before:.1f}<" in first_row
    assert "本单位未审定的数据" not in page and 'name="csrftoken"' in page
    other = office.get("/review", params={"district": "440403"}).text  # 斗门: none of 香洲's batch
    assert not set(ids_in(other)) & set(ids_in(page))
    chosen = ids_in(page)[:2]
    token = office.cookies["csrftoken"]
    form = {"csrftoken": token, "district": XIANGZHOU, "batch": str(batch)}
    refused = office.post("/review/decide", data={**form, "do": "reject:selected", "ids": chosen, "reason": " "})
    assert refused.status_code == 200 and "退回须说明原因" in refused.text  # required to return
    assert statuses(db, chosen) == ["submitted", "submitted"]
    done = office.post(
        "/review/decide",
        data={**form, "do": "reject:selected", "ids": chosen, "reason": "口径不符，请按新口径重报"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "done=rejected" in done.headers["location"] and "n=2" in done.headers["location"]
    assert f"batch={batch}" in done.headers["location"]
    assert statuses(db, chosen) == ["rejected", "rejected"]
    back = office.get(done.headers["location"]).text
    assert "已退回 2 个数值" in back and "共 58 个" in back
    approved = office.post("/review/decide", data={**form, "do": "approve:all", "reason": ""}, follow_redirects=False)
    assert "n=58" in approved.headers["location"]
    assert "共 0 个" in office.get("/review").text
    assert office.post("/review/decide", data={**form, "do": "approve:all"}).status_code == 200  # nothing left
    inbox = district.get("/data").text.split('id="table-pending"')[1].split("</section>")[0]
    assert inbox.count("口径不符，请按新口径重报") == 2 and "已退回修改" in inbox
    mine = district.get("/inbox").text.split('id="table-returned_values"')[1].split("</section>")[0]
    assert mine.count("口径不符，请按新口径重报") == 2 and mine.count("data-id=") <= 2  # in its inbox, returned only
    history = district.get("/data", params={"history": chosen[0]}).text.split('id="table-history"')[1]
    assert "口径不符，请按新口径重报" in history.split("</section>")[0]
    api = district.get(f"/api/v1/observations/{chosen[0]}/history").json()
    assert [r["reason"] for r in api if r["id"] == chosen[0]] == ["口径不符，请按新口径重报"]
    own = district.get("/review").text  # a district sees its own values, without the decision form
    assert "review-form" not in own and "口径不符，请按新口径重报" in own
    assert district.post("/review/decide", data={**form, "do": "approve:all"}).status_code == 403


def test_one_value_is_approved_by_its_own_button(site: tuple[object, Database]) -> None:
    app, db = site
    district, office = form_client(app, "district"), form_client(app, "office")
    upload(district, batch_file(town_values(db, 3)))
    ids = ids_in(office.get("/review").text)
    form = {"csrftoken": office.cookies["csrftoken"], "do": f"approve:{ids[1]}", "ids": ids, "reason": ""}
    assert "n=1" in office.post("/review/decide", data=form, follow_redirects=False).headers["location"]
    assert statuses(db, ids) == ["submitted", "approved", "submitted"]
    no_token = {k: v for k, v in form.items() if k != "csrftoken"}
    assert office.post("/review/decide", data=no_token).status_code == 403  # the CSRF check holds


def test_the_pending_download_imports_again(site: tuple[object, Database]) -> None:
    app, db = site
    district = form_client(app, "district")
    upload(district, batch_file(town_values(db, 3)))
    text = district.get("/data", params={"format": "csv", "table": "pending"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["indicator", "region", "period", "value", "note"] and len(rows) == 4
    assert "编号" not in rows[0] and "状态" not in rows[0]
    assert upload(district, text, dry_run=True)["errors"] == []
    again = upload(district, text)
    assert again["accepted"] and again["written"] == 0 and again["unchanged"] == 3


def test_upload_results_read_as_sentences_with_one_error_per_unknown_indicator(site: tuple[object, Database]) -> None:
    app, _db = site
    district = form_client(app, "district")
    text = "indicator,region,period,value\nNO_SUCH,440402,2017,5\nSOC_DIBAO_STANDARD,440402,2017,abc\n"
    zh = upload(district, text, dry_run=True)
    assert zh["errors_total"] == 2 and zh["rows_valid"] == 0
    messages = zh["messages"]
    assert isinstance(messages, dict)
    assert messages["zh"][0] == "第 2 行第 1 列：未知的指标代码 'NO_SUCH'"
    assert messages["en"][0] == "Row 2, column 1: unknown indicator code 'NO_SUCH'"
    assert messages["en"][1].startswith("Row 3, column 4: ") and "/" not in messages["en"][1]


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_browser_the_office_returns_two_and_approves_the_rest(site_templates: Templates, tmp_path: Path) -> None:
    """Chromium: the district uploads a batch; the office filters it, returns two with a reason and approves the
    rest; the district sees the reason."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from tests.conftest import free_port, uvicorn_thread
    from tests.web.test_e2e import ARGS, CHROMIUM, sign_in
    from tests.web.test_e2e import upload as upload_in

    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium")
    db, drop = fresh_database("sqlite", site_templates, tmp_path)
    app = create_app(db.url, secret_key="review-e2e")
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off", ws="none")
    reason = "口径不符，请重报"
    try:
        with uvicorn_thread(config) as port, sync_playwright() as p:
            limiter.reset()
            base = f"http://127.0.0.1:{port}"
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            sign_in(page, base, "xiangzhou", "/data")
            upload_in(page, "batch.csv", batch_file(town_values(db, 5)))
            assert "5" in (page.text_content("#upload-summary") or "")
            assert "true" not in (page.text_content("#upload-summary") or "")
            batch = newest_batch(db)
            office = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            sign_in(office, base, "office", "/review")
            office.select_option("#review-filters select[name=district]", XIANGZHOU)
            office.select_option("#review-filters select[name=batch]", str(batch))
            office.click("#review-filters button[type=submit]")
            office.wait_for_url(f"**/review?district={XIANGZHOU}*batch={batch}*")
            assert "共 5 个" in (office.text_content("#review-count") or "")
            boxes = office.locator("input[name=ids]")
            returned = [int(boxes.nth(n).get_attribute("value") or 0) for n in (0, 1)]
            boxes.nth(0).check()
            boxes.nth(1).check()
            office.fill("#review-reason", reason)
            office.click("button[value='reject:selected']")
            office.wait_for_selector("#done")
            assert "共 3 个" in (office.text_content("#review-count") or "")
            office.click("button[value='approve:all']")
            office.wait_for_selector("#done")
            assert "共 0 个" in (office.text_content("#review-count") or "")
            assert statuses(db, returned) == ["rejected", "rejected"]
            page.goto(f"{base}/data")
            assert (page.text_content("#table-pending") or "").count(reason) == 2
            browser.close()
    finally:
        app.state.db.dispose()
        drop()
