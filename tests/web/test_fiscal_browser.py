"""In Chromium: the office drags the pool slider of the Fiscal page, the amount box follows, and the page
recomputed for that pool shows the transfers and inequality the service computes for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jundeng.services import fiscal_db
from jundeng.store.db import Database
from jundeng.web.pages_base import number
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app on a fresh copy of the demo site, served by uvicorn in a thread."""
    with served_site(site_templates, tmp_path_factory.mktemp("fiscal-e2e"), secret="fiscal-e2e") as site:
        yield site


def test_the_pool_slider_drives_the_simulation(server: tuple[str, Database]) -> None:
    from playwright.sync_api import sync_playwright

    base, db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(page, base, "office", "/fiscal?year=2017")
        slider = page.locator("#fiscal-pool-range")
        top = float(slider.get_attribute("max") or 0)
        assert top > 0
        half = round(top / 4)  # half of the total gap (the slider runs to twice the gap)
        slider.evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(half)
        )
        box = float(page.input_value("#fiscal-pool"))
        assert abs(box - half) <= float(slider.get_attribute("step") or 1)  # the amount box follows the slider
        page.fill("#fiscal-cap", "15000000")
        page.click("#fiscal-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#fiscal-error").count() == 0
        answer = fiscal_db.transfers_from_db(db, year=2017, pool=box, cap=15_000_000.0)
        regions = page.locator('table[data-table="regions"]').inner_text()
        for transfer in answer.result.regions["transfer"]:
            assert number(transfer) in regions
        inequality = page.locator('table[data-table="inequality"]').inner_text()
        assert number(answer.result.summary["gini_after"]) in inequality
        page.screenshot(path=str(db.url.split("///")[-1]) + ".fiscal.png", full_page=True)
        browser.close()
