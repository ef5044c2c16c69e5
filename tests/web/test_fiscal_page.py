"""The Fiscal page: the office sees need against capacity, the transfers, inequality before and after, the pool
simulation and the growth check with the numbers of the service; other roles are refused; bad input comes back
on the page in words; the form is a plain GET form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import fiscal_db
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.pages_base import number
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import BANNER, signed_in


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("fiscal"))
    yield create_app(db.url, secret_key="fiscal-test", ledger_day=DEMO_TODAY), db
    drop()


@pytest.fixture(scope="module")
def office(site: tuple[object, Database]) -> TestClient:
    return signed_in(site[0], "office")


def _table(html: str, name: str) -> str:
    found = re.search(rf'<table data-table="{name}">(.*?)</table>', html, re.S)
    assert found, name
    return found.group(1)


def test_the_office_sees_the_numbers_of_the_service(site: tuple[object, Database], office: TestClient) -> None:
    db = site[1]
    response = office.get("/fiscal", params={"year": "2016", "pool": "50000000"})
    assert response.status_code == 200 and 'id="fiscal-error"' not in response.text
    html = response.text
    answer = fiscal_db.transfers_from_db(db, year=2016, pool=50_000_000.0)
    regions = _table(html, "regions")
    for row in answer.result.regions.to_dict(orient="records"):
        for key in ("need", "capacity", "gap", "transfer", "per_capita_before", "per_capita_after"):
            assert number(row[key]) in regions, (row["region"], key)
    summary = answer.result.summary
    assert number(summary["coefficient"]) in _table(html, "summary")
    inequality = _table(html, "inequality")
    for key in ("gini_before", "gini_after", "theil_before", "theil_after", "cv_before", "cv_after"):
        assert number(summary[key]) in inequality
    simulation = _table(html, "simulation")
    total_gap = summary["total_gap"]
    for share in ("25.0%", "50.0%", "100.0%", "125.0%"):
        assert share in simulation
    assert number(round(total_gap * 0.75, 2)) in simulation
    growth = fiscal_db.growth_from_db(db)
    shown = _table(html, "growth")
    for region in growth.regions["region"]:
        assert str(region) in shown
    assert BANNER in html  # the demo's fiscal facts are synthetic


def test_the_default_pool_is_the_total_gap(site: tuple[object, Database], office: TestClient) -> None:
    html = office.get("/fiscal").text
    latest = fiscal_db.stored(site[1]).years[-1]
    gap = float(fiscal_db.needs_from_db(site[1], year=latest)["gap"].sum())
    assert f'value="{gap:.0f}"' in html and f'<option value="{latest}" selected>' in html


def test_the_form_works_without_javascript(office: TestClient) -> None:
    html = office.get("/fiscal").text
    form = re.search(r'<form class="form" method="get" action="/fiscal" id="fiscal-form">(.*?)</form>', html, re.S)
    assert form
    assert 'type="range"' in form.group(1) and 'type="number" name="pool"' in form.group(1)
    assert 'name="year"' in form.group(1) and 'name="level"' in form.group(1) and 'name="pools"' in form.group(1)
    assert 'href="/fiscal"' in html  # in the navigation


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ({"pool": "-5"}, "须为非负金额", "must be a non-negative amount"),
        ({"pool": "abc"}, "须为非负金额", "must be a non-negative amount"),
        ({"year": "2030"}, "2030 年没有财政数据", "no fiscal data for 2030"),
        ({"pools": "1,-2"}, "须为非负金额", "must be a non-negative amount"),
    ],
)
def test_bad_input_is_refused_in_words(office: TestClient, query: dict[str, str], zh: str, en: str) -> None:
    office.cookies.delete("lang")
    chinese = office.get("/fiscal", params=query)
    assert chinese.status_code == 200 and chinese.headers["content-type"].startswith("text/html")
    assert 'id="fiscal-error"' in chinese.text and zh in chinese.text
    english = office.get("/fiscal", params=query | {"lang": "en"})
    assert en in english.text
    office.cookies.delete("lang")


@pytest.mark.parametrize("role", ["department", "district", "viewer"])
def test_other_roles_are_refused(site: tuple[object, Database], role: str) -> None:
    assert signed_in(site[0], role).get("/fiscal").status_code == 403


def test_floor_cap_and_the_districts_own_share(site: tuple[object, Database], office: TestClient) -> None:
    db = site[1]
    query = {"year": "2017", "pool": "20000000", "floor": "1000000", "cap": "15000000", "basis": "district"}
    html = office.get("/fiscal", params=query).text
    assert 'id="fiscal-error"' not in html
    answer = fiscal_db.transfers_from_db(
        db, year=2017, pool=20_000_000.0, floor=1_000_000.0, cap=15_000_000.0, basis="district"
    )
    regions = _table(html, "regions")
    for row in answer.result.regions.to_dict(orient="records"):
        for key in ("need", "need_district", "gap", "transfer"):
            assert number(row[key]) in regions, (row["region"], key)
    assert answer.result.regions["transfer"].max() <= 15_000_000.0 + 1e-6
    plain = fiscal_db.transfers_from_db(db, year=2017, pool=20_000_000.0)
    assert not answer.result.regions["gap"].equals(plain.result.regions["gap"])  # the basis changes the gap
    assert '<option value="district" selected>' in html and 'value="15000000"' in html


def test_a_floor_above_the_cap_is_refused_in_words(office: TestClient) -> None:
    html = office.get("/fiscal", params={"floor": "9", "cap": "1", "basis": "city"}).text
    assert "未知的缺口口径" in html
    html = office.get("/fiscal", params={"floor": "9", "cap": "1"}).text
    assert 'id="fiscal-error"' in html and "高于上限" in html
