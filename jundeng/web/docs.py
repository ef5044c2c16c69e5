"""The API documentation at ``/api/docs``: Swagger UI from the npm registry, vendored by ``make assets`` into
``static/vendor/swagger-ui`` (not committed) and started by ``static/docs.js``: every script is this site's own,
as the Content-Security-Policy (``script-src 'self'``, no inline script) requires; no CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from jundeng.web.auth import EVERYONE, allow

router = APIRouter(include_in_schema=False)

VENDOR = Path(__file__).parent / "static" / "vendor" / "swagger-ui"
BUNDLE = VENDOR / "swagger-ui-bundle.js"
TITLE = "Jundeng 均等 API"
PAGE = f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""
MISSING = f"""<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{TITLE}</title><link rel="icon" href="data:,"></head>
<body>
<h1>{TITLE}</h1>
<p>API 文档界面（Swagger UI）未安装：请运行 <code>make assets</code>。接口说明见
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>。</p>
<p lang="en">The API documentation viewer (Swagger UI) is not installed: run <code>make assets</code>. The API is
described in <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body>
</html>
"""


@router.get("/api/docs", dependencies=[allow(*EVERYONE)])
def api_docs() -> HTMLResponse:
    """The API documentation (Swagger UI on the OpenAPI schema); 503 naming ``make assets`` when not installed."""
    if not BUNDLE.exists():
        return HTMLResponse(MISSING, status_code=503)
    return HTMLResponse(PAGE)
