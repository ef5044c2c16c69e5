"""In a real browser with JavaScript switched off (after signing in with it on): the administrator retires a target,
restores it, edits it and uploads a method, all with plain HTML forms carrying the CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jundeng.services import catalog, methods
from jundeng.store.db import Database
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app on a fresh copy of the demo site, served by uvicorn in a thread on 127.0.0.1."""
    with served_site(site_templates, tmp_path_factory.mktemp("admin-e2e"), secret="admin-e2e") as site:
        yield site


def test_the_admin_forms_work_without_javascript(server: tuple[str, Database], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base, db = server
    first = catalog.targets(db)[0]
    key = f"{first.indicator}:{first.region}:{first.year}"
    method = tmp_path / "browser.yaml"
    method.write_text("name: 浏览器方法\nindicators:\n  - {code: SOC_DIBAO_STANDARD}\n", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        signed = browser.new_context()
        page = signed.new_page()
        sign_in(page, base, "admin", "/admin/catalog")
        plain = browser.new_context(java_script_enabled=False, storage_state=signed.storage_state())
        page = plain.new_page()
        page.goto(f"{base}/admin/catalog")
        row = page.locator("#table-targets tr", has=page.locator(f'input[name=key][value="{key}"]')).first
        row.locator("input[name=reason]").fill("浏览器中停用")
        row.locator("form[action='/admin/catalog/retire'] button").click()
        page.wait_for_selector("#done")
        assert key not in {f"{t.indicator}:{t.region}:{t.year}" for t in catalog.targets(db)}
        page.locator("#table-retired form[action='/admin/catalog/restore'] button").first.click()
        page.wait_for_selector("#done")
        assert key in {f"{t.indicator}:{t.region}:{t.year}" for t in catalog.targets(db)}
        page.goto(f"{base}/admin/catalog/target?key={key}")
        page.fill("#target-form input[name=value]", "4321")
        page.click("#target-form button[type=submit]")
        page.wait_for_selector("#done")
        assert catalog.target(db, key=key).value == 4321
        page.goto(f"{base}/admin/methods")
        page.set_input_files("#method-form input[name=file]", str(method))
        page.check("#method-form input[name=choose]")
        page.click("#method-form button[type=submit]")
        page.wait_for_selector("#done")
        found = methods.chosen(db)
        assert found is not None and found.name == "浏览器方法"
        browser.close()
