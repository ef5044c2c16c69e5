"""In Chromium, as an anonymous visitor: the open-data site passes axe-core with no serious or critical
violation, its chart and map draw; the site exported by ``jundeng publish`` opens from disk with every network
request blocked, in both languages, and loads each of its local files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jundeng.cli import app as cli
from jundeng.services import catalog, open_data
from jundeng.store.db import Database
from jundeng.web.pages_base import number
from tests.conftest import Templates, served_site
from tests.web.test_e2e import ARGS, CHROMIUM, ECHARTS

AXE = Path(__file__).resolve().parents[2] / "build" / "axe" / "axe.min.js"
CODE = "SOC_DIBAO_STANDARD"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
    pytest.mark.skipif(not ECHARTS.exists(), reason="ECharts is not installed (make assets)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed in build/axe (make axe)"),
]


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app on a fresh copy of the demo site (one more indicator published), served by uvicorn in a thread."""
    with served_site(site_templates, tmp_path_factory.mktemp("open-e2e"), secret="open-e2e") as site:
        catalog.publish(site[1], code="ACC_BUS_STOP_500M", by="office")
        yield site


def _serious(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page; return the violations of impact serious or critical."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_open_site_is_accessible_to_an_anonymous_visitor(server: tuple[str, Database]) -> None:
    from playwright.sync_api import sync_playwright

    base, db = server
    found = open_data.indicator(db, CODE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # axe is injected as an inline script, which the site's CSP refuses: the test's context bypasses it
        page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
        for lang in ("zh", "en"):
            page.goto(f"{base}/open?lang={lang}")
            assert page.locator("h1").count() == 1
            assert page.locator("#open-indicators tbody tr").count() == len(catalog.published(db))
            assert _serious(page) == [], lang
            page.goto(f"{base}/open/indicators/{CODE}")
            page.wait_for_selector("#open-chart[data-ready=true]")
            page.wait_for_selector("#open-map[data-ready=true]")
            assert number(found.latest[0]["value"]) in page.locator("#open-latest").inner_text()
            assert _serious(page) == [], (lang, CODE)
        page.goto(f"{base}/open/indicators/ACC_BUS_STOP_500M")
        assert _serious(page) == []
        bad = '<p style="color:#eee">some text here</p>'  # too pale on white
        page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", bad)
        assert "color-contrast" in {v["id"] for v in _serious(page)}  # the check can fail
        browser.close()


def test_the_exported_site_opens_from_disk_offline(server: tuple[str, Database], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    _, db = server
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["--db", db.url, "publish", "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = open_data.indicator(db, CODE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        blocked: list[str] = []
        failed: list[str] = []

        def only_files(route: Any) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", only_files)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto((out / "index.html").as_uri())
        assert "公开数据" in page.locator("h1").inner_text()
        assert page.locator("#open-indicators").count() == 1
        page.click(f'#open-indicators a[href="indicators/{CODE}.html"]')
        page.wait_for_selector("#open-chart[data-ready=true]")
        page.wait_for_selector("#open-map[data-ready=true]")  # the boundaries came from the exported script
        assert page.locator("h1").inner_text() == "低保标准"
        assert number(found.series[0]["value"]) in page.locator("#open-series").inner_text()
        page.click("#lang-switch")
        page.wait_for_selector("#open-chart[data-ready=true]")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Values by year" in page.locator("#open-series").inner_text()
        page.click("header a.brand")
        assert page.locator("#open-progress").count() == 1 and "Progress by domain" in page.content()
        browser.close()
    assert [u for u in failed if u.startswith("file://")] == []
    assert blocked == []  # nothing asked for the network
