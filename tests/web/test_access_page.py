"""The Access page: the office sees coverage by district, urban/rural and town, the access gap and the scores
with the numbers of the service; the map carries the boundaries, the facilities and the uncovered points; other
roles are refused; bad input comes back on the page in words; the form is a plain GET form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.services import access_db, access_map
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store import users_repo
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.pages_base import number, percent
from tests.conftest import Templates, fresh_database
from tests.web.test_pages import BANNER, attribute_json, signed_in


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("access"))
    yield create_app(db.url, secret_key="access-test", ledger_day=DEMO_TODAY), db
    drop()


@pytest.fixture(scope="module")
def office(site: tuple[object, Database]) -> TestClient:
    return signed_in(site[0], "office")


@pytest.fixture(scope="module")
def clinics(office: TestClient) -> str:
    """The page for clinics within 1 km open by 2010, scored with the Gaussian 2SFCA on a 5 km catchment."""
    query = {"category": "clinic", "within": "1000", "year": "2010", "method": "g2sfca", "catchment": "5000"}
    response = office.get("/access", params=query | {"lang": "zh"})
    assert response.status_code == 200 and 'id="access-error"' not in response.text
    return response.text


@pytest.fixture(scope="module")
def buses(office: TestClient) -> str:
    """The page with the form's defaults (bus stops within 500 m by the latest year)."""
    response = office.get("/access", params={"lang": "zh"})
    assert response.status_code == 200 and 'id="access-error"' not in response.text
    return response.text


def _table(html: str, name: str) -> str:
    found = re.search(rf'<table data-table="{name}">(.*?)</table>', html, re.S)
    assert found, name
    return found.group(1)


def _cells(html: str, name: str) -> list[list[str]]:
    """Return the text of each body row's cells of a table."""
    body = re.search(r"<tbody>(.*?)</tbody>", _table(html, name), re.S)
    assert body
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_the_office_sees_the_numbers_of_the_service(site: tuple[object, Database], clinics: str) -> None:
    db, html = site[1], clinics
    options: dict[str, Any] = {"within": 1000.0, "category": "clinic", "year": 2010}
    by_district = access_db.coverage(db, by="district", **options)
    districts = _cells(html, "districts")
    shown = {row[0]: row for row in districts}
    for row in by_district.regions.to_dict(orient="records"):
        assert shown[row["region"]][2:] == [number(row["population"]), number(row["covered"]), percent(row["share"])]
    assert {"香洲区", "斗门区", "金湾区"} <= {row[1] for row in districts}
    total = re.search(r'id="access-total">(.*?)</p>', html, re.S)
    assert total and percent(by_district.summary["share"]) in total.group(1)
    kinds = _cells(html, "urban_rural")
    by_kind = access_db.coverage(db, by="urban_rural", **options).regions
    assert sorted(r[3] for r in kinds) == sorted(percent(s) for s in by_kind["share"])
    assert {"城镇", "农村"} <= {r[0] for r in kinds}
    # the towns: uncovered = population − covered, most first
    by_town = access_db.coverage(db, by="town", **options).regions
    left = dict(zip(by_town["region"], by_town["population"] - by_town["covered"], strict=True))
    towns = _cells(html, "towns")
    assert [r[0] for r in towns] == sorted(left, key=lambda c: (-left[c], c))
    for town in towns:
        assert town[4] == number(left[town[0]]), town
    assert towns[0][1] and towns[0][2].endswith("区")  # the town's and its district's names
    # the gap: the Gini and Theil across villages, and the shares of Theil between districts and urban/rural
    by_region = access_db.coverage(db, by="region", **options).summary
    gap = _table(html, "gap")
    for key in ("gini", "theil"):
        assert number(by_region[key]) in gap
    assert number(access_db.coverage(db, by="district", **options).summary["gini"]) in gap
    for key in ("theil_between_district_share", "theil_between_urban_rural_share"):
        assert percent(by_region[key]) in gap
    # the floating-catchment scores, with the method and catchment asked for
    score = access_db.score(db, catchment=5000.0, method="g2sfca", category="clinic", year=2010, by="district")
    scores = {r[0]: r for r in _cells(html, "scores")}
    for row in score.regions.to_dict(orient="records"):
        assert scores[row["region"]][3] == number(row["score"])
        assert scores[row["region"]][4] == number(row["score"] * 1e4)
    method = re.search(r'id="access-method">(.*?)</p>', html, re.S)
    assert method and "高斯两步移动搜索法" in method.group(1) and "5,000" in method.group(1)
    assert BANNER in html  # the demo's facilities and points are synthetic


def test_the_defaults_are_bus_stops_within_500_m_by_the_latest_year(site: tuple[object, Database], buses: str) -> None:
    html = buses
    stored = access_map.stored(site[1])
    assert stored.synthetic and "bus_stop" in stored.categories
    latest = stored.years[-1]
    assert f'<option value="{latest}" selected>' in html and '<option value="bus_stop" selected>' in html
    assert '<option value="e2sfca" selected>' in html
    assert 'name="within" id="access-within" min="1" max="50000" step="any" value="500"' in html
    assert 'name="catchment" id="access-catchment" min="1" max="50000" step="any" value="3000"' in html
    answer = access_db.coverage(site[1], within=500.0, category="bus_stop", year=latest, by="district")
    for share in answer.regions["share"]:
        assert percent(share) in _table(html, "districts")


