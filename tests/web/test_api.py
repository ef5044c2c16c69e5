"""The API contract: schemathesis drives every operation of the OpenAPI as the office and the public (SQLite)
and checks that no answer is a server error and every answer is documented (status, content type, body schema,
headers). Every role on both databases, with boundary cases: tests/reliability/test_schema.py."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jundeng.services.demo_accounts import ACCOUNTS, DEMO_PASSWORD
from jundeng.store.db import Database
from jundeng.web.app import create_app
from jundeng.web.limits import limiter
from tests.conftest import Templates, fresh_database

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXCLUDED = r"/api/v1/(login|logout)$"  # they change the session the other operations run in
FUZZING = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})


def schema_app() -> FastAPI:
    """Return an app whose OpenAPI schemathesis reads at collection time (its database is set by a fixture)."""
    return create_app(f"sqlite:///{Path(tempfile.gettempdir()) / f'jundeng-api-{uuid.uuid4().hex}.sqlite'}")


def signed_in(app: FastAPI, role: str) -> dict[str, Any]:
    """Return the cookies and the CSRF header of a demo user of ``role`` (without a session for the public)."""
    client = TestClient(app)
    client.get("/api/v1/me")
    if role != "public":
        username = next(str(a["username"]) for a in ACCOUNTS if a["role"] == role)
        assert client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}).status_code == 200
    return {"cookies": dict(client.cookies), "headers": {"x-csrftoken": client.cookies["csrftoken"]}}


def serve_site(
    app: FastAPI, dialect: str, templates: Templates, tmp: Path, roles: tuple[str, ...]
) -> Iterator[dict[str, dict[str, Any]]]:
    """Put a fresh demo site of ``dialect`` behind ``app`` and yield a session of each role on it."""
    db, drop = fresh_database(dialect, templates, tmp)
    previous: Database = app.state.db
    app.state.db = db
    limiter.reset()  # logins are rate-limited per address
    yield {role: signed_in(app, role) for role in roles}
    app.state.db = previous
    drop()


APP = schema_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=FUZZING).exclude(path_regex=EXCLUDED)


@pytest.fixture(scope="module")
def sessions(site_templates: Templates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo site (SQLite) behind the app, and sessions of the office and the public."""
    yield from serve_site(APP, "sqlite", site_templates, tmp_path_factory.mktemp("api"), ("office", "public"))


@pytest.mark.parametrize("role", ["office", "public"])
@schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_keeps_the_contract(case: Any, role: str, sessions: dict[str, dict[str, Any]]) -> None:
    session = sessions[role]
    case.call_and_validate(headers=session["headers"], cookies=session["cookies"], checks=CHECKS)
