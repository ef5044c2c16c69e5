"""Property-based API test: schemathesis drives every operation of the OpenAPI as the office; no 5xx."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from jundeng.services.demo_accounts import DEMO_PASSWORD
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, copy_sqlite

pytestmark = pytest.mark.slow

# The schema is read at collection time, but the database behind the app is only copied in (from the run's demo
# site) when the module's tests run: collecting costs nothing.
DATABASE = Path(tempfile.gettempdir()) / f"jundeng-api-{uuid.uuid4().hex}.sqlite"
APP = create_app(f"sqlite:///{DATABASE}", secret_key="schemathesis")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP).exclude(path_regex=r"/api/v1/(login|logout)$")


@pytest.fixture(scope="module")
def office(site_templates: Templates) -> Iterator[dict[str, Any]]:
    """The demo site behind the app, and the office's session cookies and CSRF header."""
    copy_sqlite(Path(site_templates["sqlite"]), DATABASE).dispose()
    limiter.reset()
    client = TestClient(APP)
    client.get("/api/v1/me")
    assert client.post("/api/v1/login", json={"username": "office", "password": DEMO_PASSWORD}).status_code == 200
    yield {"cookies": dict(client.cookies), "headers": {"x-csrftoken": client.cookies["csrftoken"]}}
    APP.state.db.dispose()
    DATABASE.unlink(missing_ok=True)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_for_the_office(case: Any, office: dict[str, Any]) -> None:
    response = case.call(headers=office["headers"], cookies=office["cookies"])
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
