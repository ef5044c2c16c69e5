"""Several programmes in one database (issue 12): the web shows the signed-in user's own city or county only
(pages, maps, downloads and the API), an administrator chooses one, and a city without shipped boundaries
gets a table and a note instead of another city's map."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.domain.observations import ObservationStatus
from jundeng.services import city, users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database, write
from tests.web.test_pages import attribute_json

JIANGMEN = {"440703": "蓬江区", "440704": "江海区", "440705": "新会区"}
JINGMEN = {"420802": "东宝区", "420804": "掇刀区", "420822": "沙洋县"}
ZHUHAI = {"440402": "香洲区", "440403": "斗门区", "440404": "金湾区"}
DAYE = "420281"  # 大冶市, a county: no boundaries ship for it
VALUES = """indicator,region,period,value
SOC_DIBAO_STANDARD,440703,2016,600
SOC_DIBAO_STANDARD,440704,2016,560
SOC_DIBAO_STANDARD,440705,2016,520
SOC_DIBAO_STANDARD,440703,2017,650
SOC_DIBAO_STANDARD,440704,2017,600
SOC_DIBAO_STANDARD,440705,2017,540
SOC_DIBAO_STANDARD,420802,2016,300
SOC_DIBAO_STANDARD,420804,2016,420
SOC_DIBAO_STANDARD,420822,2016,380
SOC_DIBAO_STANDARD,420802,2017,310
SOC_DIBAO_STANDARD,420804,2017,460
SOC_DIBAO_STANDARD,420822,2017,390
SOC_DIBAO_STANDARD,420281,2017,500
SOC_DIBAO_STANDARD,420281001,2017,480
SOC_DIBAO_STANDARD,420281002,2017,510
"""
ACCOUNTS = {
    "jiangmen": {"role": "office", "region": "440700"},  # 江门市均等化办
    "pengjiang": {"role": "district", "region": "440703"},  # 蓬江区
    "daye": {"role": "office", "region": DAYE},
}


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The demo city (珠海) with 荆门, 江门 and 大冶 beside it, each with a few approved values."""
    folder = tmp_path_factory.mktemp("programmes")
    db, drop = fresh_database("sqlite", site_templates, folder)
    for code in ("420800", "440700", DAYE):
        city.init(db, code=code, user="t")
    report = import_files(db, [write(folder / "v.csv", VALUES)], user="t", status=ObservationStatus.APPROVED)
    assert report.written == 15, report.problems
    for name, account in ACCOUNTS.items():
        users.create(db, username=name, password=DEMO_PASSWORD, by="t", **account)
    yield create_app(db.url, secret_key="programmes-test", ledger_day=DEMO_TODAY), db
    drop()


def client_of(site: tuple[object, Database], username: str) -> TestClient:
    """Return a fresh client signed in as ``username``."""
    limiter.reset()
    client = TestClient(site[0])  # type: ignore[arg-type]
    client.get("/api/v1/me")
    response = client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


def table(client: TestClient, path: str, name: str, **params: str) -> list[list[str]]:
    """Return the rows (header first) of the table ``name`` of a page, downloaded as CSV."""
    response = client.get(path, params={"format": "csv", "table": name, **params})
    assert response.status_code == 200, (path, name, response.text)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def map_names(html: str) -> set[str]:
    """Return the regions named in the overview's district map."""
    shown: dict[str, Any] = attribute_json(html, "district-map", "map")
    return {v["name"] for i in shown["indicators"] for v in i["values"]}


