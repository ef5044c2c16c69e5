"""In Chromium: the office uploads a ten-line plan with five targets, reviews it on the desk (edits one candidate,
accepts three, rejects one) and finds the accepted target with its baseline on the indicator page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jundeng.store.db import Database
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]
PLAN = (
    "珠海市基本公共服务均等化规划（2016—2020年）\n"
    "一、公共教育\n"
    "到2020年，残疾儿童少年入学率由2015年的85%提高到2020年的95%。\n"
    "到2020年，新建中小学数达到12所。\n"
    "二、公共卫生\n"
    "到2020年，婴儿死亡率控制在5‰以下。\n"
    "到2020年，全科医生数达到1200人。\n"
    "三、公共交通\n"
    "到2020年，行政村班车通达率达到100%。\n"
    "本规划自印发之日起施行。\n"
)


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app on a fresh copy of the demo site, served by uvicorn in a thread."""
    with served_site(site_templates, tmp_path_factory.mktemp("extract-e2e"), secret="extract-e2e") as site:
        yield site


def test_upload_review_and_see_the_target_with_its_baseline(server: tuple[str, Database]) -> None:
    from playwright.sync_api import FilePayload, sync_playwright

    base, _db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(page, base, "office", "/extract")
        page.set_input_files(
            "#extract-upload input[name=file]",
            files=[FilePayload(name="规划.txt", mimeType="text/plain", buffer=PLAN.encode("utf-8"))],
        )
        page.click("#extract-upload button[type=submit]")
        page.wait_for_selector("#done")
        assert page.locator("#extract-text mark", has_text="由2015年的85%提高到2020年的95%").count() == 1
        cards = page.locator("#extract-candidates article[data-status=staged]")
        assert cards.count() >= 5

        goal = page.locator("article[data-status=staged]", has_text="残疾儿童少年入学率由2015年")
        goal.locator("select[name=code]").select_option("EDU_DISABLED_CHILD_ENROLMENT")
        goal.locator("input[name=baseline_year]").fill("2015")
        goal.locator("input[name=baseline_value]").fill("85")
        goal.locator("button[value=accept]").click()
        page.wait_for_selector("#done")
        assert "已接受候选" in page.inner_text("#done")

        for text, code in (("新建中小学数", "EDU_NEW_SCHOOLS"), ("行政村班车通达率", "TRN_VILLAGE_BUS_ACCESS_RATE")):
            card = page.locator("article[data-status=staged]", has_text=text)
            card.locator("select[name=code]").select_option(code)
            card.locator("button[value=save]").click()
            page.wait_for_selector("#done")
        for text in ("新建中小学数", "行政村班车通达率"):
            page.locator("article[data-status=staged]", has_text=text).locator("input[name=ids]").check()
        page.click("#extract-batch button[value=accept]")
        page.wait_for_selector("#done")
        assert "已接受 2 条候选" in page.inner_text("#done")

        page.locator("article[data-status=staged]", has_text="婴儿死亡率").locator("input[name=ids]").check()
        page.click("#extract-batch button[value=reject]")
        page.wait_for_selector("#done")
        assert "已拒绝 1 条候选" in page.inner_text("#done")
        assert page.locator("article[data-status=accepted]").count() == 3
        assert page.locator("article[data-status=rejected]").count() == 1

        page.goto(f"{base}/indicators/EDU_DISABLED_CHILD_ENROLMENT")
        row = page.locator("tr", has_text="2020").filter(has_text="2015")
        assert row.count() >= 1 and "85" in row.first.inner_text() and "95" in row.first.inner_text()
        browser.close()