def test_the_map_carries_the_boundaries_facilities_and_uncovered_points(
    site: tuple[object, Database], clinics: str
) -> None:
    db, html = site[1], clinics
    drawn = attribute_json(html, "access-map", "map")
    names = {f["properties"]["name"] for f in drawn["geo"]["features"]}
    assert names == {"香洲区", "斗门区", "金湾区"}  # the programme's district boundaries
    shares = {d["code"]: d["value"] for d in drawn["districts"]}
    answer = access_db.coverage(db, within=1000.0, category="clinic", year=2010, by="district")
    assert shares == pytest.approx(dict(zip(answer.regions["region"], answer.regions["share"], strict=True)))
    layers = access_map.layers(db, category="clinic", year=2010)
    assert len(drawn["facilities"]) == len(layers.facilities) == answer.summary["facilities"]
    assert all(f["category"] == "clinic" and (f["opening_year"] or 0) <= 2010 for f in layers.facilities)
    for lon, lat, _name, capacity in drawn["facilities"]:
        assert 113.0 < lon < 114.5 and 21.5 < lat < 22.6 and capacity > 0
    points = access_db.coverage(db, within=1000.0, category="clinic", year=2010, by="region").points
    left_out = points[~points["covered"]]
    assert len(drawn["uncovered"]) == len(left_out) > 0
    assert sum(p[2] for p in drawn["uncovered"]) == pytest.approx(left_out["population"].sum())
    assert drawn["labels"]["facilities"] == "医疗卫生机构" and drawn["labels"]["uncovered"] == "未覆盖的人口点"
    legend = re.search(r'<ul class="legend" id="access-legend"[^>]*>(.*?)</ul>', html, re.S)
    assert legend and "红点" in legend.group(1) and "橙点" in legend.group(1) and "覆盖率" in legend.group(1)
    assert '<script src="/static/access.js" defer></script>' in html and "/static/vendor/echarts.min.js" in html


def test_the_form_works_without_javascript(buses: str) -> None:
    html = buses
    form = re.search(r'<form class="form" method="get" action="/access" id="access-form">(.*?)</form>', html, re.S)
    assert form
    for field in ('select name="category"', 'name="within"', 'select name="year"', 'select name="method"'):
        assert field in form.group(1), field
    assert 'name="catchment"' in form.group(1) and 'type="submit"' in form.group(1)
    assert 'href="/access"' in html  # in the navigation


@pytest.mark.parametrize(
    ("query", "zh", "en"),
    [
        ({"within": "-5"}, "覆盖距离须为大于 0", "coverage distance must be a distance in metres above 0"),
        ({"within": "abc"}, "覆盖距离须为大于 0", "coverage distance must be a distance in metres above 0"),
        ({"catchment": "0"}, "服务半径须为大于 0", "catchment must be a distance in metres above 0"),
        ({"catchment": "90000"}, "不超过 50,000", "at most 50,000"),
        ({"category": "zoo"}, "未知的设施类别：zoo", "unknown facility category: zoo"),
        ({"year": "1990"}, "没有 1990 年的设施开放数据", "no facility opening data for the year 1990"),
        ({"year": "late"}, "没有 late 年的设施开放数据", "no facility opening data for the year late"),
        ({"method": "4sfca"}, "未知的计算方法：4sfca", "unknown method: 4sfca"),
    ],
)
def test_bad_input_is_refused_in_words(office: TestClient, query: dict[str, str], zh: str, en: str) -> None:
    office.cookies.delete("lang")
    chinese = office.get("/access", params=query)
    assert chinese.status_code == 200 and chinese.headers["content-type"].startswith("text/html")
    assert 'id="access-error"' in chinese.text and zh in chinese.text
    assert 'data-table="districts"' not in chinese.text
    english = office.get("/access", params=query | {"lang": "en"})
    assert english.status_code == 200 and 'id="access-error"' in english.text and en in english.text
    office.cookies.delete("lang")


@pytest.mark.parametrize("role", ["department", "district", "viewer"])
def test_other_roles_are_refused(site: tuple[object, Database], role: str) -> None:
    assert signed_in(site[0], role).get("/access").status_code == 403


def test_the_page_in_english(office: TestClient) -> None:
    english = office.get("/access", params={"category": "school", "lang": "en"}).text
    office.cookies.delete("lang")
    for text in ("Coverage by district", "People not covered by town (most first)", "Access gap", "Schools"):
        assert text in english
    assert "Share of the population covered" in english and "Enhanced two-step floating catchment" in english
    drawn = attribute_json(english, "access-map", "map")
    assert drawn["labels"]["facilities"] == "Schools" and drawn["labels"]["uncovered"] == "Demand points not covered"


def test_the_tables_download(office: TestClient) -> None:
    response = office.get("/access", params={"format": "csv", "table": "towns"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "未覆盖人口" in response.content.decode("utf-8-sig").splitlines()[0]


def test_without_facilities_or_points_the_page_says_so(db: Database) -> None:
    """On a database without accessibility data (SQLite and PostgreSQL) the page explains, with no banner."""
    with db.session() as session:
        users_repo.create_user(session, username="office", password=DEMO_PASSWORD, role="office", by="test")
    app = create_app(db.url, secret_key="plain")
    try:
        client = signed_in(app, "office")
        response = client.get("/access")
        assert response.status_code == 200 and 'id="access-error"' in response.text
        assert "库中没有人口点" in response.text and BANNER not in response.text
        english = client.get("/access", params={"lang": "en", "within": "-1"})
        assert "no demand points stored" in english.text
    finally:
        app.state.db.dispose()
