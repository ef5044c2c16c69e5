"""Server-rendered pages: every page for every role that may see it, in Chinese and English; downloads;
the synthetic-data banner; scopes; no inline scripts; and a complete English catalogue."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jundeng.catalogs.demo_ledger import DEMO_TODAY
from jundeng.domain.attainment import AttainmentStatus
from jundeng.domain.observations import ObservationStatus
from jundeng.domain.tasks import Light, ReviewStatus, TaskStatus
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.services.observations import import_files
from jundeng.store import observations_repo, users_repo
from jundeng.store.db import Database
from jundeng.web import pages
from jundeng.web.app import create_app
from jundeng.web.auth import ROLES, policy_of
from jundeng.web.limits import limiter
from jundeng.web.pages_base import LABELS, NAV
from tests.conftest import Templates, fresh_database, write

WEB = Path(pages.__file__).parent
ACCOUNTS = {"admin": "admin", "office": "office", "department": "edu", "district": "xiangzhou", "viewer": "viewer"}
BANNER = "合成演示数据 / synthetic demo data"


def signed_in(app: object, role: str) -> TestClient:
    """Return a client signed in as the demo account of ``role`` (anonymous for public)."""
    limiter.reset()  # the login rate limit counts per address, and all test clients share one
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/api/v1/me")
    if role != "public":
        response = client.post("/api/v1/login", json={"username": ACCOUNTS[role], "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Database]]:
    """The app on a module-wide copy of the demo site (SQLite)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("pages"))
    yield create_app(db.url, secret_key="pages-test", ledger_day=DEMO_TODAY), db  # the demo's picture
    drop()


@pytest.fixture(scope="module")
def signed_in_clients(site: tuple[object, Database]) -> dict[str, TestClient]:
    return {role: signed_in(site[0], role) for role in ROLES}


@pytest.fixture
def clients(signed_in_clients: dict[str, TestClient]) -> dict[str, TestClient]:
    """The module's signed-in clients, each starting in Chinese (no lang cookie from an earlier test)."""
    for client in signed_in_clients.values():
        client.cookies.delete("lang")
    return signed_in_clients


def endpoint_roles(path: str) -> tuple[str, ...]:
    """Return the roles the page at ``path`` allows (from its policy), also inside the included routers."""
    for route in pages.router.routes:
        contexts: Any = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for context in contexts:
            if context.path == path:
                roles = policy_of(context)
                assert roles is not None, path
                return roles
    raise KeyError(path)


def attribute_json(html: str, element_id: str, name: str) -> Any:
    """Return the JSON in the data-``name`` attribute of the element ``element_id``."""
    match = re.search(rf'id="{element_id}"[^>]*data-{name}=\'([^\']*)\'', html)
    assert match, element_id
    return json.loads(unescape(match.group(1)))


def in_scope_task(client: TestClient) -> str | None:
    items = client.get("/api/v1/tasks", params={"today": "2017-09-30", "size": 1}).json()["items"]
    return items[0]["code"] if items else None