def test_an_administrator_of_several_programmes_chooses_one(site: tuple[object, Database]) -> None:
    """With several programmes and none chosen the pages ask which (they used to mix every city's units, and the
    appraisal showed nothing); the choice is remembered for the next pages, and can be switched."""
    admin = client_of(site, "admin")
    html = admin.get("/").text
    assert 'id="programme-choices"' in html and 'id="district-map"' not in html
    for code, name in (("440400", "珠海市"), ("420800", "荆门市"), ("440700", "江门市"), (DAYE, "大冶市")):
        assert f'href="/?under={code}"' in html and name in html
    assert "several cities or counties" in admin.get("/appraisal", params={"lang": "en"}).text

    html = admin.get("/", params={"under": "440700"}).text
    assert map_names(html) == set(JIANGMEN.values())
    assert attribute_json(html, "district-map", "map")["geo"] == "/api/v1/geo/districts?city=440700"
    html = admin.get("/indicators/SOC_DIBAO_STANDARD").text  # remembered in the session
    assert 'id="programme"' in html and 'href="/indicators/SOC_DIBAO_STANDARD?under=420800"' in html
    values = table(admin, "/indicators/SOC_DIBAO_STANDARD", "values")
    assert {r[0] for r in values[1:]} == set(JIANGMEN)

    ranking = table(admin, "/appraisal", "ranking", under="440400")
    assert {r[1] for r in ranking[1:]} == set(ZHUHAI)
    assert map_names(admin.get("/").text) == set(ZHUHAI.values())
    assert admin.get("/", params={"under": "999999"}).status_code == 404


def test_a_user_of_one_city_sees_only_that_city(site: tuple[object, Database]) -> None:
    """江门's office never sees 荆门's or 珠海's units: overview, map, gaps, indicator, region and appraisal pages."""
    jiangmen = client_of(site, "jiangmen")
    html = jiangmen.get("/").text
    assert 'id="programme-choices"' not in html and 'id="programme"' not in html  # nothing to choose
    assert map_names(html) == set(JIANGMEN.values())
    gaps = table(jiangmen, "/", "gaps")
    assert [r[0] for r in gaps[1:]] == ["SOC_DIBAO_STANDARD"] and gaps[1][4] == "3"  # 江门's three districts
    values = table(jiangmen, "/indicators/SOC_DIBAO_STANDARD", "values")
    assert {r[0] for r in values[1:]} == set(JIANGMEN)
    spread = table(jiangmen, "/indicators/SOC_DIBAO_STANDARD", "inequality")
    assert {r[2] for r in spread[1:]} == {"3"}
    assert jiangmen.get("/regions/440703").status_code == 200
    for other in ("420802", "440402"):
        assert jiangmen.get(f"/regions/{other}").status_code == 404
        assert jiangmen.get("/", params={"under": other}).status_code == 404
    ranking = table(jiangmen, "/appraisal", "ranking")
    assert all(r[1].startswith("4407") for r in ranking[1:])
    assert [r[1] for r in table(jiangmen, "/appraisal", "runs")[1:]] == []

    pengjiang = client_of(site, "pengjiang")  # a district of 江门: its own district only
    assert map_names(pengjiang.get("/").text) == {"蓬江区"}


def test_the_api_answers_within_the_users_programme(site: tuple[object, Database]) -> None:
    """Regions, values, gap tables and boundaries of the API: the user's own programme, another's reads as absent."""
    jiangmen = client_of(site, "jiangmen")
    regions = jiangmen.get("/api/v1/regions", params={"level": "district"}).json()
    assert set(JIANGMEN) < {r["code"] for r in regions} and all(r["code"].startswith("4407") for r in regions)
    found = jiangmen.get("/api/v1/observations", params={"indicator": "SOC_DIBAO_STANDARD"}).json()
    assert found["total"] == 6 and {i["region"] for i in found["items"]} == set(JIANGMEN)
    gaps = jiangmen.get("/api/v1/gaps", params={"indicator": "SOC_DIBAO_STANDARD", "period": "2017"}).json()
    assert gaps["units"] == 3 and {v["region"] for v in gaps["values"]} == set(JIANGMEN)
    asked = {"indicator": "SOC_DIBAO_STANDARD", "period": "2017", "under": "420800"}
    assert jiangmen.get("/api/v1/gaps", params=asked).status_code == 404

    targets = jiangmen.get("/api/v1/indicators/SOC_DIBAO_STANDARD").json()["targets"]
    assert targets == []  # 珠海's targets are not 江门's
    assert admin_targets(site) == {"440400"}

    boundaries = jiangmen.get("/api/v1/geo/districts").json()
    assert {str(f["id"])[:4] for f in boundaries["features"]} == {"4407"}
    assert jiangmen.get("/api/v1/geo/districts", params={"city": "420800"}).status_code == 404
    towns = jiangmen.get("/api/v1/geo/towns", params={"district": "440703"})
    assert towns.status_code == 404
    assert towns.json()["error"]["zh"].startswith("本市暂无乡镇边界")
    assert "no town boundaries for this city" in towns.json()["error"]["en"]
    assert (
        jiangmen.get("/api/v1/geo/towns", params={"district": "420802"})
        .json()["error"]["en"]
        .startswith("unknown region code")
    )

    admin = client_of(site, "admin")
    assert admin.get("/api/v1/geo/districts").status_code == 422  # several programmes, none chosen
    jingmen = admin.get("/api/v1/geo/districts", params={"city": "420800"}).json()
    assert {str(f["id"])[:4] for f in jingmen["features"]} == {"4208"}
    assert admin.get("/api/v1/geo/districts", params={"under": "420800"}).json() == jingmen


