"""Consistent error bodies: ``{"error": {"status": 403, "zh": "…", "en": "…"}}`` for every API error."""

from __future__ import annotations

from html import escape

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

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


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Return JSON for the API; send page visitors who must log in to the login page."""
    if exc.status_code == 401 and not request.url.path.startswith("/api/"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    detail = exc.detail if isinstance(exc.detail, dict) else {"message": exc.detail}
    zh = detail.get("zh") if isinstance(detail, dict) else None
    en = detail.get("en") if isinstance(detail, dict) else None
    if not request.url.path.startswith("/api/"):
        error = body(exc.status_code, detail, zh, en)["error"]
        assert isinstance(error, dict)
        page = (
            f"<!doctype html><html lang='zh'><meta charset='utf-8'><title>{exc.status_code}</title>"
            f"<body><h1>{exc.status_code}</h1><p>{escape(str(error['zh']))}</p><p>{escape(str(error['en']))}</p>"
            "<p><a href='/'>返回首页 / Home</a></p></body></html>"
        )
        return HTMLResponse(page, status_code=exc.status_code, headers=exc.headers)
    return JSONResponse(body(exc.status_code, detail, zh, en), status_code=exc.status_code, headers=exc.headers)


async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
    """Return 422 with the located validation errors."""
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return JSONResponse(body(422, errors), status_code=422)
