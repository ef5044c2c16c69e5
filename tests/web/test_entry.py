"""Data entry in the browser (issue 13): the grid of the user's scope, stored through the file import's rules, and
the Excel template of the same scope."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import regions as regions_
from jundeng.store import observations_repo
from jundeng.store.db import Database
from jundeng.web.app import create_app
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import signed_in

XIANGZHOU = "440402"
JINWAN = "440404"


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("entry"))
    yield create_app(db.url, secret_key="entry-test", ledger_day=DEMO_TODAY), db
    drop()


def inputs(html: str) -> list[str]:
    """Return the names of the grid's cell inputs."""
    return re.findall(r'<input name="(v:[^"]+)"', html)


def form(client: TestClient, cells: dict[str, str], *, period: str = "2017", level: str = "town") -> dict[str, str]:
    """Return the posted fields of the grid: the CSRF token, the period and level, the cells."""
    return {"csrftoken": client.cookies["csrftoken"], "period": period, "level": level, **cells}


def plain_client(client: TestClient) -> TestClient:
    """Drop the CSRF header app.js would add, so that the form's hidden field is what passes the check."""
    client.headers.pop("x-csrftoken", None)
    return client


def submitted(db: Database, region_prefix: str) -> int:
    """Return how many current values of regions under ``region_prefix`` await review."""
    with db.session() as session:
        frame = observations_repo.observations(session, statuses=["submitted"])
    return int(frame.filter(frame["region"].str.starts_with(region_prefix)).height)


def town_codes(db: Database, district: str) -> set[str]:
    return {r.code for r in regions_.regions(db, level="town", under=district)}


def test_the_district_sees_only_its_towns(site: tuple[object, Database]) -> None:
    app, db = site
    html = signed_in(app, "district").get("/data/entry", params={"period": "2017", "level": "town"}).text
    regions = {name.split(":")[2] for name in inputs(html)}
    assert regions == town_codes(db, XIANGZHOU) and len(regions) > 1
    assert not regions & town_codes(db, JINWAN)
    assert 'name="csrftoken"' in html and "placeholder=" in html  # the current values shown


def test_the_data_page_links_to_the_grid_and_the_template(site: tuple[object, Database]) -> None:
    html = signed_in(site[0], "district").get("/data").text
    assert 'action="/data/entry"' in html and 'formaction="/data/template"' in html
    english = signed_in(site[0], "district").get("/data/entry", params={"period": "2017", "lang": "en"}).text
    assert "Submit for review" in english and "提交审核" not in english


def test_a_valid_grid_submits_its_values_for_review(site: tuple[object, Database]) -> None:
    app, db = site
    client = plain_client(signed_in(app, "district"))
    names = inputs(client.get("/data/entry", params={"period": "2017", "level": "town"}).text)
    town = sorted(town_codes(db, XIANGZHOU))[0]
    chosen = [n for n in names if n.endswith(f":{town}")][:3]
    indicators = {n.split(":")[1] for n in chosen}
    before = submitted(db, XIANGZHOU)
    ranges = {n: _valid(db, n.split(":")[1]) for n in chosen}
    response = client.post("/data/entry", data=form(client, ranges), follow_redirects=False)
    assert response.status_code == 303, re.findall(r"cell-error[^<]*<|<li>[^<]*<", response.text)
    assert response.headers["location"] == "/data"
    page = client.get("/data").text
    assert re.search(r'id="done"[^>]*>已提交 \d+ 个数值待审核', page)
    assert submitted(db, XIANGZHOU) > before
    with db.session() as session:
        frame = observations_repo.observations(session, statuses=["submitted"], periods=["2017"])
    mine = frame.filter((frame["region"] == town) & frame["indicator"].is_in(sorted(indicators)))
    assert mine.height == 3 and set(mine["created_by"]) == {"xiangzhou"}


def _valid(db: Database, indicator: str) -> str:
    """Return a value inside the indicator's valid range, different from the one stored."""
    from jundeng.services import catalog

    ind = next(i for i in catalog.indicators(db) if i.code == indicator)
    low, high = ind.valid_range
    low = 0.0 if low is None else low
    high = low + 1000 if high is None else high
    return str(round(low + (high - low) * 0.37, 3))


