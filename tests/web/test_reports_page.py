"""The Reports page: the office downloads each report in each format; a district only its own scorecard; a
refusal comes back on the form, in words; the form works without JavaScript (a plain GET form)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from docx import Document as WordDocument
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in


@pytest.fixture(scope="module")
def app(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The app on a module-wide copy of the demo site (SQLite), assessed on the demo's day."""
    db: Database
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("reports"))
    yield create_app(db.url, secret_key="reports-test", ledger_day=DEMO_TODAY)
    drop()


@pytest.fixture(scope="module")
def office(app: object) -> TestClient:
    return signed_in(app, "office")


def test_the_form_offers_each_report_and_format(office: TestClient) -> None:
    page = office.get("/reports").text
    for value in ("annual", "bulletin", "scorecard", "docx", "pdf", "html", "xlsx", "440403"):
        assert f'value="{value}"' in page
    assert 'action="/reports/download"' in page and 'method="get"' in page
    assert 'value="2017Q3"' in page  # the ledger day's quarter by default
    assert 'href="/reports"' in page  # in the navigation


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ({"kind": "annual", "year": "2017", "fmt": "docx"}, "docx"),
        ({"kind": "bulletin", "period": "2017Q3", "today": "2017-09-30", "fmt": "xlsx"}, "xlsx"),
        ({"kind": "scorecard", "region": "440403", "year": "2017", "fmt": "html"}, "html"),
        ({"kind": "scorecard", "region": "440402", "year": "2017", "fmt": "pdf"}, "pdf"),
    ],
)
def test_the_office_downloads_a_report(office: TestClient, query: dict[str, str], check: str) -> None:
    response = office.get("/reports/download", params=query)
    assert response.status_code == 200, response.text[:500]
    assert (
        "attachment" in response.headers["content-disposition"]
        and f".{check}" in response.headers["content-disposition"]
    )
    body = response.content
    if check == "docx":
        word = WordDocument(io.BytesIO(body))
        headings = [p.text for p in word.paragraphs if p.style is not None and str(p.style.name).startswith("Heading")]
        assert headings
    elif check == "xlsx":
        assert load_workbook(io.BytesIO(body)).sheetnames
    elif check == "pdf":
        assert "香洲区" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    else:
        assert "斗门区" in body.decode()


def test_a_refusal_comes_back_on_the_form(office: TestClient) -> None:
    page = office.get("/reports/download", params={"kind": "annual", "year": "2017", "fmt": "odt"})
    assert page.status_code == 200 and 'id="reports-error"' in page.text and "未知的格式" in page.text
    english = office.get("/reports/download", params={"kind": "annual", "fmt": "docx", "lang": "en"}).text
    assert "give the year" in english


def test_a_district_gets_its_own_scorecard_only(app: object) -> None:
    district = signed_in(app, "district")  # 香洲区 (440402)
    page = district.get("/reports").text
    assert 'value="annual"' not in page and 'value="scorecard"' in page and 'value="440403"' not in page
    own = district.get("/reports/download", params={"kind": "scorecard", "year": "2017", "fmt": "html"})
    assert own.status_code == 200 and "香洲区" in own.content.decode()
    other = district.get("/reports/download", params={"kind": "scorecard", "region": "440403", "year": "2017"})
    assert "无权生成该报告" in other.text and "attachment" not in other.headers.get("content-disposition", "")
    annual = district.get("/reports/download", params={"kind": "annual", "year": "2017"})
    assert "attachment" not in annual.headers.get("content-disposition", "")


def test_the_department_has_no_reports_page(app: object) -> None:
    assert signed_in(app, "department").get("/reports").status_code == 403
