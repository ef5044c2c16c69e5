"""Signing in under attack: failures are throttled per account and per client address, the address is the
one the trusted proxies saw (never a header the client wrote), successes are never limited, and the page
sends nobody to another site after signing in."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request
from typer.testing import CliRunner

from jundeng.cli.app import app as cli
from jundeng.errors import JundengError
from jundeng.services import users
from jundeng.store import users_repo
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import client_address, parse_proxies, trust_proxies
from jundeng.web.pages import safe_next
from tests.conftest import Templates, fresh_database, uvicorn_thread

PASSWORD = "tidal-basin-42"
LOGIN = "/api/v1/login"


@pytest.fixture(scope="module")
def url(mini_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with two accounts, alice (office) and bob (viewer); each test opens its own app on it.

    Passwords are hashed with argon2 at its lowest cost here: these tests count hundreds of attempts, and
    what they check is which attempts are refused, not what one costs."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users_repo, "_hasher", cheap)
        patch.setattr(users_repo, "_DUMMY_HASH", cheap.hash("no-such-user"))
        db, drop = fresh_database("sqlite", mini_templates, tmp_path_factory.mktemp("login"))
        users.create(db, username="alice", password=PASSWORD, role="office", by="test")
        users.create(db, username="bob", password=PASSWORD, role="viewer", by="test")
        yield db.url
        drop()


class Clock:
    """A hand-moved clock for the throttle."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def site(url: str, peer: str = "203.0.113.9") -> tuple[FastAPI, TestClient, Clock]:
    """A fresh app (fresh counters) on ``url``, a client connecting from ``peer`` and the throttle's clock."""
    app = create_app(url, secret_key="login-test")
    clock = Clock()
    users.throttle(app.state.db).clock = clock
    return app, TestClient(app, client=(peer, 40000)), clock


def sign_in(client: TestClient, username: str, password: str = PASSWORD, **headers: str) -> httpx2.Response:
    """Post credentials as a fresh visitor (no session cookie, so no CSRF token is needed)."""
    client.cookies.clear()
    return client.post(LOGIN, json={"username": username, "password": password}, headers=headers)


def test_the_account_is_locked_after_five_failures_and_the_lock_grows(url: str) -> None:
    _app, client, clock = site(url)
    assert [sign_in(client, "alice", "wrong-guess").status_code for _ in range(5)] == [401] * 5
    refused = sign_in(client, "alice")  # the right password, during the lock
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    error = refused.json()["error"]
    assert "该账户" in error["zh"] and "this account" in error["en"] and "30" in error["en"]
    assert sign_in(client, "bob").status_code == 200, "only the account tried is locked, not the address"
    clock.now += 30
    assert sign_in(client, "alice", "wrong-again").status_code == 401  # the 6th failure: 60 s
    assert sign_in(client, "alice").headers["retry-after"] == "60"
    clock.now += 60
    assert sign_in(client, "alice").status_code == 200, "the lock is over: the right password signs in"
    assert [sign_in(client, "alice", "wrong-guess").status_code for _ in range(4)] == [401] * 4, "forgotten"
    assert sign_in(client, "alice").status_code == 200


def test_the_longest_lock_is_fifteen_minutes_and_an_hour_forgets(url: str) -> None:
    _app, client, clock = site(url)
    for _ in range(12):
        assert sign_in(client, "alice", "wrong-guess").status_code == 401
        clock.now += 15 * 60
    assert sign_in(client, "alice", "wrong-guess").status_code == 401
    assert sign_in(client, "alice").headers["retry-after"] == str(15 * 60)
    clock.now += 3601
    assert [sign_in(client, "alice", "wrong-guess").status_code for _ in range(5)] == [401] * 5


def test_unknown_names_are_throttled_like_real_ones(url: str) -> None:
    _app, client, _clock = site(url)
    for name in ("alice", "nobody-here"):
        codes = [sign_in(client, name, "wrong-guess").status_code for _ in range(6)]
        assert codes == [401] * 5 + [429], name


def test_successful_sign_ins_are_never_limited(url: str) -> None:
    _app, client, _clock = site(url)
    assert {sign_in(client, "bob").status_code for _ in range(40)} == {200}  # was 429 from the 11th on


def test_the_address_limit_counts_failures_only(url: str) -> None:
    _app, client, clock = site(url)
    assert {sign_in(client, f"user{i}", "wrong-guess").status_code for i in range(29)} == {401}
    assert sign_in(client, "alice").status_code == 200, "29 failures from one address are under the limit"
    assert sign_in(client, "user99", "wrong-guess").status_code == 401  # the 30th failure
    refused = sign_in(client, "bob")
    assert refused.status_code == 429 and "此地址" in refused.json()["error"]["zh"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    other = TestClient(client.app, client=("198.51.100.20", 40000))
    assert sign_in(other, "bob").status_code == 200, "another address is not limited"
    clock.now += 61
    assert sign_in(client, "bob").status_code == 200, "a minute later the address may sign in again"


def test_parallel_guesses_cannot_slip_through(url: str) -> None:
    db = Database(url)
    try:
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(lambda _: attempt(db, "alice", "wrong-guess"), range(16)))
    finally:
        db.dispose()
    assert outcomes.count(401) == 5 and outcomes.count(429) == 11