def test_an_invalid_cell_shows_its_error_there_and_stores_nothing(site: tuple[object, Database]) -> None:
    app, db = site
    client = plain_client(signed_in(app, "district"))
    names = inputs(client.get("/data/entry", params={"period": "2017", "level": "town"}).text)
    good, text = names[0], names[1]
    bounded = next(n for n in names[2:] if _bounded(db, n.split(":")[1]))
    before = submitted(db, XIANGZHOU)
    cells = {good: _valid(db, good.split(":")[1]), text: "abc", bounded: "1e12"}
    response = client.post("/data/entry", data=form(client, cells))
    assert response.status_code == 422
    html = response.text
    assert submitted(db, XIANGZHOU) == before  # nothing stored
    errors = dict(re.findall(r'class="cell-error" data-cell="([^"]+)">([^<]+)<', html))
    assert set(errors) == {text, bounded}, errors
    assert 'value="abc"' in html  # the inputs kept
    assert f'name="{good}" value="{cells[good]}"' in unescape(html)


def _bounded(db: Database, indicator: str) -> bool:
    from jundeng.services import catalog

    ind = next(i for i in catalog.indicators(db) if i.code == indicator)
    return ind.valid_range[1] is not None


def test_another_districts_region_is_refused(site: tuple[object, Database]) -> None:
    app, db = site
    client = plain_client(signed_in(app, "district"))
    names = inputs(client.get("/data/entry", params={"period": "2017", "level": "town"}).text)
    indicator = names[0].split(":")[1]
    other = sorted(town_codes(db, JINWAN))[0]
    before = submitted(db, JINWAN)
    cells = {f"v:{indicator}:{other}": _valid(db, indicator)}
    response = client.post("/data/entry", data=form(client, cells))
    assert response.status_code == 422
    assert "超出本单位范围" in response.text
    assert submitted(db, JINWAN) == before


def test_a_post_without_the_token_is_refused(site: tuple[object, Database]) -> None:
    client = plain_client(signed_in(site[0], "district"))
    fields = form(client, {})
    fields.pop("csrftoken")
    assert client.post("/data/entry", data=fields).status_code == 403


def test_the_template_is_limited_to_the_scope(site: tuple[object, Database]) -> None:
    app, db = site
    client = signed_in(app, "district")
    response = client.get("/data/template", params={"period": "2017", "level": "town"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    regions = set()
    for sheet in book.worksheets[1:]:
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        column = header.index("区划代码")
        regions |= {str(row[column]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[column]}
    assert regions == town_codes(db, XIANGZHOU)
    department = signed_in(app, "department").get("/data/template", params={"period": "2017", "level": "district"})
    book = load_workbook(io.BytesIO(department.content), read_only=True)
    info = book.worksheets[0]
    codes = {str(r[0]) for r in info.iter_rows(min_row=2, values_only=True) if r[0] and str(r[0]).isupper()}
    assert codes and all(c.startswith("EDU") for c in codes), codes


def test_a_department_enters_its_domains_indicators_only(site: tuple[object, Database]) -> None:
    html = signed_in(site[0], "department").get("/data/entry", params={"period": "2017", "level": "district"}).text
    indicators = {name.split(":")[1] for name in inputs(html)}
    assert indicators and all(code.startswith("EDU_") for code in indicators), indicators


def test_an_empty_grid_says_so_and_stores_nothing(site: tuple[object, Database]) -> None:
    client = plain_client(signed_in(site[0], "district"))
    response = client.post("/data/entry", data=form(client, {}))
    assert response.status_code == 422 and "没有填写任何数值" in response.text


def test_the_domain_choice_names_every_domain_of_the_scope(site: tuple[object, Database]) -> None:
    client = signed_in(site[0], "district")
    chosen = client.get("/data/entry", params={"period": "2017", "domain": "education"}).text
    options = dict(re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', chosen.split('name="domain"')[1]))
    assert options["education"] == "公共教育" and options["social_security"] != "social_security"
    assert len(options) > 2  # the other domains stay on offer while one is shown
    english = client.get("/data/entry", params={"period": "2017", "domain": "education", "lang": "en"}).text
    assert "Public education" in english.split('name="domain"')[1].split("</select>")[0]
