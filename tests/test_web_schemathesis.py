"""Property-based API test: schemathesis drives every operation of the OpenAPI as the office; no 5xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from jundeng.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from jundeng.services.ledger import load_demo_ledger
from jundeng.store.db import Database
from jundeng.store.demo_loader import load_demo
from jundeng.web.app import create_app, limiter


def _app(tmp: Path) -> Any:
    db = Database(f"sqlite:///{tmp / 'api.sqlite'}")
    load_demo(db, user="demo")
    load_demo_ledger(db, user="demo")
    create_demo_accounts(db, by="demo")
    return create_app(db.url, secret_key="schemathesis")


APP = None


def app_factory() -> Any:
    global APP  # noqa: PLW0603 - built once for the module, lazily
    if APP is None:
        import tempfile

        APP = _app(Path(tempfile.mkdtemp()))
    return APP


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app_factory())
schema = schema.exclude(path_regex=r"/api/v1/(login|logout)$")


@pytest.fixture(scope="module")
def office() -> dict[str, Any]:
    limiter.reset()
    client = TestClient(app_factory())
    client.get("/api/v1/me")
    assert client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD}).status_code == 200
    return {"cookies": dict(client.cookies), "headers": {"x-csrftoken": client.cookies["csrftoken"]}}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_for_the_office(case: Any, office: dict[str, Any]) -> None:
    response = case.call(headers=office["headers"], cookies=office["cookies"])
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