PAGES = {
    "/": "/",
    "/indicators": "/indicators",
    "/indicators/{code}": "/indicators/EDU_DISABLED_CHILD_ENROLMENT",
    "/regions/{code}": "/regions/440402",
    "/appraisal": "/appraisal",
    "/ledger": "/ledger",
    "/data": "/data",
    "/admin/catalog": "/admin/catalog",
    "/admin/users": "/admin/users",
    "/login": "/login",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_for_the_roles_it_allows(clients: dict[str, TestClient], role: str, lang: str) -> None:
    client = clients[role]
    task = in_scope_task(client) if role != "public" else None
    paths = dict(PAGES)
    if task:
        paths["/ledger/{code}"] = f"/ledger/{task}"
    for pattern, path in paths.items():
        response = client.get(path, params={"lang": lang}, follow_redirects=False)
        where = f"{path} as {role} in {lang}"
        if role not in endpoint_roles(pattern):
            assert response.status_code in ((303,) if role == "public" else (403,)), where
            continue
        assert response.status_code == 200, where
        html = response.text
        assert f'<html lang="{"en" if lang == "en" else "zh-CN"}">' in html, where
        home = "Overview" if lang == "en" else "总览"
        assert '<a href="/"' in html and home in html, where
        assert "Traceback" not in html and "Undefined" not in html, where


def test_each_role_sees_its_navigation(clients: dict[str, TestClient]) -> None:
    for role, client in clients.items():
        html = client.get("/").text
        shown = {href for href, _label, roles in NAV if f'href="{href}"' in html}
        assert shown == {href for href, _label, roles in NAV if role in roles}, role
    assert 'href="/regions/440402"' in clients["district"].get("/").text  # 本区


def test_english_pages_are_in_english(clients: dict[str, TestClient]) -> None:
    office = clients["office"]
    html = office.get("/appraisal", params={"lang": "en"}).text
    for text in ("Appraisal method", "Method version", "Rank interval (90%)", "Ranking", "Sign out"):
        assert text in html
    html = office.get("/indicators/SOC_DIBAO_STANDARD", params={"lang": "en"}).text
    assert "Minimum living allowance (dibao) standard" in html and "Targets and baselines" in html
    assert "Higher is better" in html and "<h1>Minimum living allowance (dibao) standard <small>" in html


def test_the_language_switch_is_remembered_in_a_cookie(site: tuple[object, Database]) -> None:
    client = signed_in(site[0], "viewer")
    response = client.get("/ledger", params={"lang": "en"})
    assert "lang=en" in response.headers["set-cookie"]
    assert "Task ledger" in client.get("/ledger").text  # no parameter: the cookie speaks
    assert 'id="lang-switch" href="/ledger?lang=zh"' in client.get("/ledger").text
    client.get("/", params={"lang": "zh"})
    assert "<h1>任务台账</h1>" in client.get("/ledger").text


def test_synthetic_data_is_labelled(clients: dict[str, TestClient]) -> None:
    office = clients["office"]
    for path in ("/", "/indicators/SOC_DIBAO_STANDARD", "/regions/440403", "/appraisal", "/ledger", "/ledger/2017-003"):
        assert BANNER in office.get(path).text, path
        assert BANNER in office.get(path, params={"lang": "en"}).text, path
    assert BANNER in clients["public"].get("/").text
    assert BANNER not in office.get("/admin/catalog").text  # the catalogue is real, from the policy documents


def test_pages_without_synthetic_data_carry_no_banner(db: Database, tmp_path: Path) -> None:
    """On a database without demo data (SQLite and PostgreSQL) the banner stays away."""
    with db.session() as session:
        users_repo.create_user(session, username="office", password=DEMO_PASSWORD, role="office", by="test")
    data = "indicator,region,period,value\nGER,440402,2016,91.5\nGER,440403,2016,80\nGER,440404,2016,85\n"
    assert import_files(db, [write(tmp_path / "ger.csv", data)], user="office").written == 3
    with db.session() as session:
        ids = observations_repo.observations(session)["id"].to_list()
        observations_repo.set_status(session, ids=ids, status=ObservationStatus.APPROVED, user="office")
    app = create_app(db.url, secret_key="plain")
    try:
        client = signed_in(app, "office")
        for path in ("/", "/indicators/GER", "/ledger", "/data", "/appraisal"):
            response = client.get(path)
            assert response.status_code == 200, path
            assert BANNER not in response.text, path
        assert "91.50" in client.get("/indicators/GER").text
    finally:
        app.state.db.dispose()


def test_tables_download_as_csv_and_xlsx(clients: dict[str, TestClient]) -> None:
    office = clients["office"]
    response = office.get("/ledger", params={"format": "csv", "table": "ledger", "light": "red"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="ledger.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, so that Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["任务编号", "任务内容", "牵头单位"]
    assert len(rows) > 1 and all(r[6] == "红灯" for r in rows[1:])
    english = office.get("/ledger", params={"format": "csv", "lang": "en"}).content.decode("utf-8-sig")
    assert english.startswith("Task,Task description,Lead unit")

    response = office.get("/", params={"format": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    book = load_workbook(io.BytesIO(response.content))
    assert {"attainment", "gaps", "inequality_trend", "lights"} <= set(book.sheetnames)
    sheet = book["gaps"]
    assert sheet.cell(1, 1).value == "指标代码" and isinstance(sheet.cell(2, 6).value, float)

    ranking = office.get("/appraisal", params={"format": "csv", "table": "ranking"}).content.decode("utf-8-sig")
    assert len(ranking.strip().splitlines()) == 4  # header and the three districts
    assert office.get("/", params={"format": "pdf"}).status_code == 400
    assert office.get("/", params={"format": "csv", "table": "nonesuch"}).status_code == 404


def test_every_table_on_every_page_links_its_downloads(clients: dict[str, TestClient]) -> None:
    admin = clients["admin"]
    for path in (
        "/",
        "/indicators",
        "/indicators/SOC_DIBAO_STANDARD",
        "/regions/440402",
        "/appraisal",
        "/ledger",
        "/ledger/2017-003",
        "/review",
        "/admin/catalog",
        "/admin/users",
    ):
        html = admin.get(path).text
        names = re.findall(r'<section class="table-block" id="table-(\w+)">', html)
        assert names, path
        for name in names:
            assert f"format=csv&amp;table={name}" in html and f"format=xlsx&amp;table={name}" in html, (path, name)
        book = load_workbook(io.BytesIO(admin.get(path, params={"format": "xlsx"}).content), read_only=True)
        assert book.sheetnames == names, path


def test_a_district_sees_only_its_own_regions(clients: dict[str, TestClient]) -> None:
    district = clients["district"]  # 香洲区 440402
    assert district.get("/regions/440403").status_code == 404
    assert district.get("/regions/440402").status_code == 200
    values = district.get("/indicators/SOC_DIBAO_STANDARD", params={"format": "csv", "table": "values"})
    regions = [r[0] for r in csv.reader(io.StringIO(values.content.decode("utf-8-sig")))][1:]
    assert regions == ["440402"]
    ranking = district.get("/appraisal", params={"format": "csv", "table": "ranking"}).content.decode("utf-8-sig")
    assert [r[1] for r in csv.reader(io.StringIO(ranking))][1:] == ["440402"]
    shown = attribute_json(district.get("/").text, "district-map", "map")
    assert {v["name"] for i in shown["indicators"] for v in i["values"]} == {"香洲区"}
    everyone = attribute_json(clients["office"].get("/").text, "district-map", "map")
    assert {v["name"] for i in everyone["indicators"] for v in i["values"]} == {"香洲区", "斗门区", "金湾区"}
    office_ledger = clients["office"].get("/ledger", params={"format": "csv"}).content.decode("utf-8-sig")
    own_ledger = district.get("/ledger", params={"format": "csv"}).content.decode("utf-8-sig")
    assert 1 < len(own_ledger.splitlines()) < len(office_ledger.splitlines())


def test_a_department_sees_its_domains_and_the_public_the_published(clients: dict[str, TestClient]) -> None:
    listed = clients["department"].get("/indicators", params={"format": "csv"}).content.decode("utf-8-sig")
    codes = [r[0] for r in csv.reader(io.StringIO(listed))][1:]
    assert codes and all(c.startswith("EDU_") for c in codes)
    assert clients["department"].get("/indicators/SOC_DIBAO_STANDARD").status_code == 404
    public = clients["public"].get("/indicators", params={"format": "csv"}).content.decode("utf-8-sig")
    assert sorted(r[0] for r in csv.reader(io.StringIO(public)))[:-1] == sorted(
        ["EDU_DISABLED_CHILD_ENROLMENT", "EMP_URBAN_REG_UNEMPLOYMENT", "SOC_DIBAO_STANDARD"]
    )
    assert clients["public"].get("/indicators/HLT_PHS_FUNDING_PER_CAPITA").status_code == 404


def test_the_review_queue_and_the_history_of_a_value(site: tuple[object, Database]) -> None:
    app, _db = site
    district = signed_in(app, "district")
    files = {"file": ("x.csv", b"indicator,region,period,value\nSOC_DIBAO_STANDARD,440402,2017,701.5\n", "text/csv")}
    assert district.post("/api/v1/observations/import", files=files).json()["written"] == 1
    pending = district.get("/data").text
    assert "701.5" in pending and "review-form" not in pending  # a district sees its value, without buttons
    office = signed_in(app, "office")
    html = office.get("/review").text  # the queue (tests/web/test_review.py)
    match = re.search(r'name="do" value="approve:(\d+)"', html)
    assert match and "701.5" in html
    obs_id = match.group(1)
    assert f'name="do" value="reject:{obs_id}"' in html
    history = office.get("/data", params={"history": obs_id}).text.split('id="table-history"')[1].split("</section>")[0]
    assert history.count("<tr>") == 3  # the header, the new revision and the demo's
    assert office.post(f"/api/v1/observations/{obs_id}/approve").status_code == 200
    assert "701.5" not in office.get("/review").text
    assert "701.5" in office.get("/indicators/SOC_DIBAO_STANDARD").text
    assert district.get("/data", params={"history": "1"}).status_code == 404  # 香洲 does not see 斗门's value


def test_the_report_form_posts_progress(site: tuple[object, Database]) -> None:
    office = signed_in(site[0], "office")
    html = office.get("/ledger/2017-003").text
    assert 'id="report-form" class="form" method="post" action="/ledger/2017-003/progress"' in html
    body = {"percent": 88, "note": "页面测试 / page test", "as_of": "2017-09-30"}
    assert office.post("/api/v1/tasks/2017-003/reports", json=body).status_code == 200
    assert "页面测试 / page test" in office.get("/ledger/2017-003").text
    assert "report-form" not in signed_in(site[0], "viewer").get("/ledger/2017-003").text
    formula = {"percent": 90, "note": '=HYPERLINK("http://evil.example")', "as_of": "2017-09-30"}
    assert office.post("/api/v1/tasks/2017-003/reports", json=formula).status_code == 200
    text = office.get("/ledger/2017-003", params={"format": "csv", "table": "reports"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = office.get("/ledger/2017-003", params={"format": "xlsx", "table": "reports"}).content
    notes = [row[6] for row in load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://evil.example")' in notes  # text, not a formula


def test_ledger_filters(clients: dict[str, TestClient]) -> None:
    office = clients["office"]
    html = office.get("/ledger", params={"unit": "市教育局", "status": "", "light": "", "district": ""}).text
    assert '<option value="市教育局" selected>' in html
    rows = office.get("/ledger", params={"format": "csv", "unit": "市教育局"}).content.decode("utf-8-sig")
    assert all("市教育局" in r[2] + r[3] for r in list(csv.reader(io.StringIO(rows)))[1:])
    green = office.get("/ledger", params={"format": "csv", "light": "green", "district": "440403"})
    assert {r[6] for r in list(csv.reader(io.StringIO(green.content.decode("utf-8-sig"))))[1:]} == {"绿灯"}
    assert office.get("/ledger", params={"today": "not a date"}).status_code == 422
    later = office.get("/ledger", params={"today": "2018-03-01", "format": "csv"}).content.decode("utf-8-sig")
    assert "已逾期" in later


def test_without_a_ledger_day_the_ledger_is_assessed_today(
    site_templates: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The synthetic demo reports do not turn the ledger's day into the demo's: a report filed today counts."""
    monkeypatch.delenv("JUNDENG_LEDGER_DAY", raising=False)
    db, drop = fresh_database("sqlite", site_templates, tmp_path)
    office = signed_in(create_app(db.url, secret_key="today"), "office")

    def light(code: str) -> str:
        table = office.get("/ledger", params={"format": "csv"}).content.decode("utf-8-sig")
        return next(r[6] for r in csv.reader(io.StringIO(table)) if r[0] == code)

    code = next(r["code"] for r in office.get("/api/v1/tasks", params={"status": "overdue"}).json()["items"])
    assert light(code) == "红灯"
    assert office.post(f"/api/v1/tasks/{code}/reports", json={"percent": 100, "note": "今日完成"}).status_code == 200
    assert light(code) == "绿灯"
    drop()


def test_admin_pages(clients: dict[str, TestClient]) -> None:
    catalog = clients["office"].get("/admin/catalog").text
    assert 'data-post="/api/v1/publications/SOC_DIBAO_STANDARD?on=false"' in catalog  # published: withdraw
    assert 'data-post="/api/v1/publications/HLT_PHS_FUNDING_PER_CAPITA?on=true"' in catalog
    admin = clients["admin"]
    html = admin.get("/admin/users").text
    assert 'id="user-form" class="form" method="post" action="/admin/users"' in html  # works without JavaScript
    assert 'value="440403"' in html and 'name="domains" value="education"' in html
    new = {"username": "jinwan", "password": "long-enough-1", "role": "district", "region": "440404"}
    assert admin.post("/api/v1/users", json=new).status_code == 201
    assert "jinwan" in admin.get("/admin/users").text


def test_login_and_logout_pages(site: tuple[object, Database]) -> None:
    limiter.reset()
    client = TestClient(site[0])  # type: ignore[arg-type]
    response = client.get("/ledger", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/ledger"
    html = client.get("/login", params={"next": "/ledger"}).text
    assert 'id="login-form"' in html and 'data-next="/ledger"' in html and 'data-api="/api/v1/login"' in html
    assert 'method="post" action="/login"' in html  # without JavaScript too, never by GET (tests/web/test_nojs.py)
    for evil in ("//evil.example", "https://evil.example", "/\\evil"):
        assert 'data-next="/"' in client.get("/login", params={"next": evil}).text
    assert client.post("/api/v1/login", json={"username": "viewer", "password": DEMO_PASSWORD}).status_code == 200
    assert client.get("/ledger").status_code == 200
    assert client.get("/logout", follow_redirects=False).headers["location"] == "/"
    assert client.get("/ledger", follow_redirects=False).status_code == 303


def test_pages_carry_no_inline_script(clients: dict[str, TestClient]) -> None:
    """The CSP allows scripts from /static only: no inline <script>, no on* handlers, no javascript: links."""
    for path in ("/", "/indicators/SOC_DIBAO_STANDARD", "/data", "/ledger/2017-003", "/admin/users", "/login"):
        html = clients["admin"].get(path).text
        assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html)), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path
        for chart in re.findall(r"data-(?:chart|map)='([^']*)'", html):
            assert "NaN" not in chart and "Infinity" not in chart, path


def msgids() -> set[str]:
    """Return every msgid: ``_("…")`` in the templates, ``N_("…")`` in the page modules and the unit words, and
    the labels of the domain enums the pages show."""
    found: set[str] = set()
    for template in (WEB / "templates").glob("**/*.html"):
        for double, single in re.findall(r"""_\(\s*(?:"([^"]+)"|'([^']+)')\s*\)""", template.read_text("utf-8")):
            found.add(double or single)
    for module in (*WEB.glob("pages*.py"), WEB.parent / "terms.py"):
        found.update(re.findall(r"""N_\(\s*"([^"]+)"\s*\)""", module.read_text("utf-8")))
    found.update(s.label_zh for s in (*AttainmentStatus, *TaskStatus, *Light, *ReviewStatus))
    return found


def test_every_message_has_an_english_translation() -> None:
    with (WEB / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert str(catalog.locale) == "en"
    translated = {str(m.id): str(m.string) for m in catalog if m.id}
    ids = msgids()
    assert len(ids) > 150 and set(LABELS.values()) <= ids
    missing = sorted(i for i in ids if not translated.get(i))
    assert missing == []
    unused = sorted(set(translated) - ids)
    assert unused == []  # stale entries would hide a renamed msgid
    han = re.compile(r"[\u4e00-\u9fff]")
    assert [t for t in translated.values() if han.search(t)] == []


def test_the_map_carries_region_codes_and_lists_the_functional_zones(clients: dict[str, TestClient]) -> None:
    """Each district on the map carries its code (a click opens /regions/CODE for signed-in users); the functional
    zones, which have no boundaries, are listed under the map with links to their pages and the chosen value."""
    html = clients["office"].get("/").text
    shown = attribute_json(html, "district-map", "map")
    assert shown["links"] is True
    codes = {v["name"]: v["code"] for i in shown["indicators"] for v in i["values"]}
    assert codes == {"香洲区": "440402", "斗门区": "440403", "金湾区": "440404"}
    zones = re.search(r'<ul class="zones" id="map-zones">(.*?)</ul>', html, re.S)
    assert zones and "功能区没有边界" in html
    assert '<a href="/regions/440400-HQ">横琴新区</a>' in zones.group(1)
    assert len(re.findall(r'href="/regions/440400-\w+"', zones.group(1))) == 5
    english = clients["office"].get("/", params={"lang": "en"}).text
    assert "Functional zones have no boundaries" in english
    assert clients["office"].get("/regions/440400-HQ").status_code == 200

    public = attribute_json(clients["public"].get("/").text, "district-map", "map")
    assert public["links"] is False  # region pages need signing in
    assert 'id="map-zones"' not in clients["public"].get("/").text
    assert 'id="map-zones"' not in clients["district"].get("/").text
