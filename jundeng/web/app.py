"""The application factory: middleware (sessions, CSRF, security headers, body limits, rate limits), routers,
errors and their documentation in the OpenAPI."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from secure import Secure
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from jundeng.errors import JundengError
from jundeng.services.warm import start_warming
from jundeng.store.db import Database
from jundeng.web import api, docs, errors, pages, pages_forms
from jundeng.web.auth import policy_of, routes
from jundeng.web.forms import FormCSRF
from jundeng.web.limits import ENV as PROXIES_ENV
from jundeng.web.limits import limiter, parse_proxies, trust_proxies
from jundeng.web.uploads import BodyLimit, upload_limit

__all__ = ["STATIC", "app_from_environment", "create_app"]

STATIC = Path(__file__).parent / "static"


def public_file(path: str) -> bool:
    """Return True for the open site's API and downloads (public, cached, never a form)."""
    return path.startswith("/open/api/") or (
        path.startswith("/open/indicators/") and path.endswith((".csv", ".xlsx", ".json"))
    )


class CSRF(FormCSRF):
    """The CSRF check (the header, or a form's ``csrftoken`` field), refusing with the app's bilingual error (JSON
    for the API) rather than plain text."""

    def _get_error_response(self, request: Request) -> Response:
        zh, en = "CSRF 校验失败，请刷新页面后重试", "CSRF token verification failed: reload the page and try again"
        return errors.respond(request, 403, zh=zh, en=en)


def _secret() -> str:
    return os.environ.get("JUNDENG_SECRET_KEY") or secrets.token_urlsafe(32)


def create_app(
    url: str | None = None,
    *,
    secret_key: str | None = None,
    https: bool = False,
    ledger_day: date | None = None,
    trusted_proxies: Sequence[str] | None = None,
    warm: bool = False,
) -> FastAPI:
    """Return the Jundeng web app on the database ``url`` (cookies marked Secure when ``https``); the ledger is
    assessed on ``ledger_day`` unless a request asks for another day ($JUNDENG_LEDGER_DAY, else today);
    ``X-Forwarded-For`` is believed only from ``trusted_proxies`` ($JUNDENG_TRUSTED_PROXIES, else none); with
    ``warm``, the start of the server computes each programme's shared figures in the background."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            start_warming(app.state.db)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Jundeng 均等 API",
        version="1",
        description="基本公共服务均等化 · equalization of basic public services",
        docs_url=None,  # served by web.docs from the vendored Swagger UI (no CDN, no inline script)
        openapi_url="/api/v1/openapi.json",
        redoc_url=None,
    )
    app.state.db = Database(url)
    app.state.limiter = limiter
    app.state.ledger_day = ledger_day
    trust_proxies(app, parse_proxies(os.environ.get(PROXIES_ENV) if trusted_proxies is None else trusted_proxies))
    key = secret_key or _secret()
    headers = Secure.with_default_headers()
    # innermost: inside the session (which it reads), the CSRF check and the security headers
    app.add_middleware(BodyLimit, upload=upload_limit())

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        headers.set_headers(response)
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'"
        )
        return response

    app.add_middleware(
        CSRF,
        secret=key,
        sensitive_cookies={"session"},
        cookie_secure=https,
        cookie_samesite="strict",
        always={"/login", "/open/feedback"},  # forms posted before anyone signs in are checked too (login CSRF)
        quiet=public_file,  # the open API and downloads: no cookie, so that shared caches keep them
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie="session",
        same_site="strict",
        https_only=https,
        max_age=8 * 3600,
    )
    app.add_exception_handler(StarletteHTTPException, errors.http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, errors.validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(JundengError, errors.refusal)  # type: ignore[arg-type]

    async def too_many(request: Request, _exc: Exception) -> Response:
        return errors.respond(request, 429)

    app.add_exception_handler(RateLimitExceeded, too_many)
    app.include_router(api.router)
    app.include_router(pages_forms.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    errors.document(app)
    unguarded = [r.path for r in routes(app) if policy_of(r) is None]
    if unguarded:
        raise RuntimeError(f"routes without a policy: {unguarded}")
    if STATIC.exists():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def app_from_environment() -> FastAPI:
    """Return the app configured by the environment: what each worker of ``jundeng serve --workers N`` builds
    ($JUNDENG_DATABASE_URL, $JUNDENG_SECRET_KEY shared by all, $JUNDENG_HTTPS, $JUNDENG_LEDGER_DAY,
    $JUNDENG_TRUSTED_PROXIES)."""
    import gc

    app = create_app(https=os.environ.get("JUNDENG_HTTPS") == "1", warm=True)
    gc.collect()
    gc.freeze()  # what start-up built leaves the collector (see jundeng.cli.web.run_server)
    return app
