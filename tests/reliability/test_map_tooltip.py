"""The district map's tooltip shows catalogue text as text: an indicator unit written as HTML creates no element.

ECharts puts a tooltip formatter's string into the page as HTML; the Content-Security-Policy stops inline
handlers from running, but the page must not depend on it. In Chromium (see ``tests/web/test_e2e.py``).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2

from jundeng.services.demo_accounts import DEMO_PASSWORD
from tests.web.test_e2e import ARGS, CHROMIUM, pytestmark, server  # noqa: F401  (fixture, browser markers)

EVIL = '<img src=x id=injected onerror="document.body.dataset.pwned=1">'
CODE = "SOC_DIBAO_STANDARD"


def set_unit(base: str, unit: str) -> None:
    """Give the indicator ``unit`` through the API, as the office loading a catalogue file would."""
    with httpx2.Client(base_url=base) as client:
        client.get("/api/v1/me")
        response = client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        found = client.get(f"/api/v1/indicators/{CODE}").json()
        entry = {"code": CODE, "name": found["name"], "domain": found["domain"], "unit": unit}
        content = "indicators:\n  - " + json.dumps(entry, ensure_ascii=False) + "\n"
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        files = {"file": ("unit.yaml", content.encode(), "text/yaml")}
        result = client.post("/api/v1/catalog", files=files, headers=headers).json()
        assert result["accepted"], result


def test_the_map_tooltip_escapes_the_unit(server: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    set_unit(server, EVIL)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{server}/?lang=en")
            page.wait_for_selector("#district-map[data-ready=true]")
            page.select_option("#map-indicator", CODE)
            tooltip: Any = page.evaluate(
                """() => new Promise(resolve => {
                    const el = document.getElementById('district-map');
                    echarts.getInstanceByDom(el).dispatchAction({type: 'showTip', seriesIndex: 0, name: '香洲区'});
                    setTimeout(() => resolve(el.innerText), 500);
                })"""
            )
            assert "香洲区" in tooltip and EVIL in tooltip, tooltip  # shown, as the text it is
            assert page.locator("#injected").count() == 0, "the unit became an <img> element"
            assert page.locator("#district-map img").count() == 0
        finally:
            browser.close()