def attempt(db: Database, username: str, password: str) -> int:
    try:
        users.sign_in(db, username=username, password=password, client="192.0.2.1")
    except JundengError as exc:
        return exc.status
    return 200


def request_from(peer: str, *forwarded: str, app: FastAPI | None = None) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    scope = {"type": "http", "client": (peer, 1234), "headers": headers, "app": app or FastAPI()}
    return Request(scope)


def test_the_client_address_believes_trusted_proxies_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUNDENG_TRUSTED_PROXIES", raising=False)
    assert client_address(request_from("203.0.113.5", "1.2.3.4")) == "203.0.113.5", "no proxy trusted by default"
    app = FastAPI()
    trust_proxies(app, parse_proxies("10.0.0.0/8, 192.0.2.1"))
    assert client_address(request_from("203.0.113.5", "1.2.3.4", app=app)) == "203.0.113.5", "not a proxy"
    assert client_address(request_from("10.1.1.1", "1.2.3.4, 198.51.100.7", app=app)) == "198.51.100.7"
    assert client_address(request_from("10.1.1.1", "1.2.3.4", "198.51.100.7, 10.2.2.2", app=app)) == "198.51.100.7"
    assert client_address(request_from("192.0.2.1", "[2001:db8::1]:443", app=app)) == "2001:db8::1"
    assert client_address(request_from("10.1.1.1", "garbage", app=app)) == "10.1.1.1"
    assert client_address(request_from("10.1.1.1", app=app)) == "10.1.1.1"
    assert client_address(request_from("10.1.1.1", "10.3.3.3, 10.4.4.4", app=app)) == "10.3.3.3"
    monkeypatch.setenv("JUNDENG_TRUSTED_PROXIES", "10.0.0.1")
    assert client_address(request_from("10.0.0.1", "198.51.100.9")) == "198.51.100.9"
    with pytest.raises(JundengError, match="not-an-ip"):
        parse_proxies("10.0.0.1,not-an-ip")


def test_rotating_forwarded_for_behind_a_trusted_proxy_counts_the_real_client(url: str) -> None:
    app, proxy, _clock = site(url, peer="10.0.0.2")
    trust_proxies(app, parse_proxies(["10.0.0.0/8"]))
    for i in range(30):  # the attacker at 198.51.100.7 writes a new address on the left each time
        forwarded = f"203.0.113.{i}, 198.51.100.7"
        assert sign_in(proxy, f"user{i}", "wrong-guess", **{"x-forwarded-for": forwarded}).status_code == 401
    assert sign_in(proxy, "bob", **{"x-forwarded-for": "203.0.113.200, 198.51.100.7"}).status_code == 429
    assert sign_in(proxy, "bob", **{"x-forwarded-for": "198.51.100.8"}).status_code == 200, "a colleague"


def test_jundeng_serve_ignores_forwarded_for_from_an_untrusted_peer(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through ``jundeng serve`` (uvicorn) from 127.0.0.1: a new X-Forwarded-For per attempt changes nothing."""
    monkeypatch.delenv("JUNDENG_TRUSTED_PROXIES", raising=False)
    captured: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: captured.update(app=app, **kwargs))
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--port", "1"])
    assert result.exit_code == 0, result.output
    options = {k: v for k, v in captured.items() if k not in ("app", "host", "port", "log_level")}
    config = uvicorn.Config(captured["app"], host="127.0.0.1", port=0, log_level="warning", lifespan="off", **options)
    try:
        with uvicorn_thread(config) as port, httpx2.Client(base_url=f"http://127.0.0.1:{port}") as client:
            codes = [
                client.post(
                    LOGIN,
                    json={"username": f"user{i}", "password": "wrong-guess"},
                    headers={"x-forwarded-for": f"198.51.100.{i}"},
                ).status_code
                for i in range(31)
            ]
    finally:
        captured["app"].state.db.dispose()
    assert codes == [401] * 30 + [429]


def test_jundeng_serve_refuses_a_bad_trusted_proxy(url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", url, "serve", "--trusted-proxy", "proxy.example"])
    assert result.exit_code == 1 and "proxy.example" in result.output


OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/\uff0f/evil.example",
    "/%E2%80%8B/evil.example",
    "/\u200b/evil.example",
    "/ /evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " /ledger",
    "evil.example",
    "",
    None,
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_site(target: str | None) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize(
    "target", ["/ledger", "/indicators/SOC_DIBAO_STANDARD?year=2017", "/data?history=5#t", "/地区"]
)
def test_next_keeps_a_path_of_this_site(target: str) -> None:
    assert safe_next(target) == target


def test_the_login_page_carries_only_safe_targets(url: str) -> None:
    _app, client, _clock = site(url)
    for target in ("/%09/evil.example", "/\t/evil.example", "/%2F%2Fevil.example", "javascript:alert(1)"):
        assert 'data-next="/"' in client.get("/login", params={"next": target}).text, target
    assert 'data-next="/ledger"' in client.get("/login", params={"next": "/ledger"}).text
