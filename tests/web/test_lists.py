"""Long lists: 50 rows a page with the count and page links, ``?q=`` search and filters (indicators, users),
the audit log page for the office; and no page scrolls sideways on a phone or a desktop (Chromium)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import uvicorn

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, free_port, fresh_database, uvicorn_thread
from tests.web.test_admin import browser
from tests.web.test_e2e import ARGS, CHROMIUM, sign_in


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("lists"))
    app = create_app(db.url, secret_key="lists", ledger_day=DEMO_TODAY)
    yield app, db
    app.state.db.dispose()
    drop()


def rows(html: str, table: str) -> int:
    body = re.search(rf'data-table="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    return 0 if body is None else body.group(1).count("<tr>")


def test_the_indicators_come_50_a_page_with_search_and_a_domain_filter(site: tuple[object, Database]) -> None:
    app, _db = site
    client = browser(app, "office")
    first = client.get("/indicators").text
    total = int(re.search(r"共 (\d+) 条", first).group(1))  # type: ignore[union-attr]
    assert total > 50 and rows(first, "indicators") == 50
    assert 'href="/indicators?page=2"' in first
    second = client.get("/indicators", params={"page": 2}).text
    assert rows(second, "indicators") == total - 50
    assert rows(client.get("/indicators", params={"page": 99}).text, "indicators") == total - 50, "the last page"
    csv = client.get("/indicators", params={"format": "csv"}).text
    assert len(csv.strip().splitlines()) == total + 1, "a download holds every row, not one page"
    found = client.get("/indicators", params={"q": "dibao"}).text
    assert rows(found, "indicators") == 1 and "SOC_DIBAO_STANDARD" in found
    education = client.get("/indicators", params={"domain": "education"}).text
    codes = re.findall(r'href="/indicators/([A-Z_0-9]+)"', education)
    assert codes and all(c.startswith("EDU_") for c in codes)


def test_the_users_list_is_searched_and_filtered(site: tuple[object, Database]) -> None:
    app, _db = site
    client = browser(app, "admin")
    districts = client.get("/admin/users", params={"role": "district"}).text
    names = re.findall(r'href="/admin/users/([^"]+)"', districts)
    assert "xiangzhou" in names and "admin" not in names and "edu" not in names
    assert re.findall(r'href="/admin/users/([^"]+)"', client.get("/admin/users", params={"q": "XIANG"}).text) == [
        "xiangzhou"
    ]
    assert "共 0 条" in client.get("/admin/users", params={"state": "disabled"}).text


def test_the_audit_log_for_the_office(site: tuple[object, Database]) -> None:
    app, _db = site
    office = browser(app, "office")
    page = office.get("/audit")
    assert page.status_code == 200 and 'data-table="audit"' in page.text
    assert rows(page.text, "audit") == min(50, int(re.search(r"共 (\d+) 条", page.text).group(1)))  # type: ignore[union-attr]
    users_only = office.get("/audit", params={"entity": "users"}).text
    body = users_only[users_only.index("<tbody>") :]
    entities = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3] for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    assert entities and set(entities) == {"users"}
    assert "password" not in users_only.lower() and "argon2" not in users_only
    assert "YYYY-MM-DD" in office.get("/audit", params={"from": "2024-13-01"}).text
    assert rows(office.get("/audit", params={"to": "2000-01-01"}).text, "audit") == 0
    assert browser(app, "edu").get("/audit").status_code == 403


PAGES = ["/", "/indicators", "/ledger", "/admin/users"]
# labels, headers and cells of three characters or more squeezed narrower than two characters (one a line)
SQUEEZED = """Array.from(document.querySelectorAll('th, td, label, h1, h2, nav a'))
  .filter(e => e.innerText.trim().length > 2 && e.getBoundingClientRect().width > 0
    && e.getBoundingClientRect().width < 22).map(e => e.innerText.trim())"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium")
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(site: tuple[object, Database]) -> None:
    from playwright.sync_api import sync_playwright

    app, _db = site
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off", ws="none")  # type: ignore[arg-type]
    with uvicorn_thread(config) as port, sync_playwright() as p:
        limiter.reset()
        base = f"http://127.0.0.1:{port}"
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            wide: dict[str, tuple[int, int]] = {}
            for width, height in ((390, 844), (360, 740), (1440, 900)):
                page = chromium.new_page(viewport={"width": width, "height": height})
                sign_in(page, base, "admin", "/admin/users")
                for path in PAGES:
                    page.goto(f"{base}{path}")
                    page.wait_for_load_state("load")
                    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if scroll > inner:
                        wide[f"{path} at {width}px"] = (scroll, inner)
                    squeezed = page.evaluate(SQUEEZED)
                    if squeezed:
                        wide[f"{path} at {width}px: {squeezed[0]}"] = (0, 0)
                page.close()
            assert wide == {}
        finally:
            chromium.close()
