"""Each role's real job in Chromium. At 1440 px: a district fills the entry grid (checked as it types) and uploads a
file, the office returns one value with a reason and approves the rest as a batch, the overview's figure changes
only after approval, the district sees the reason and corrects the value, the office approves it, saves named
appraisal runs and compares them. At 390 px: every role's key pages fit the width (no sideways page scroll, no
script error), a district saves a cell and the office approves it, the office issues a notice that the department
answers before filing progress with evidence; signing in works with JavaScript off."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services.demo_accounts import DEMO_PASSWORD
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in, upload

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]
WIDE: ViewportSize = {"width": 1440, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
DOUMEN, XIANGZHOU = "440403", "440402"
GRID = "/data/entry?period=2017&level=district&domain=social_security"
SHOWN = "SOC_DIBAO_STANDARD"  # on the overview's district map
RETURNED = "SOC_RESIDENT_BASIC_PENSION"
TASK = "2017-001"
KEY_PAGES = {
    "office": ["/", "/data", "/review", "/ledger", f"/ledger/{TASK}", "/inbox", "/notices", "/appraisal", "/gaps"],
    "xiangzhou": ["/", "/data", "/data/entry?period=2017&level=town", "/review", "/ledger", "/inbox", "/gaps"],
    "edu": ["/", "/data", "/ledger", f"/ledger/{TASK}", "/inbox"],
    "viewer": ["/", "/gaps", "/ledger"],
}


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh copy of the demo site, assessed on the demo's day, served by uvicorn in a thread."""
    with served_site(
        site_templates, tmp_path_factory.mktemp("roles-e2e"), secret="roles-e2e", ledger_day=DEMO_TODAY
    ) as (url, _db):
        yield url


def cell(indicator: str, region: str = DOUMEN) -> str:
    """Return the selector of one input of the entry grid."""
    return f'#entry-form input[name="v:{indicator}:{region}"]'


def map_value(page: Any, base: str, indicator: str, district: str) -> float | None:
    """Return a district's value of an indicator on the overview's map (what the page hands the chart)."""
    page.goto(f"{base}/")
    geo = json.loads(html.unescape(page.get_attribute("#district-map", "data-map")))
    for ind in geo["indicators"]:
        if ind["code"] == indicator:
            return next((float(v["value"]) for v in ind["values"] if v["name"] == district), None)
    return None


def open_page(browser: Any, base: str, user: str, then: str, size: Any, errors: list[str]) -> Any:
    """Return a page of a new context signed in as ``user`` on ``then``, collecting its script errors."""
    page = browser.new_context(viewport=size).new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: errors.append(f"{user} {page.url}: {exc}"))
    sign_in(page, base, user, then.split("?")[0])
    if "?" in then:
        page.goto(f"{base}{then}")
    return page


def test_collect_review_correct_and_appraise(server: str) -> None:
    from playwright.sync_api import sync_playwright

    base, errors = server, list[str]()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            office = open_page(browser, base, "office", "/ledger", WIDE, errors)
            before = map_value(office, base, SHOWN, "斗门区")
            assert before is not None and before != 700

            # the district fills the grid: each cell is checked as it is typed, then two values are saved
            district = open_page(browser, base, "doumen", GRID, WIDE, errors)
            domain = district.locator("#entry-filters select[name=domain] option:checked").inner_text()
            assert domain and domain != "social_security"  # the domain's name, not its code
            rate = cell("SOC_CARD_HOLDING_RATE")
            district.fill(rate, "九十")
            assert district.get_attribute(rate, "aria-invalid") == "true"
            assert district.inner_text(f'[id="check-v:SOC_CARD_HOLDING_RATE:{DOUMEN}"]') == "不是数值"
            district.fill(rate, "150")
            assert district.inner_text(f'[id="check-v:SOC_CARD_HOLDING_RATE:{DOUMEN}"]') == "超出有效范围 0–100"
            district.fill(rate, "")
            assert district.get_attribute(rate, "aria-invalid") is None
            district.fill(cell(SHOWN), "700")
            district.fill(cell(RETURNED), "450")
            assert district.locator("#entry-form [aria-invalid]").count() == 0
            district.click("#entry-form button[type=submit]")
            district.wait_for_url(f"{base}/data")
            assert "已提交 2 个数值待审核" in district.inner_text("#done")
            csv = "indicator,region,period,value\nSOC_ORPHAN_SCATTERED_STANDARD,440403,2017,900\n"
            upload(district, "补报.csv", csv + "SOC_CARD_HOLDING_RATE,440403,2017,92.5\n")
            assert district.get_attribute("#upload-form", "data-done") == "ok"
            district.reload()
            assert district.locator("#table-pending tbody tr", has_text="待审核").count() == 4

            # pending values leave the overview alone
            assert map_value(office, base, SHOWN, "斗门区") == before

            # the office returns one value with a reason and approves the rest of the district's as a batch
            office.goto(f"{base}/review")
            office.select_option("#review-filters select[name=district]", DOUMEN)
            office.click("#review-filters button[type=submit]")
            assert office.inner_text("#review-count") == "共 4 个"
            office.fill("#review-reason", "基础养老金应为 440 元，请核实")
            office.locator("#table-review tbody tr", has_text=RETURNED).locator("button[value^='reject:']").click()
            office.wait_for_selector("#done")
            assert office.inner_text("#review-count") == "共 3 个"
            office.click("#review-form button[value='approve:all']")
            office.wait_for_selector("#done")
            assert "已通过 3 个数值" in office.inner_text("#done")
            assert office.locator("#table-review tbody tr").count() == 0
            assert map_value(office, base, SHOWN, "斗门区") == 700

            # the district sees the returned value with the reviewer's reason, and corrects it in the grid
            district.goto(f"{base}/data")
            returned = district.locator("#table-pending tbody tr", has_text=RETURNED)
            assert "已退回修改" in returned.inner_text() and "基础养老金应为 440 元，请核实" in returned.inner_text()
            district.goto(f"{base}{GRID}")
            district.fill(cell(RETURNED), "440")
            district.click("#entry-form button[type=submit]")
            district.wait_for_url(f"{base}/data")
            office.goto(f"{base}/review?district={DOUMEN}")
            office.locator("#table-review tbody tr", has_text="440").locator("button[value^='approve:']").click()
            office.wait_for_selector("#done")
            assert map_value(office, base, RETURNED, "斗门区") == 440
            district.goto(f"{base}/data")
            assert district.locator("#table-pending tbody tr").count() == 0

            # the office saves a named appraisal run and compares it side by side with the year before
            office.goto(f"{base}/appraisal")
            years = office.locator("#year-picker select[name=year] option").all_inner_texts()
            assert len(years) >= 2 and office.input_value("#save-run input[name=year]") == years[0]
            office.fill("#save-run input[name=label]", "审核后的年度考评")
            office.click("#save-run button[type=submit]")
            office.wait_for_selector("#done")
            assert office.locator("#table-runs tbody tr", has_text="审核后的年度考评").count() == 1
            office.click("#year-picker a[href='/appraisal/compare']")
            saved = office.locator("#compare-runs select[name=a] option", has_text="审核后的年度考评")
            run = saved.get_attribute("value")
            office.goto(f"{base}/appraisal/compare?a={run}&year_b={years[1]}")
            sides = office.locator("#compare-methods tbody tr").first.inner_text()
            assert "审核后的年度考评" in sides and years[1] in sides
            assert office.locator("#table-comparison tbody tr", has_text="斗门区").count() == 1
        finally:
            browser.close()
    assert errors == []


