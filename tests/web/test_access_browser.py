"""In Chromium: the office opens the Access page, the map draws (boundaries, facilities and the uncovered people)
without a script error, and choosing clinics within 1 km recomputes the tables the service computes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jundeng.services import access_db
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
    with served_site(site_templates, tmp_path_factory.mktemp("access-e2e"), secret="access-e2e") as site:
        yield site


def test_the_map_draws_and_the_form_recomputes(server: tuple[str, Database]) -> None:
    from playwright.sync_api import sync_playwright

    base, db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, base, "office", "/access")
        page.wait_for_selector("#access-map canvas")
        page.select_option("#access-form select[name=category]", "clinic")
        page.fill("#access-form input[name=within]", "1000")
        page.click("#access-form button[type=submit]")
        page.wait_for_selector("#access-map canvas")
        assert page.locator("#access-error").count() == 0 and errors == []
        answer = access_db.coverage(db, within=1000, category="clinic", by="district", year=2017)
        shown = page.locator('table[data-table="districts"]').inner_text()
        for covered in answer.regions["covered"]:
            assert number(covered) in shown
        page.screenshot(path=str(db.url.split("///")[-1]) + ".access.png", full_page=True)
        browser.close()
