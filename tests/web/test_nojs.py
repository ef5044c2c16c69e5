"""Without JavaScript: the sign-in form posts (never by GET) to /login with its CSRF token and answers with a
redirect or the page again; the upload forms answer with pages; bad query parameters on pages answer a bilingual
page, not JSON; the API docs are served from this site only. One test signs in in Chromium with JavaScript off."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from jundeng.services import users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store.db import Database
from jundeng.web import docs
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, free_port, fresh_database, uvicorn_thread

TOKEN = re.compile(r'name="csrftoken" value="([^"]*)"')


@pytest.fixture(scope="module")
def site(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Database]]:
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("nojs"))
    app = create_app(db.url, secret_key="nojs-secret")
    yield app, db
    app.state.db.dispose()
    drop()


def fresh(app: FastAPI) -> TestClient:
    """A browser without JavaScript: no CSRF header, only cookies and form fields."""
    limiter.reset()
    users.throttle(app.state.db).clear()
    return TestClient(app)


def login_form(client: TestClient, next: str = "/") -> str:
    """Open the sign-in page; return the token of its hidden field."""
    page = client.get("/login", params={"next": next})
    assert page.status_code == 200
    found = TOKEN.search(page.text)
    assert found and found.group(1)
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD, next: str = "/") -> Response:
    token = login_form(client, next)
    fields = {"username": username, "password": password, "next": next, "csrftoken": token}
    return client.post("/login", data=fields, follow_redirects=False)


def test_the_login_form_posts_and_carries_the_token_of_a_first_visit(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    page = client.get("/login")
    form = re.search(r'<form id="login-form"[^>]*>', page.text)
    assert form and 'method="post"' in form.group(0) and 'action="/login"' in form.group(0)
    token = TOKEN.search(page.text)
    assert token and token.group(1) == client.cookies.get("csrftoken"), "the page's token is the cookie it sets"


def test_signing_in_with_the_form_goes_to_next(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    answer = sign_in(client, "office", next="/ledger")
    assert answer.status_code == 303 and answer.headers["location"] == "/ledger"
    assert DEMO_PASSWORD not in answer.headers["location"]
    assert client.get("/api/v1/me").json()["username"] == "office"


def test_another_site_is_never_the_target(site: tuple[FastAPI, Database]) -> None:
    answer = sign_in(fresh(site[0]), "office", next="//evil.example/")
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_a_wrong_password_shows_the_form_again_in_the_chosen_language(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    answer = sign_in(client, "office", password="wrong-password-123")
    assert answer.status_code == 401 and answer.headers["content-type"].startswith("text/html")
    assert 'id="login-form"' in answer.text and 'value="office"' in answer.text
    assert "wrong-password-123" not in answer.text
    assert "用户名或密码" in answer.text
    client.cookies.set("lang", "en")
    assert "wrong user name or password" in sign_in(client, "office", password="wrong-password-123").text
    assert client.get("/api/v1/me").json()["role"] == "public"


def test_the_form_is_throttled_as_the_api(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    codes = [sign_in(client, "viewer", password="wrong-password-123").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    locked = sign_in(client, "viewer")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert locked.headers["content-type"].startswith("text/html") and 'id="login-form"' in locked.text


def test_empty_fields_show_the_form_again(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    token = login_form(client)
    answer = client.post("/login", data={"username": "office", "csrftoken": token}, follow_redirects=False)
    assert answer.status_code == 422 and "请输入用户名和密码" in answer.text


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_the_form_needs_its_token_even_before_signing_in(site: tuple[FastAPI, Database], token: str | None) -> None:
    client = fresh(site[0])
    login_form(client)
    fields = {"username": "office", "password": DEMO_PASSWORD}
    if token is not None:
        fields["csrftoken"] = token
    answer = client.post("/login", data=fields, follow_redirects=False)
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    assert "CSRF" in answer.text and client.get("/api/v1/me").json()["role"] == "public"


def test_a_token_of_another_site_is_refused(site: tuple[FastAPI, Database]) -> None:
    other = TestClient(create_app(site[1].url, secret_key="another-secret"))
    foreign = login_form(other)
    client = fresh(site[0])
    client.cookies.set("csrftoken", foreign)
    fields = {"username": "office", "password": DEMO_PASSWORD, "csrftoken": foreign}
    assert client.post("/login", data=fields, follow_redirects=False).status_code == 403


def test_the_api_login_still_answers_json(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    answer = client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD})
    assert answer.status_code == 200 and answer.json()["username"] == "office"


def test_the_data_upload_form_answers_with_a_page(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    assert sign_in(client, "doumen").status_code == 303
    page = client.get("/data").text
    form = re.search(r'<form id="upload-form"[^>]*>', page)
    assert form and 'method="post"' in form.group(0) and 'action="/data/upload"' in form.group(0)
    token = TOKEN.search(page)
    assert token
    bad = b"indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,abc\n"
    answer = client.post("/data/upload", data={"csrftoken": token.group(1)}, files={"file": ("d.csv", bad, "text/csv")})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
    assert re.search(r'<ul class="problems errors" id="result-errors"><li>第 2 行第 \d+ 列：', answer.text)
    assert "未写入任何数据" in answer.text
    good = b"indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,812\n"
    fields = {"csrftoken": token.group(1), "dry_run": "true"}
    answer = client.post("/data/upload", data=fields, files={"file": ("d.csv", good, "text/csv")})
    assert answer.status_code == 200 and "仅校验，未写入" in answer.text
    no_token = client.post("/data/upload", files={"file": ("d.csv", good, "text/csv")})
    assert no_token.status_code == 403 and no_token.headers["content-type"].startswith("text/html")


def test_the_catalog_upload_form_answers_with_a_page(site: tuple[FastAPI, Database]) -> None:
    client = fresh(site[0])
    assert sign_in(client, "office").status_code == 303
    page = client.get("/admin/catalog").text
    assert 'action="/admin/catalog/upload"' in page
    token = TOKEN.search(page)
    assert token
    answer = client.post(
        "/admin/catalog/upload",
        data={"csrftoken": token.group(1), "dry_run": "true"},
        files={"file": ("c.yaml", b"indicators: [{code: 1}]\n", "application/yaml")},
    )
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
    assert 'id="result-errors"' in answer.text and 'href="/admin/catalog"' in answer.text


@pytest.mark.parametrize("url", ["/appraisal?year=abc", "/data?history=abc", "/regions/440402?year=x"])
def test_bad_parameters_on_pages_answer_a_bilingual_page(site: tuple[FastAPI, Database], url: str) -> None:
    client = fresh(site[0])
    assert sign_in(client, "office").status_code == 303
    answer = client.get(url, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html"), answer.text
    assert "输入无效" in answer.text and "invalid input" in answer.text
    name = url.split("?")[1].split("=")[0]
    assert f"query.{name}:" in answer.text
    assert client.get(url, headers={"accept": "application/json"}).json()["error"]["status"] == 422


def test_the_api_keeps_its_json_errors(site: tuple[FastAPI, Database]) -> None:
    answer = fresh(site[0]).get("/api/v1/observations", params={"page": "abc"})
    assert answer.status_code == 422 and answer.json()["error"]["detail"][0]["loc"] == ["query", "page"]


def test_the_api_docs_use_only_this_sites_scripts(site: tuple[FastAPI, Database]) -> None:
    if not docs.BUNDLE.exists():
        pytest.skip("Swagger UI is not installed in jundeng/web/static/vendor/swagger-ui (make assets)")
    client = fresh(site[0])
    page = client.get("/api/docs")
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts), "no inline script (the CSP forbids it)"
    sources = [re.search(r'src="([^"]*)"', attrs) for attrs, _ in scripts]
    assert all(s and s.group(1).startswith("/static/") for s in sources), sources
    assert not re.search(r'(src|href)="(https?:)?//', page.text), "nothing from another site"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for source in [s.group(1) for s in sources if s] + ["/static/vendor/swagger-ui/swagger-ui.css"]:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 500, source
    assert client.get("/api/v1/openapi.json").json()["info"]["title"].startswith("Jundeng")


def test_the_api_docs_say_how_to_install_them_when_missing(
    site: tuple[FastAPI, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "BUNDLE", docs.VENDOR / "absent.js")
    page = fresh(site[0]).get("/api/docs")
    assert page.status_code == 503 and "make assets" in page.text


@pytest.mark.browser
def test_signing_in_without_javascript_lands_on_the_overview(site: tuple[FastAPI, Database]) -> None:
    from tests.web.test_e2e import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (make browser)")
    from playwright.sync_api import sync_playwright

    app = create_app(site[1].url, secret_key="nojs-browser")
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="off", ws="none")
    limiter.reset()
    users.throttle(site[1]).clear()
    with uvicorn_thread(config) as port, sync_playwright() as p:
        base = f"http://127.0.0.1:{port}"
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.set_default_timeout(15_000)
            seen: list[str] = []
            page.on("request", lambda request: seen.append(request.url))
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "office")
            page.fill("input[name=password]", "wrong-password-123")
            page.click("#login-form button[type=submit]")
            page.wait_for_selector("#login-error.error")
            assert page.url == f"{base}/login"
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(f"{base}/")
            assert "均等化办" in page.inner_text("header .who")
            assert not [u for u in seen if "password" in u or DEMO_PASSWORD in u or "/api/" in u]
            if docs.BUNDLE.exists():  # the API docs render under the Content-Security-Policy
                scripted = browser.new_page()
                problems: list[str] = []
                scripted.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                scripted.on("pageerror", lambda exc: problems.append(str(exc)))
                scripted.goto(f"{base}/api/docs")
                scripted.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
                assert "Jundeng" in scripted.inner_text(".swagger-ui .info .title")
                assert scripted.locator(".opblock").count() > 10
                assert problems == []
        finally:
            browser.close()
    app.state.db.dispose()
