"""Consistent errors: ``{"error": {"status": 403, "zh": "…", "en": "…"}}`` for the API, a bilingual page
for the pages; a :class:`~jundeng.errors.JundengError` from any service becomes one of them here."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from jundeng.errors import InputError, JundengError

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
}


def body(status: int, detail: object = None, zh: str | None = None, en: str | None = None) -> dict[str, object]:
    """Return the error body for ``status``."""
    default_zh, default_en = MESSAGES.get(status, ("服务器错误", "server error"))
    return {"error": {"status": status, "zh": zh or default_zh, "en": en or default_en, "detail": detail}}


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
    if request.url.path.startswith("/api/"):
        return JSONResponse(content, status_code=status, headers=headers)
    error: Any = content["error"]
    page = (
        f"<!doctype html><html lang='zh'><meta charset='utf-8'><title>{status}</title>"
        f"<body><h1>{status}</h1><p>{escape(str(error['zh']))}</p><p>{escape(str(error['en']))}</p>"
        "<p><a href='/'>返回首页 / Home</a></p></body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=headers)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Answer an HTTP error; send page visitors who must log in to the login page."""
    if exc.status_code == 401 and not request.url.path.startswith("/api/"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": exc.detail}
    return respond(
        request, exc.status_code, detail=detail, zh=detail.get("zh"), en=detail.get("en"), headers=exc.headers
    )


async def refusal(request: Request, exc: JundengError) -> Response:
    """Answer a refusal raised by a service with its status and its Chinese and English message."""
    detail = [str(p) for p in exc.problems] if isinstance(exc, InputError) else None
    return respond(request, exc.status, detail=detail, zh=exc.zh, en=exc.en)


async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
    """Return 422 with the located validation errors."""
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return JSONResponse(body(422, errors), status_code=422)
