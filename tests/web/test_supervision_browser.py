"""In Chromium at 1440 px: the office filters the red tasks and issues a notice, the department answers it and files
progress with an evidence file, the office accepts it and the task's light turns green, all with the page's forms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.store.db import Database
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]
TASK = "2017-001"


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app on a fresh copy of the demo site, assessed on the demo's day, served by uvicorn in a thread."""
    with served_site(
        site_templates, tmp_path_factory.mktemp("supervision-e2e"), secret="supervision-e2e", ledger_day=DEMO_TODAY
    ) as site:
        yield site


def test_red_task_notice_answer_progress_and_acceptance(server: tuple[str, Database]) -> None:
    from playwright.sync_api import FilePayload, ViewportSize, sync_playwright

    base, _db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        size: ViewportSize = {"width": 1440, "height": 900}
        office = browser.new_context(viewport=size).new_page()
        sign_in(office, base, "office", "/ledger")
        office.select_option("#ledger-filters select[name=light]", "red")
        office.select_option("#ledger-filters select[name=unit]", "市教育局")
        office.click("#ledger-filters button[type=submit]")
        office.click(f'#table-ledger a[href="/ledger/{TASK}"]')
        assert office.get_attribute("#task-light", "data-light") == "red"
        office.select_option("#notice-form select[name=unit]", "市教育局")
        office.fill("#notice-form input[name=due]", "2017-09-15")
        office.fill("#notice-form textarea[name=request]", "请说明进度滞后的原因")
        office.click("#notice-form button[type=submit]")
        office.wait_for_selector("#done")
        office.goto(f"{base}/notices?state=overdue")
        assert office.locator("tr.overdue", has_text="请说明进度滞后的原因").count() == 1

        edu = browser.new_context(viewport=size).new_page()
        sign_in(edu, base, "edu", "/inbox")
        row = edu.locator("#table-waiting tr", has_text="请说明进度滞后的原因")
        row.locator("input[name=response]").fill("资金已到位，本月完工")
        row.locator("button[type=submit]").click()
        edu.wait_for_selector("#done")
        edu.goto(f"{base}/ledger/{TASK}")
        edu.fill("#report-form input[name=percent]", "100")
        edu.fill("#report-form textarea[name=note]", "已全部完成")
        edu.set_input_files(
            "#report-form input[name=evidence]",
            files=[FilePayload(name="验收记录.txt", mimeType="text/plain", buffer="验收合格".encode())],
        )
        edu.click("#report-form button[type=submit]")
        edu.wait_for_selector("#done")
        assert edu.locator("#evidence a", has_text="验收记录.txt").count() == 1

        office.goto(f"{base}/ledger/{TASK}")
        assert office.locator("#table-notices", has_text="资金已到位，本月完工").count() == 1
        office.locator("#table-reports form[action$='/accept'] button").first.click()
        office.wait_for_selector("#done")
        assert office.get_attribute("#task-light", "data-light") == "green"
        with office.expect_download() as download:
            office.locator("#evidence a", has_text="验收记录.txt").click()
        assert download.value.suggested_filename == "验收记录.txt"
        browser.close()
