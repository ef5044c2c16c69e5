"""Consistent errors: ``{"error": {"status": 403, "zh": "…", "en": "…"}}`` for the API, a bilingual page
for the pages; a :class:`~jundeng.errors.JundengError` from any service becomes one of them here."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from jundeng.errors import InputError, JundengError
from jundeng.web.auth import policy_of, routes
from jundeng.web.limits import limiter
from jundeng.web.schemas import ErrorBody

MESSAGES = {
    400: ("请求有误", "bad request"),
    401: ("请先登录", "login required"),
    403: ("无权访问", "forbidden"),
    404: ("未找到", "not found"),
    405: ("不支持此方法", "method not allowed"),
    409: ("冲突", "conflict"),
    413: ("文件过大", "file too large"),
    422: ("输入无效", "invalid input"),
    429: ("请求过于频繁，请稍后再试", "too many requests, try again later"),
    503: ("服务器繁忙，请稍后再试", "the server is busy, try again later"),
}


def body(status: int, detail: object = None, zh: str | None = None, en: str | None = None) -> dict[str, object]:
    """Return the error body for ``status``."""
    default_zh, default_en = MESSAGES.get(status, ("服务器错误", "server error"))
    return {"error": {"status": status, "zh": zh or default_zh, "en": en or default_en, "detail": detail}}


def wants_json(request: Request) -> bool:
    """Whether ``request`` is the API's (under ``/api/``) or asks for JSON only (``Accept: application/json``
    without ``text/html``): it then gets a JSON error, a page visitor a bilingual page."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(("/api/", "/open/api/")) or (
        "application/json" in accept and "text/html" not in accept
    )


def page(
    status: int, zh: str, en: str, problems: list[str] | None = None, headers: Mapping[str, str] | None = None
) -> Response:
    """Return the bilingual error page: the message in Chinese and English and the located problems, if any."""
    listed = "".join(f"<li>{escape(p)}</li>" for p in problems or ())
    html = (
        f"<!doctype html><html lang='zh'><meta charset='utf-8'><title>{status}</title>"
        f"<body><h1>{status}</h1><p>{escape(zh)}</p><p lang='en'>{escape(en)}</p>"
        + (f"<ul class='problems errors'>{listed}</ul>" if listed else "")
        + "<p><a href='/'>返回首页 / Home</a></p></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def respond(
    request: Request,
    status: int,
    *,
    detail: object = None,
    zh: str | None = None,
    en: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Return the error as JSON for the API and as a bilingual HTML page for the pages."""
    content = body(status, detail, zh, en)
    if wants_json(request):
        return JSONResponse(content, status_code=status, headers=headers)
    error: Any = content["error"]
    problems = [str(p) for p in detail] if isinstance(detail, list) else None
    return page(status, str(error["zh"]), str(error["en"]), problems, headers)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Answer an HTTP error; send page visitors who must log in to the login page."""
    if exc.status_code == 401 and not wants_json(request):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": exc.detail}
    return respond(
        request, exc.status_code, detail=detail, zh=detail.get("zh"), en=detail.get("en"), headers=exc.headers
    )


async def refusal(request: Request, exc: JundengError) -> Response:
    """Answer a refusal raised by a service with its status and its Chinese and English message."""
    detail = [str(p) for p in exc.problems] if isinstance(exc, InputError) else None
    return respond(request, exc.status, detail=detail, zh=exc.zh, en=exc.en, headers=exc.headers)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    """Return 422 with the located validation errors: JSON for the API, a bilingual page naming each bad
    parameter for the pages (``/appraisal?year=abc``)."""
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    if wants_json(request):
        return JSONResponse(body(422, errors), status_code=422)
    located = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors]
    return page(422, "输入无效：请检查以下参数", "invalid input: check these parameters", located)


UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def statuses(route: Any, *, rate_limited: bool = False) -> list[int]:
    """Return the error statuses an API route may answer, from its policy, its parameters and its method."""
    found = {422}
    dependant = route.dependant
    if "public" not in (policy_of(route) or ()):
        found |= {401, 403}
    if dependant.path_params or dependant.query_params:
        found.add(404)  # a code or an id that names nothing (or nothing in scope)
    if set(route.methods) & UNSAFE:
        found |= {400, 403, 413}  # a body that cannot be parsed; the CSRF check; the body limit (web.uploads)
        if 401 in found:
            found.add(409)  # a state transition or a creation that conflicts
    if rate_limited:
        found.add(429)
    return sorted(found)


def document(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI list every error status each API route answers, each with the error body."""
    generate = app.openapi
    ref = {"$ref": f"#/components/schemas/{ErrorBody.__name__}"}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        components.update(error.pop("$defs", {}))
        components[ErrorBody.__name__] = error
        for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, which this app never sends
            components.pop(name, None)
        limited = set(getattr(limiter, "_route_limits", {}))  # slowapi's "module.function" of each limited route
        for route in routes(app):
            operations = schema["paths"].get(route.path_format, {})
            throttled = f"{route.endpoint.__module__}.{route.endpoint.__name__}" in limited
            for operation in (operations[m.lower()] for m in route.methods if m.lower() in operations):
                for status in statuses(route, rate_limited=throttled):
                    zh, en = MESSAGES[status]
                    answer = {"description": f"{zh} / {en}", "content": {"application/json": {"schema": ref}}}
                    operation["responses"][str(status)] = operation["responses"].get(str(status), {}) | answer
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
