"""The public open-data site: an anonymous visitor reads the published indicators with the numbers of the
service, downloads them, gets 404 for an unpublished code on every public route (as for an unknown one), the
API's caching headers, 304 and its rate limit, and the English pages."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jundeng.services import catalog, open_data, open_export
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.auth import policy_of, routes
from jundeng.web.limits import limiter
from jundeng.web.pages_base import number
from tests.conftest import Templates, fresh_database

ADDED = ["ACC_BUS_STOP_500M", "EDU_NEW_SCHOOLS"]  # published by the fixture, besides the demo's three
UNPUBLISHED = "HOU_NEW_STARTS"


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site with two more indicators published."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("open"))
    for code in ADDED:
        catalog.publish(db, code=code, by="office")
    app = create_app(db.url, secret_key="open-test")
    yield app, db
    app.state.db.dispose()
    drop()


@pytest.fixture()
def visitor(site: tuple[object, Database]) -> TestClient:
    limiter.reset()
    return TestClient(site[0])  # type: ignore[arg-type]  # nobody signed in


def _table(html: str, table_id: str) -> str:
    found = re.search(rf'<table class="open-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert found, table_id
    return found.group(1)


def _accessible(html: str) -> None:
    assert len(re.findall(r"<h1[ >]", html)) == 1
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert re.search(r'<html lang="(zh-CN|en)">', html) and 'class="skip" href="#main"' in html
    tables = html.count("<table")
    assert tables == html.count("<caption") and tables > 0
    assert "<th>" not in html  # every header cell says its scope


def test_the_home_lists_the_published_indicators(site: tuple[object, Database], visitor: TestClient) -> None:
    db = site[1]
    response = visitor.get("/open")
    assert response.status_code == 200
    html = response.text
    _accessible(html)
    published = catalog.published(db)
    assert set(ADDED) <= published and UNPUBLISHED not in published
    shown = set(re.findall(r'<tr data-code="([A-Z0-9_]+)">', html))
    assert shown == published
    hidden = {i.code for i in catalog.indicators(db)} - published
    assert [c for c in hidden if c in html] == []  # nothing unpublished, not even its code
    expected = open_data.site(db)
    rows = _table(html, "open-indicators")
    for domain in expected.domains:
        for s in domain.indicators:
            row = re.search(rf'<tr data-code="{s.code}">(.*?)</tr>', rows, re.S)
            assert row and number(s.latest_value) in row.group(1)
            assert next(p.zh for p in open_data.PROGRESS.values() if p.key == s.status) in row.group(1)
    assert "已达成" in _table(html, "open-progress")
    assert 'id="synthetic-banner"' in html and expected.data_date and expected.data_date in html


def test_an_indicator_page_shows_the_numbers_of_the_service(site: tuple[object, Database], visitor: TestClient) -> None:
    db = site[1]
    found = open_data.indicator(db, "SOC_DIBAO_STANDARD")
    html = visitor.get("/open/indicators/SOC_DIBAO_STANDARD").text
    _accessible(html)
    assert "<h1>低保标准</h1>" in html and found.unit in html
    assert found.definition and found.definition in html
    assert found.clause and found.clause in html
    assert '<span class="badge status-target_achieved">已达成</span>' in html
    series = _table(html, "open-series")
    assert all(number(r["value"]) in series for r in found.series)
    latest = _table(html, "open-latest")
    assert all(number(r["value"]) in latest and r["name"] in latest for r in found.latest)
    targets = _table(html, "open-targets")
    assert "≥ 690" in targets and "480" in targets and "2013" in targets
    chart = json.loads(re.search(r"data-chart='([^']*)'", html).group(1))  # type: ignore[union-attr]
    assert chart["series"][0]["name"] == "珠海市"
    assert chart["series"][0]["data"] == [r["value"] for r in found.series if r["region"] == "440400"]
    assert 'id="open-map"' in html and 'role="img"' in html and 'id="synthetic-caveat"' in html
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script (CSP)
    access = visitor.get("/open/indicators/ACC_BUS_STOP_500M").text
    assert "ACC_BUS_STOP_500M" in access and "open-targets" in access


def test_the_downloads(site: tuple[object, Database], visitor: TestClient) -> None:
    from openpyxl import load_workbook

    found = open_data.indicator(site[1], "SOC_DIBAO_STANDARD")
    response = visitor.get("/open/indicators/SOC_DIBAO_STANDARD.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("区划代码") and len(rows) == len(found.series) + 1
    assert [(r[0], int(r[2]), float(r[3])) for r in rows[1:]] == [
        (r["region"], r["year"], r["value"]) for r in found.series
    ]
    book = load_workbook(io.BytesIO(visitor.get("/open/indicators/SOC_DIBAO_STANDARD.xlsx").content))
    values = [row[3] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert values == [r["value"] for r in found.series]
    doc = visitor.get("/open/indicators/SOC_DIBAO_STANDARD.json").json()
    assert doc == json.loads(open_export.to_json(open_export.indicator_json(found)))
    assert doc["status"] == "target_achieved" and doc["status_label"]["en"] == "Target achieved"
    assert visitor.get("/open/indicators/SOC_DIBAO_STANDARD.pdf").status_code == 404


def _open_routes(app: object) -> list[str]:
    return sorted({r.path for r in routes(app) if r.path.startswith("/open") and "GET" in (r.methods or ())})


def test_an_unpublished_code_is_404_on_every_public_route(site: tuple[object, Database], visitor: TestClient) -> None:
    app = site[0]
    paths = _open_routes(app)
    assert len(paths) == 5
    assert all("public" in (policy_of(r) or ()) for r in routes(app) if r.path in paths)
    with_code = [p for p in paths if "{code}" in p]
    assert len(with_code) == 3
    urls = []
    for path in with_code:
        for fmt in ("csv", "xlsx", "json") if "{fmt}" in path else ("",):
            urls.append(path.replace("{fmt}", fmt))
    assert len(urls) == 5
    for url in urls:
        hidden = visitor.get(url.replace("{code}", UNPUBLISHED))
        unknown = visitor.get(url.replace("{code}", "NO_SUCH_CODE"))
        assert hidden.status_code == unknown.status_code == 404, url
        assert hidden.text == unknown.text.replace("NO_SUCH_CODE", UNPUBLISHED), url
        assert visitor.get(url.replace("{code}", "SOC_DIBAO_STANDARD")).status_code == 200, url
    assert visitor.get(f"/open/api/indicators/{UNPUBLISHED}").json()["error"]["status"] == 404
    index = visitor.get("/open/api/indicators").json()
    assert {i["code"] for i in index["indicators"]} == catalog.published(site[1])


def test_the_api_is_cached_with_an_etag(visitor: TestClient) -> None:
    for url in ("/open/api/indicators", "/open/api/indicators/SOC_DIBAO_STANDARD"):
        response = visitor.get(url)
        assert response.status_code == 200 and response.headers["cache-control"] == "public, max-age=300"
        etag = response.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        again = visitor.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert visitor.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    first = visitor.get("/open/api/indicators").headers["etag"]
    assert first != visitor.get("/open/api/indicators/SOC_DIBAO_STANDARD").headers["etag"]


def test_the_api_is_rate_limited_per_address(visitor: TestClient) -> None:
    statuses = [visitor.get("/open/api/indicators").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert visitor.get("/open/api/indicators").json()["error"]["status"] == 429
    limiter.reset()
    assert visitor.get("/open/api/indicators").status_code == 200


def test_the_english_pages(visitor: TestClient) -> None:
    home = visitor.get("/open", params={"lang": "en"}).text
    assert '<html lang="en">' in home and "Progress by domain" in home and "Target achieved" in home
    assert "Minimum living allowance (dibao) standard" in home
    page = visitor.get("/open/indicators/SOC_DIBAO_STANDARD").text  # the cookie keeps the language
    assert '<html lang="en">' in page and "Targets and baselines" in page and "Values by year" in page
    assert 'id="lang-switch" href="/open/indicators/SOC_DIBAO_STANDARD?lang=zh"' in page
    back = visitor.get("/open", params={"lang": "zh"}).text
    assert '<html lang="zh-CN">' in back and "各领域进展" in back


def test_public_files_carry_no_cookie_so_shared_caches_keep_them(site: tuple[object, Database]) -> None:
    from fastapi.testclient import TestClient

    fresh = TestClient(site[0])  # type: ignore[arg-type]  # a first visit: no cookie yet
    for url in ("/open/api/indicators", "/open/indicators/SOC_DIBAO_STANDARD.csv"):
        response = fresh.get(url)
        assert response.status_code == 200 and "set-cookie" not in response.headers, url
    assert "csrftoken" in fresh.get("/open/indicators/SOC_DIBAO_STANDARD").headers.get("set-cookie", "")  # a form
