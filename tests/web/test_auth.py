"""Authorization: every route of the app against every role, and scopes (another district's drafts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from jundeng.services import users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.services.observations import import_files
from jundeng.store.db import Database
from jundeng.store.models import ObservationRow
from jundeng.web.app import create_app
from jundeng.web.auth import ROLES, policy_of
from jundeng.web.limits import limiter
from tests.conftest import DIALECTS, Templates, fresh_database

ACCOUNTS = {"admin": "admin", "office": "office", "department": "edu", "district": "xiangzhou", "viewer": "viewer"}
FRAMEWORK = {
    "/api/v1/openapi.json",
    "/api/docs",
    "/docs/oauth2-redirect",
    "/api/docs/oauth2-redirect",
}  # FastAPI's own, public by design


@pytest.fixture(scope="module", params=DIALECTS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, site_templates: Templates
) -> Iterator[tuple[object, Database, int]]:
    tmp = tmp_path_factory.mktemp("web")
    db, drop = fresh_database(request.param, site_templates, tmp)
    draft = tmp / "doumen.csv"
    draft.write_text("indicator,region,period,value\nSOC_DIBAO_STANDARD,440403100,2017,700\n", encoding="utf-8")
    assert import_files(db, [draft], user="doumen").written == 1
    with db.session() as session:
        draft_id = session.execute(select(ObservationRow.id).where(ObservationRow.status == "submitted")).scalar_one()
    app = create_app(db.url, secret_key="test-secret")
    yield app, db, draft_id
    app.state.db.dispose()
    drop()


def client_for(app: object, role: str) -> TestClient:
    limiter.reset()
    users.throttle(app.state.db).clear()  # type: ignore[attr-defined]  # a test may have locked the account
    client = TestClient(app)  # type: ignore[arg-type]
    client.get("/api/v1/me")  # receive the csrftoken cookie
    if role != "public":
        response = client.post("/api/v1/login", json={"username": ACCOUNTS[role], "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
    token = client.cookies.get("csrftoken")
    if token:
        client.headers["x-csrftoken"] = token
    return client


def routes(app: object) -> Iterator[tuple[str, object, set[str]]]:
    """Yield (path, route, methods) of every route, also inside included routers (FastAPI ≥ 0.16x)."""
    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute):
            yield route.path, route, set(route.methods or ())
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                yield context.path, context, set(context.methods or ())
        elif hasattr(route, "endpoint") and hasattr(route, "methods"):
            yield route.path, route, set(route.methods or ())


def sample_path(path: str, draft_id: int) -> str:
    values = {"code": "SOC_DIBAO_STANDARD", "obs_id": str(draft_id), "region": "440402", "report_id": "1"}
    values |= {"notice_id": "1", "index": "0"}
    if path.startswith("/ledger/") or path.startswith("/api/v1/tasks/"):
        values["code"] = "2017-003"
    return re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "x"), path)


SAMPLE_QUERY = {"/api/v1/gaps": {"indicator": "SOC_DIBAO_STANDARD", "period": "2017"}}


def test_every_route_declares_a_policy(site: tuple[object, Database, int]) -> None:
    app = site[0]
    found = list(routes(app))
    missing = [path for path, route, _ in found if policy_of(route) is None and path not in FRAMEWORK]
    assert missing == []
    assert len(found) >= 20


def test_a_route_without_a_policy_is_found() -> None:
    from fastapi import APIRouter, FastAPI

    from jundeng.web.auth import routes as app_routes

    app, router = FastAPI(), APIRouter()
    router.get("/open")(lambda: {})
    app.include_router(router)
    assert [policy_of(r) for r in app_routes(app)] == [None]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_against_every_role(site: tuple[object, Database, int], role: str) -> None:
    app, _db, draft_id = site
    client = client_for(app, role)
    checked = 0
    for path, route, methods in routes(app):
        if path in FRAMEWORK or path in ("/api/v1/login", "/api/v1/logout", "/logout"):
            continue  # logging in or out would change this client's session; they have tests of their own
        allowed = policy_of(route) or ()
        for method in sorted(methods - {"HEAD"}):
            # writes go to an approved value (the decision answers 409), so the draft stays a draft
            url = sample_path(path, draft_id if method == "GET" else 1)
            response = client.request(method, url, params=SAMPLE_QUERY.get(path), follow_redirects=False)
            where = f"{method} {url} as {role}"
            if role in allowed:
                assert response.status_code not in (401, 403), where
                assert response.status_code < 500, where
            elif role == "public":
                assert response.status_code in (401, 303), where  # pages redirect to /login
            else:
                assert response.status_code == 403, where
            checked += 1
    assert checked >= 15


OPEN_FORMATS = {"fmt": ("csv", "xlsx", "json")}


def test_the_open_site_is_public_and_shows_nothing_unpublished(site: tuple[object, Database, int]) -> None:
    """Every route of the open-data site (/open…) is open to every role, answers an anonymous visitor, and
    reads an unpublished code as an unknown one (404) on every route that takes a code."""
    app = site[0]
    client = client_for(app, "public")
    found = [(path, route) for path, route, methods in routes(app) if path.startswith("/open") and "GET" in methods]
    assert len(found) >= 5
    for path, route in found:
        assert policy_of(route) == ROLES, path
        for fmt in OPEN_FORMATS["fmt"] if "{fmt}" in path else ("",):
            url = path.replace("{fmt}", fmt)
            published = client.get(url.replace("{code}", "SOC_DIBAO_STANDARD"))
            assert published.status_code == 200, url
            if "{code}" in path:
                assert client.get(url.replace("{code}", "EDU_NEW_SCHOOLS")).status_code == 404, url
            else:
                assert "EDU_NEW_SCHOOLS" not in published.text, url


def test_another_districts_draft_is_invisible(site: tuple[object, Database, int]) -> None:
    app, _db, draft_id = site
    assert client_for(app, "district").get(f"/api/v1/observations/{draft_id}").status_code == 404
    assert client_for(app, "viewer").get(f"/api/v1/observations/{draft_id}").status_code == 404  # not approved
    assert client_for(app, "office").get(f"/api/v1/observations/{draft_id}").status_code == 200
    assert client_for(app, "public").get(f"/api/v1/observations/{draft_id}").status_code == 401
    listed = client_for(app, "district").get("/api/v1/observations", params={"region": "440403100"}).json()
    assert listed["total"] == 0


def test_scopes_narrow_lists(site: tuple[object, Database, int]) -> None:
    app = site[0]
    public = {i["code"] for i in client_for(app, "public").get("/api/v1/indicators").json()}
    assert public == {"SOC_DIBAO_STANDARD", "EDU_DISABLED_CHILD_ENROLMENT", "EMP_URBAN_REG_UNEMPLOYMENT"}
    department = {i["domain"] for i in client_for(app, "department").get("/api/v1/indicators").json()}
    assert department == {"education"}
    rows = client_for(app, "district").get("/api/v1/observations", params={"size": 1000}).json()["items"]
    assert rows and all(r["region"].startswith("440402") for r in rows)
    tasks = client_for(app, "department").get("/api/v1/tasks", params={"today": "2017-09-30"}).json()["items"]
    assert tasks and all("市教育局" in t["lead_units"] + t["responsible_units"] for t in tasks)


def test_a_district_cannot_report_for_another_district(site: tuple[object, Database, int], tmp_path: Path) -> None:
    client = client_for(site[0], "district")
    files = {"file": ("d.csv", b"indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,710\n", "text/csv")}
    result = client.post("/api/v1/observations/import", files=files).json()
    assert not result["accepted"] and "d.csv:2:1: 无权报送" in result["errors"][0]


def test_writes_need_the_csrf_header(site: tuple[object, Database, int]) -> None:
    client = client_for(site[0], "office")
    del client.headers["x-csrftoken"]
    assert client.post("/api/v1/publications/SOC_DIBAO_STANDARD").status_code == 403


def test_login_is_rate_limited_and_errors_are_bilingual(site: tuple[object, Database, int]) -> None:
    client = client_for(site[0], "public")
    wrong = client.post("/api/v1/login", json={"username": "office", "password": "wrong-password"})
    assert wrong.status_code == 401 and wrong.json()["error"]["en"] == "wrong user name or password"
    codes = [
        client.post("/api/v1/login", json={"username": "office", "password": "wrong-password"}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 4 + [429] * 2
    locked = client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0, "locked: the right one waits too"
    assert locked.json()["error"]["zh"] and locked.json()["error"]["en"]
    assert client.post("/api/v1/login", json={"username": "viewer", "password": DEMO_PASSWORD}).status_code == 200


NEW_ACCOUNTS = [
    ({"role": "district"}, "region"),
    ({"role": "district", "region": "999999"}, "unknown region"),
    ({"role": "viewer", "region": "nowhere"}, "unknown region"),
    ({"role": "department"}, "domain"),
    ({"role": "department", "domains": ["education", "astrology"]}, "unknown domains: astrology"),
    ({"role": "office", "password": "password1234"}, "too common"),
    ({"role": "office", "password": "newclerk-2024"}, "user name"),
    ({"role": "office", "password": "long\u200benough-pw"}, "invisible"),
]


@pytest.mark.parametrize(("fields", "reason"), NEW_ACCOUNTS)
def test_accounts_are_created_with_valid_fields_only(
    site: tuple[object, Database, int], fields: dict[str, object], reason: str
) -> None:
    admin = client_for(site[0], "admin")
    body = {"username": "newclerk", "password": "tidal-basin-42"} | fields
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert reason in error["en"] and error["zh"], error
    assert "newclerk" not in {u["username"] for u in admin.get("/api/v1/users").json()}


def test_a_valid_account_is_created(site: tuple[object, Database, int]) -> None:
    admin = client_for(site[0], "admin")
    for body in (
        {"username": "jinwan", "password": "tidal-basin-42", "role": "district", "region": "440404"},
        {"username": "health", "password": "tidal-basin-42", "role": "department", "domains": ["health"]},
    ):
        assert admin.post("/api/v1/users", json=body).status_code == 201, body


def test_security_headers_and_cookie_flags(site: tuple[object, Database, int]) -> None:
    limiter.reset()
    client = TestClient(site[0])  # type: ignore[arg-type]
    response = client.post("/api/v1/login", json={"username": "viewer", "password": DEMO_PASSWORD})
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("session="))
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    headers = client.get("/api/v1/me").headers
    assert headers["x-content-type-options"] == "nosniff" and "default-src 'self'" in headers["content-security-policy"]


def test_office_loads_a_catalogue_file_with_located_errors(site: tuple[object, Database, int]) -> None:
    client = client_for(site[0], "office")
    bad = b"domains: [{code: edu2, name: x}]\nindicators:\n  - {code: NEW1, name: n, domain: nowhere, unit: x}\n"
    result = client.post("/api/v1/catalog", files={"file": ("c.yaml", bad, "text/yaml")}).json()
    assert not result["accepted"] and result["errors"][0].startswith("c.yaml:3:")
    good = bad.replace(b"nowhere", b"edu2")
    result = client.post("/api/v1/catalog", files={"file": ("c.yaml", good, "text/yaml")}).json()
    assert result["accepted"] and result["written"] == 2
    codes = {i["code"] for i in client.get("/api/v1/indicators").json()}
    assert "NEW1" in codes
    assert (
        client_for(site[0], "district")
        .post("/api/v1/catalog", files={"file": ("c.yaml", good, "text/yaml")})
        .status_code
        == 403
    )


def test_signing_out_revokes_copied_session_cookies(site: tuple[object, Database, int]) -> None:
    client = client_for(site[0], "viewer")
    stolen = dict(client.cookies)
    assert client.get("/api/v1/me").json()["username"] == "viewer"
    assert client.post("/api/v1/logout").status_code == 200
    thief = TestClient(site[0])  # type: ignore[arg-type]
    thief.cookies.update(stolen)
    assert thief.get("/api/v1/me").json()["role"] == "public", "a cookie issued before sign-out no longer works"
    again = client_for(site[0], "viewer")
    assert again.get("/api/v1/me").json()["username"] == "viewer"
