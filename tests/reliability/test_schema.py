"""The API contract under every role: schemathesis drives every operation of the OpenAPI as each role on SQLite
and PostgreSQL (random cases for every role; boundary and invalid cases for the office, which may call every
operation, and for the public, which may call few) and checks that no answer is a server error and every answer
is documented (status, content type, body schema, headers). Ids beyond 64 bits are refused as invalid input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from jundeng.domain.principal import ROLES
from tests.conftest import DIALECTS, Templates
from tests.web.test_api import CHECKS, EXCLUDED, FUZZING, schema_app, serve_site

APP = schema_app()
random_cases = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=FUZZING).exclude(path_regex=EXCLUDED)
boundary_cases = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", APP, config=schemathesis.Config.from_dict({"phases": {"fuzzing": {"enabled": False}}})
).exclude(path_regex=EXCLUDED)


@pytest.fixture(scope="module", params=DIALECTS)
def sessions(
    request: pytest.FixtureRequest, site_templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, Any]]]:
    """A fresh demo site behind the app, and a session of every role on it."""
    yield from serve_site(APP, request.param, site_templates, tmp_path_factory.mktemp("schema"), ROLES)


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@random_cases.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_as_every_role(case: Any, role: str, sessions: dict[str, dict[str, Any]]) -> None:
    session = sessions[role]
    case.call_and_validate(headers=session["headers"], cookies=session["cookies"], checks=CHECKS)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["office", "public"])
@boundary_cases.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_boundary_and_invalid_values(case: Any, role: str, sessions: dict[str, dict[str, Any]]) -> None:
    session = sessions[role]
    case.call_and_validate(headers=session["headers"], cookies=session["cookies"], checks=CHECKS)


def test_ids_beyond_64_bits_are_refused_as_invalid(sessions: dict[str, dict[str, Any]]) -> None:
    client = TestClient(APP, cookies=sessions["office"]["cookies"], headers=sessions["office"]["headers"])
    paths = {
        "/api/v1/observations/{}": 2**63,
        "/api/v1/observations/{}/history": 2**63,
        "/api/v1/observations/{}/approve": 2**63,
        "/api/v1/reports/{}/accept": 2**31,  # 32-bit on PostgreSQL
    }
    for path, first_too_big in paths.items():
        method = "GET" if path.endswith("}") or path.endswith("history") else "POST"
        for bad in (first_too_big, 99999999999999999999, 0, -1):
            response = client.request(method, path.format(bad))
            assert response.status_code == 422, (path, bad, response.text)
            assert response.json()["error"]["en"] == "invalid input"
        assert client.request(method, path.format(first_too_big - 1)).status_code == 404
    assert client.get("/data", params={"history": 2**63}).status_code == 422  # the page's history of a value


def test_every_operation_documents_its_errors() -> None:
    operations = APP.openapi()["paths"]
    public = {
        "/api/v1/me",
        "/api/v1/indicators",
        "/api/v1/indicators/{code}",
        "/api/v1/regions",
        "/api/v1/geo/districts",
        "/api/v1/geo/towns",
        "/api/v1/observations",
        "/api/v1/gaps",
        "/api/v1/login",
        "/api/v1/logout",
    }
    for path, methods in operations.items():
        for method, operation in methods.items():
            answers = operation["responses"]
            assert answers["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            if path not in public:
                assert {"401", "403"} <= set(answers), (method, path)
            if "{" in path:
                assert "404" in answers, (method, path)
            if method == "post":
                assert {"400", "413"} <= set(answers), (method, path)
    assert operations["/api/v1/login"]["post"]["responses"]["429"]
    assert "HTTPValidationError" not in APP.openapi()["components"]["schemas"]


def test_a_missing_csrf_token_is_refused_with_the_error_body(sessions: dict[str, dict[str, Any]]) -> None:
    client = TestClient(APP, cookies=sessions["office"]["cookies"])  # signed in, without the CSRF header
    response = client.post("/api/v1/publications/SOC_DIBAO_STANDARD")
    assert response.status_code == 403 and response.headers["content-type"] == "application/json"
    assert "CSRF" in response.json()["error"]["zh"] and "CSRF" in response.json()["error"]["en"]
