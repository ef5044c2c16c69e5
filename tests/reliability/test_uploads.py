"""Uploads and request bodies under hostile input: imports run off the event loop, bodies are bounded before
they are stored (401 for anonymous callers of closed routes, 413 above the limit, also when chunked), hostile
file names never fail, and the error list of a broken file is capped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from jundeng.errors import Problem
from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from jundeng.web.schemas import ImportResult
from jundeng.web.uploads import MB, safe_name
from tests.conftest import Templates, fresh_database

IMPORT = "/api/v1/observations/import"
HEADER = "indicator,region,period,value\n"
BOUNDARY = "jundeng-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture(scope="module")
def app(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The demo site (SQLite) behind the app, with the default limits."""
    db, drop = fresh_database("sqlite", site_templates, tmp_path_factory.mktemp("uploads"))
    app = create_app(db.url, secret_key="uploads")
    yield app
    app.state.db.dispose()
    drop()


@pytest.fixture(scope="module")
def limited(app: FastAPI) -> FastAPI:
    """An app on the same site that admits uploads of up to 1 MB ($JUNDENG_MAX_UPLOAD_MB)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUNDENG_MAX_UPLOAD_MB", "1")
        return create_app(app.state.db.url, secret_key="uploads")


def office(app: FastAPI) -> TestClient:
    """Return a client signed in as the office, with its CSRF header."""
    limiter.reset()
    client = TestClient(app)
    client.get("/api/v1/me")
    assert client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD}).status_code == 200
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    return client


def multipart(filename: str, content: bytes) -> bytes:
    """Return a multipart body with one file part (the name written raw, as a hostile client may)."""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
    return head.encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def call(app: FastAPI, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, Any, int]:
    """POST ``chunks`` to ``app`` as a raw ASGI request; return the status, the JSON body and how many chunks
    the app read."""
    read = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal read
        if read == len(chunks):
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body), read


def cookies(client: TestClient) -> dict[str, str]:
    """Return the session cookie and CSRF header of a signed-in client, as raw request headers."""
    jar = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"cookie": jar, "x-csrftoken": client.cookies["csrftoken"]}


def test_an_import_does_not_hold_up_other_requests(app: FastAPI) -> None:
    rows = "".join(f"SOC_DIBAO_STANDARD,440402,{1000 + i % 900},{i}\n" for i in range(40_000))
    content = (HEADER + rows).encode()
    finished: list[str] = []

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/api/v1/me")
            limiter.reset()
            signed = await client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD})
            assert signed.status_code == 200
            client.headers["x-csrftoken"] = client.cookies["csrftoken"]

            async def upload() -> None:
                files = {"file": ("big.csv", content, "text/csv")}
                response = await client.post(IMPORT, files=files, data={"dry_run": "true"})
                assert response.status_code == 200
                finished.append("import")

            async def me() -> None:
                await anyio.sleep(0.1)  # the import is under way
                assert (await client.get("/api/v1/me")).status_code == 200
                finished.append("me")

            async with anyio.create_task_group() as group:
                group.start_soon(upload)
                group.start_soon(me)

    anyio.run(run)
    assert finished == ["me", "import"]


def test_an_anonymous_body_is_refused_before_it_is_read(app: FastAPI) -> None:
    huge = {"content-type": MULTIPART, "content-length": str(300 * MB)}
    status, body, read = call(app, IMPORT, huge, [b"x" * 65536] * 4)
    assert (status, read) == (401, 0)
    assert body["error"]["zh"] and body["error"]["en"] == "login required"
    # a route open to the public refuses a body over its limit (1 MB) just as early
    status, body, read = call(app, "/api/v1/login", huge | {"content-type": "application/json"}, [b"{}"])
    assert (status, read) == (413, 0)
    assert "1 MB" in body["error"]["zh"] and "1 MB" in body["error"]["en"]


def test_a_signed_in_upload_over_the_limit_is_refused(limited: FastAPI) -> None:
    client = office(limited)
    too_big = (HEADER + "SOC_DIBAO_STANDARD,440402,2017,700\n" * 40_000).encode()
    assert len(too_big) > MB
    response = client.post(IMPORT, files={"file": ("big.csv", too_big, "text/csv")})
    assert response.status_code == 413
    assert response.json()["error"]["en"] == "the request body exceeds the limit of 1 MB"
    declared = cookies(client) | {"content-type": MULTIPART, "content-length": str(300 * MB)}
    status, _body, read = call(limited, IMPORT, declared, [b"x" * 65536])
    assert (status, read) == (413, 0)
    small = (HEADER + "SOC_DIBAO_STANDARD,440402,2017,700\n").encode()
    assert client.post(IMPORT, files={"file": ("ok.csv", small)}, data={"dry_run": "true"}).status_code == 200


def test_a_chunked_body_over_the_limit_is_refused(limited: FastAPI) -> None:
    headers = cookies(office(limited)) | {"content-type": MULTIPART}  # no content-length: the body is streamed
    start = multipart("big.csv", HEADER.encode())[: -len(f"\r\n--{BOUNDARY}--\r\n")]
    chunks = [start] + [b"SOC_DIBAO_STANDARD,440402,2017,700\n" * 2000] * 100  # about 7 MB
    status, body, read = call(limited, IMPORT, headers, chunks)
    assert status == 413 and body["error"]["status"] == 413
    assert read < 30  # stopped at the limit, not at the end
    json_headers = headers | {"content-type": "application/json"}
    status, _body, read = call(limited, "/api/v1/observations/1/approve", json_headers, [b" " * 65536] * 100)
    assert status == 413 and read < 20


@pytest.mark.parametrize("name", ["..", ".", "/", "a\x00b.csv", "x" * 300 + ".csv", "../../etc/passwd.csv", ""])
def test_hostile_file_names_never_fail(app: FastAPI, name: str) -> None:
    headers = cookies(office(app)) | {"content-type": MULTIPART}
    content = (HEADER + "SOC_DIBAO_STANDARD,440402,2017,700\nNOPE,440402,2017,1\n").encode()
    status, body, _read = call(app, IMPORT, headers, [multipart(name, content)])
    assert status == 200, body
    located = body["errors"][0].split(":")[0]
    assert located == safe_name(name, "upload.csv")
    assert "/" not in located and "\x00" not in located and len(located) <= 100 and located.strip(".")


def test_safe_names_keep_the_suffix() -> None:
    assert safe_name("..", "upload.csv") == "upload.csv"
    assert safe_name("C:\\data\\县区.xlsx", "upload.csv") == "县区.xlsx"
    assert safe_name("a\x00b.csv", "upload.csv") == "ab.csv"
    long = safe_name("y" * 300 + ".xlsx", "upload.csv")
    assert len(long) == 100 and long.endswith(".xlsx")
    assert safe_name("z" * 300, "catalog.yaml").endswith(".yaml")


def test_the_error_list_of_a_broken_file_is_capped(app: FastAPI) -> None:
    rows = "".join(f"NOPE,440402,2017,{i}\n" for i in range(5000))
    response = office(app).post(IMPORT, files={"file": ("bad.csv", (HEADER + rows).encode())})
    result = response.json()
    assert not result["accepted"] and result["errors_total"] >= len(result["errors"]) >= 1000
    assert len(result["errors"]) <= 1002 and len(response.content) < 300_000  # 1000, a reader's and our summary
    assert any("未列出" in e and "not listed" in e for e in result["errors"])


def test_an_import_result_lists_1000_problems_and_counts_them_all() -> None:
    errors = [Problem("bad.csv", row, 1, "未知的指标代码", "unknown indicator code") for row in range(2, 5002)]
    warnings = [Problem("bad.csv", 2, 4, "变动过大", "large change", "warning")] * 3
    result = ImportResult.of(accepted=False, written=0, unchanged=0, errors=errors, warnings=warnings)
    assert (result.errors_total, result.warnings_total, len(result.warnings)) == (5000, 3, 3)
    assert len(result.errors) == 1002 and result.errors[:2] == [str(errors[0]), str(errors[1])]
    assert "另有 3999 处问题未列出" in result.errors[-1] and "3999 more problems not listed" in result.errors[-1]