def fits(page: Any) -> bool:
    """Whether the page is no wider than the window (it may scroll down, never sideways)."""
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_key_pages_fit_a_phone_and_work_there(server: str) -> None:
    from playwright.sync_api import sync_playwright

    base, errors = server, list[str]()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            pages = {user: open_page(browser, base, user, "/ledger", PHONE, errors) for user in KEY_PAGES}
            wide = []
            for user, paths in KEY_PAGES.items():
                for path in paths:
                    response = pages[user].goto(f"{base}{path}")
                    assert response is not None and response.status == 200, (user, path)
                    if not fits(pages[user]):
                        wide.append(f"{user} {path}")
            assert wide == []

            # on the phone: a district saves one cell, the office approves it
            district, office = pages["xiangzhou"], pages["office"]
            district.goto(f"{base}/data/entry?period=2017&level=district&domain=social_security&lang=en")
            district.fill(cell(SHOWN, XIANGZHOU), "abc")
            assert district.get_attribute(cell(SHOWN, XIANGZHOU), "aria-invalid") == "true"
            assert district.inner_text(f'[id="check-v:{SHOWN}:{XIANGZHOU}"]') == "Not a number"
            district.fill(cell(SHOWN, XIANGZHOU), "733")
            district.click("#entry-form button[type=submit]")
            district.wait_for_url(f"{base}/data")
            assert fits(district)
            office.goto(f"{base}/review?district={XIANGZHOU}")
            assert fits(office)
            office.locator("#table-review tbody tr", has_text="733").locator("button[value^='approve:']").click()
            office.wait_for_selector("#done")
            assert "已通过 1 个数值" in office.inner_text("#done")

            # on the phone: the office issues a notice on a task, the department answers it and files progress
            office.goto(f"{base}/ledger/{TASK}")
            office.select_option("#notice-form select[name=unit]", "市教育局")
            office.fill("#notice-form input[name=due]", "2017-09-15")
            office.fill("#notice-form textarea[name=request]", "请在手机上回复")
            office.click("#notice-form button[type=submit]")
            office.wait_for_selector("#done")
            edu = pages["edu"]
            edu.goto(f"{base}/inbox")
            row = edu.locator("#table-waiting tr", has_text="请在手机上回复")
            row.locator("input[name=response]").fill("已在推进")
            row.locator("button[type=submit]").click()
            edu.wait_for_selector("#done")
            assert fits(edu)
            edu.goto(f"{base}/ledger/{TASK}")
            edu.fill("#report-form input[name=percent]", "60")
            edu.set_input_files(
                "#report-form input[name=evidence]",
                files=[{"name": "照片.txt", "mimeType": "text/plain", "buffer": "现场".encode()}],
            )
            edu.click("#report-form button[type=submit]")
            edu.wait_for_selector("#done")
            assert edu.locator("#evidence a", has_text="照片.txt").count() == 1 and fits(edu)

            # with JavaScript off, the same sign-in lands on the page asked for; the password is never in a URL
            plain = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
            seen: list[str] = []
            plain.on("request", lambda request: seen.append(request.url))
            plain.goto(f"{base}/login?next=/data")
            plain.fill("input[name=username]", "doumen")
            plain.fill("input[name=password]", DEMO_PASSWORD)
            plain.click("#login-form button[type=submit]")
            plain.wait_for_url(f"{base}/data")
            assert plain.locator("#upload-form").count() == 1 and fits(plain)
            assert seen and not [u for u in seen if DEMO_PASSWORD in u or "password" in u]
        finally:
            browser.close()
    assert errors == []