def admin_targets(site: tuple[object, Database]) -> set[str]:
    """Return the regions of the targets of SOC_DIBAO_STANDARD an administrator gets once 珠海 is chosen."""
    admin = client_of(site, "admin")
    found = admin.get("/api/v1/indicators/SOC_DIBAO_STANDARD", params={"under": "440400"}).json()["targets"]
    return {t["region"] for t in found}


def test_the_map_says_when_a_city_has_no_boundaries_or_no_town_boundaries(site: tuple[object, Database]) -> None:
    """No town boundaries ship: the map says so instead of drilling down; a county without boundaries gets a
    table of its values and the reason, never another city's map."""
    jiangmen = client_of(site, "jiangmen").get("/").text
    assert 'id="map-towns"' in jiangmen and "本市暂无乡镇边界" in jiangmen
    assert attribute_json(jiangmen, "district-map", "map")["towns"] is None
    english = client_of(site, "jiangmen").get("/", params={"lang": "en"}).text
    assert "No town boundaries for this city" in english

    daye = client_of(site, "daye")
    html = daye.get("/").text
    assert 'id="district-map"' not in html and 'id="map-missing"' in html and "暂无内置的区县边界" in html
    rows = table(daye, "/", "district_values")
    assert rows[0][0] == "区划" and rows[1][0] == "大冶市" and float(rows[1][1]) == 500
    assert daye.get("/api/v1/geo/districts").status_code == 404


def test_notices_inbox_and_bulletin_show_the_programmes_tasks_only(site: tuple[object, Database]) -> None:
    """A notice on a task of 珠海 is listed in 珠海's notices and nowhere in 江门's (it used to show in every
    programme's notices list and office inbox); the bulletin counts the programme's own tasks."""
    admin = client_of(site, "admin")
    assert admin.get("/notices").status_code == 200 and 'id="programme-choices"' in admin.get("/notices").text
    data = {"unit": "市教育局", "request": "请说明珠海任务滞后原因", "due": "2017-09-15"}
    issued = admin.post("/ledger/2017-003/notices", params={"under": "440400"}, data=data)
    assert issued.status_code == 200, issued.text[:300]
    assert "请说明珠海任务滞后原因" in admin.get("/notices", params={"under": "440400"}).text
    assert [r[1] for r in table(admin, "/notices", "notices")[1:]] == ["2017-003"]
    assert "请说明珠海任务滞后原因" not in admin.get("/notices", params={"under": "440700"}).text
    assert table(admin, "/notices", "notices")[1:] == []

    jiangmen = client_of(site, "jiangmen")
    for state in ("", "open", "overdue"):
        assert "请说明珠海任务滞后原因" not in jiangmen.get("/notices", params={"state": state}).text
    assert table(jiangmen, "/inbox", "waiting")[1:] == []
    assert table(jiangmen, "/bulletin", "by_unit", period="2017")[1:] == []
    zhuhai = table(admin, "/bulletin", "by_unit", period="2017", under="440400")
    assert "市教育局" in {r[0] for r in zhuhai[1:]}
