"""In a real browser (Debian's Chromium driven by Playwright) against the app served by uvicorn: a district
reports a value (first with an error, shown located in the page), the office approves it, the value shows in
the indicator chart, the district map renders, and the pages switch to English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.web.app import STATIC
from tests.conftest import Templates, served_site

CHROMIUM = Path("/usr/bin/chromium")
ECHARTS = STATIC / "vendor" / "echarts.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium (make browser)"
    ),
    pytest.mark.skipif(
        not ECHARTS.exists(), reason="ECharts is not installed in jundeng/web/static/vendor (make assets)"
    ),
]


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh copy of the demo site, served by uvicorn in a thread on 127.0.0.1."""
    with served_site(site_templates, tmp_path_factory.mktemp("e2e"), secret="e2e-test") as (url, _db):
        yield url


def sign_in(page: Any, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/login?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}{then}")


def upload(page: Any, name: str, content: str) -> None:
    page.set_input_files("#upload-file", files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-form[data-done]")


def series_values(page: Any, element_id: str) -> list[Any]:
    """Return every data point of the ECharts instance on the element (numbers, or [name, value] pairs)."""
    return page.evaluate(  # type: ignore[no-any-return]
        """id => {
            const chart = echarts.getInstanceByDom(document.getElementById(id));
            return chart.getOption().series.flatMap(s => s.data.map(d => (d && d.value !== undefined) ? d.value : d));
        }""",
        element_id,
    )


def test_report_review_chart_map_and_language(server: str) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.set_default_timeout(15_000)

            # 斗门区 reports a value: a typo is shown located (file:row:column), nothing is written
            sign_in(page, server, "doumen", "/data")
            upload(page, "e2e.csv", "indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,七百\n")
            located = page.inner_text("#upload-errors li")
            assert located.startswith("第 2 行第 4 列："), located  # a sentence in the page's language
            assert page.get_attribute("#upload-form", "data-done") == "errors"
            upload(page, "e2e.csv", "indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,712.5\n")
            assert page.get_attribute("#upload-form", "data-done") == "ok"
            assert page.locator("#upload-errors li").count() == 0
            page.reload()
            assert "712.5" in page.inner_text("#table-pending")

            # the office approves it in the review queue (a plain form posting the CSRF token)
            page.goto(f"{server}/logout")
            sign_in(page, server, "office", "/review")
            row = page.locator("#table-review tr", has_text="712.5")
            with page.expect_navigation():
                row.locator("button", has_text="通过").click()
            assert page.locator("#table-review tr", has_text="712.5").count() == 0

            # the approved value is in the indicator's chart
            page.goto(f"{server}/indicators/SOC_DIBAO_STANDARD")
            page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('indicator-trend'))")
            assert 712.5 in series_values(page, "indicator-trend")

            # the district map is drawn on the real boundaries, with the districts' values
            page.goto(f"{server}/")
            page.wait_for_selector("#district-map[data-ready=true]")
            option = page.evaluate(
                "() => echarts.getInstanceByDom(document.getElementById('district-map')).getOption().series[0]"
            )
            assert option["type"] == "map" and option["map"] == "districts-440400"
            assert {d["name"] for d in option["data"]} == {"香洲区", "斗门区", "金湾区"}
            page.select_option("#map-indicator", "SOC_DIBAO_STANDARD")
            assert 712.5 in series_values(page, "district-map")
            assert page.locator("#synthetic-banner").is_visible()
            # a click on a district (at its label, where ECharts centres it) opens its region page
            x, y = page.evaluate(
                """() => {
                    const el = document.getElementById('district-map');
                    const chart = echarts.getInstanceByDom(el);
                    const geo = chart.getModel().getSeriesByIndex(0).coordinateSystem;
                    const at = chart.convertToPixel({seriesIndex: 0}, geo.getRegion('斗门区').getCenter());
                    const box = el.getBoundingClientRect();
                    return [box.left + at[0], box.top + at[1]];
                }"""
            )
            with page.expect_navigation():
                page.mouse.click(x, y)
            assert page.url == f"{server}/regions/440403"
            page.goto(f"{server}/")

            # English, remembered for the next page
            page.click("#lang-switch")
            page.wait_for_url(f"{server}/?lang=en")
            assert page.inner_text("h1") == "Overview"
            page.goto(f"{server}/ledger")
            assert page.inner_text("h1") == "Task ledger"
            assert "Sign out" in page.inner_text("header")
        finally:
            browser.close()
    assert errors == []
