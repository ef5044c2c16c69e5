"""In Chromium: the office downloads each report from the Reports page, in each format (the annual report as
DOCX, the bulletin as PDF, a district's scorecard as HTML and XLSX), and a district downloads its own scorecard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]
MAGIC = {"docx": b"PK", "xlsx": b"PK", "pdf": b"%PDF", "html": b"<!DOCTYPE html>"}


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh copy of the demo site, assessed on the demo's day, served by uvicorn in a thread."""
    folder = tmp_path_factory.mktemp("reports-e2e")
    with served_site(site_templates, folder, secret="reports-e2e", ledger_day=DEMO_TODAY) as (url, _db):
        yield url


def test_each_report_downloads_from_the_reports_page(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    asked = [
        ({"kind": "annual", "fmt": "docx"}, "annual-2017-440400"),
        ({"kind": "bulletin", "fmt": "pdf"}, "bulletin-2017Q3-440400"),
        ({"kind": "scorecard", "fmt": "html", "region": "440403"}, "scorecard-2017-440403"),
        ({"kind": "scorecard", "fmt": "xlsx", "region": "440404"}, "scorecard-2017-440404"),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        office = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True).new_page()
        office.set_default_timeout(90_000)
        sign_in(office, server, "office", "/reports")
        office.fill("#reports-form input[name=year]", "2017")
        for choice, stem in asked:
            for name, value in choice.items():
                office.select_option(f"#reports-form select[name={name}]", value)
            with office.expect_download() as download:
                office.click("#reports-form button[type=submit]")
            assert office.locator("#reports-progress").is_visible()  # said while it renders
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == f"{stem}-zh.{choice['fmt']}"
            assert saved.read_bytes().startswith(MAGIC[choice["fmt"]])

        district = browser.new_context(accept_downloads=True).new_page()
        district.set_default_timeout(90_000)
        sign_in(district, server, "xiangzhou", "/reports")
        assert district.locator("#reports-form select[name=kind] option").all_inner_texts() == ["区县考评结果"]
        district.fill("#reports-form input[name=year]", "2017")
        district.select_option("#reports-form select[name=fmt]", "html")
        with district.expect_download() as download:
            district.click("#reports-form button[type=submit]")
        assert download.value.suggested_filename == "scorecard-2017-440402-zh.html"
        browser.close()
