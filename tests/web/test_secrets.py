"""No page or API call puts a password, a session cookie, a CSRF token or the app's secret key in a URL or a log
line: a live server (uvicorn's access and error logs captured) is signed in to by the HTML form and by the API,
right and wrong, and walked through pages, uploads, errors and sign-out; every URL asked for, every redirect and
every link, image, script and form target of every page is searched for them, and so is every log record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus

import httpx2
import pytest
import uvicorn

from jundeng.services import users
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, free_port, fresh_database, uvicorn_thread

SECRET_KEY = "secret-key-of-the-leak-test-5f2c9a"
WRONG = "not-the-password-8d41"
PAGES = [
    "/",
    "/ledger",
    "/data",
    "/indicators",
    "/appraisal",
    "/appraisal?year=abc",
    "/regions/440402",
    "/admin/catalog",
    "/no-such-page",
    "/api/docs",
    "/login?next=/ledger",
]
CLIENT = {"httpx2", "httpcore2", "hpack", "asyncio"}  # this test's own client logs: not the server's
API = ["/api/v1/me", "/api/v1/indicators", "/api/v1/observations?page=abc", "/api/v1/tasks", "/api/v1/nothing"]


class Links(HTMLParser):
    """Every URL a page links to (href, src, action, formaction) and the fields of every form not posted."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.get_fields: list[str] = []  # names of the inputs of forms sent by GET (they land in the URL)
        self._method: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.urls += [found[k] for k in ("href", "src", "action", "formaction") if k in found]
        if tag == "form":
            self._method = found.get("method", "get").lower()
        elif tag in ("input", "textarea", "select") and self._method not in (None, "post"):
            self.get_fields.append(found.get("name", ""))
            if found.get("type") == "password":
                self.get_fields.append("password")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._method = None


@pytest.fixture(scope="module")
def server(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    """The app served by uvicorn with its access log on, its records left to reach the root logger (caplog)."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("secrets"))
    app = create_app(db.url, secret_key=SECRET_KEY)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=free_port(),
        log_level="debug",
        access_log=True,
        log_config=None,
        lifespan="off",
        ws="none",
    )
    with uvicorn_thread(config) as port:
        yield f"http://127.0.0.1:{port}", db
    app.state.db.dispose()
    drop()


def _token(text: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', text)
    assert found, "the page carries the CSRF token in a hidden field"
    return found.group(1)


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote_plus(secret)}


def test_no_secret_in_a_url_or_a_log_line(server: tuple[str, Database], caplog: pytest.LogCaptureFixture) -> None:
    base, db = server
    caplog.set_level(logging.DEBUG)
    limiter.reset()
    users.throttle(db).clear()
    urls: list[str] = []
    pages: list[str] = []
    secrets = {DEMO_PASSWORD, WRONG, SECRET_KEY}

    def seen(response: httpx2.Response) -> None:
        urls.append(str(response.request.url))
        if "location" in response.headers:
            urls.append(response.headers["location"])

    hooks = {"response": [seen]}
    with httpx2.Client(base_url=base, follow_redirects=True, event_hooks=hooks, timeout=120) as browser:
        token = _token(browser.get("/login").text)
        fields = {"username": "office", "password": WRONG, "next": "/ledger", "csrftoken": token}
        wrong = browser.post("/login", data=fields)
        assert wrong.status_code == 401
        pages.append(wrong.text)
        signed = browser.post("/login", data=fields | {"password": DEMO_PASSWORD})
        assert signed.status_code == 200 and signed.history and signed.url.path == "/ledger"
        secrets |= {browser.cookies["session"], browser.cookies["csrftoken"]}
        for url in PAGES:
            answer = browser.get(url)
            assert answer.status_code < 500, url
            pages.append(answer.text)
        bad = b"indicator,region,period,value\nSOC_DIBAO_STANDARD,440403,2017,abc\n"
        upload = browser.post("/data/upload", data={"csrftoken": token}, files={"file": ("d.csv", bad, "text/csv")})
        assert upload.status_code == 422
        pages.append(upload.text)
        forged = browser.post("/data/upload", data={"csrftoken": "forged"}, files={"file": ("d.csv", bad, "text/csv")})
        assert forged.status_code == 403
        assert browser.get("/logout").status_code == 200
    with httpx2.Client(base_url=base, event_hooks=hooks, timeout=120) as client:
        client.get("/api/v1/me")
        refused = client.post("/api/v1/login", json={"username": "viewer", "password": WRONG})
        assert refused.status_code == 401
        assert client.post("/api/v1/login", json={"username": "viewer", "password": DEMO_PASSWORD}).status_code == 200
        secrets |= {client.cookies["session"], client.cookies["csrftoken"]}
        for url in API:
            assert client.get(url).status_code < 500, url
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        assert client.post("/api/v1/logout").status_code == 200
    for text in pages:
        links = Links()
        links.feed(text)
        urls += links.urls
        assert not {"password", "csrftoken"} & set(links.get_fields), "a form sent by GET puts these in the URL"
    records = [r for r in caplog.records if r.name.split(".")[0] not in CLIENT]
    assert len(urls) > 100 and len(records) > 20, "the walk asked for pages and the server logged them"
    assert any('"POST /login HTTP/1.1" 303' in r.getMessage() for r in records), "the access log is captured"
    lines = [f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records]
    for secret in secrets:
        assert len(secret) >= 12
        for form in _forms(secret):
            assert not [u for u in urls if form in u], f"a URL carries a secret ({secret[:4]}…)"
            assert not [line for line in lines if form in line], f"a log line carries a secret ({secret[:4]}…)"


def test_the_leak_test_finds_a_password_in_a_url(
    server: tuple[str, Database], caplog: pytest.LogCaptureFixture
) -> None:
    """The test above can fail: a sign-in sent by GET (what the form did without JavaScript) is seen."""
    base, _db = server
    caplog.set_level(logging.DEBUG)
    with httpx2.Client(base_url=base) as client:
        asked = client.get("/api/v1/login", params={"username": "office", "password": WRONG})
    assert asked.status_code == 405
    assert WRONG in str(asked.request.url)
    assert any(WRONG in r.getMessage() for r in caplog.records if r.name == "uvicorn.access"), "its access log too"
    links = Links()
    links.feed('<form action="/api/v1/login"><input name="username"><input name="password" type="password"></form>')
    assert "password" in links.get_fields
