"""Request bodies and uploads: size limits checked before a body is stored, and safe upload file names.

:class:`BodyLimit` is a pure ASGI middleware placed inside the session middleware. For a route whose policy does
not admit the public it answers 401 to a visitor who is not signed in before reading a byte of the body; it
answers 413 when the declared ``Content-Length`` exceeds the route's limit, and stops a streamed (chunked) body
as soon as it does. Uploads (routes taking a file) may send ``$JUNDENG_MAX_UPLOAD_MB`` (50 MB), anything else 1 MB.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request, UploadFile
from fastapi.params import File
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jundeng.web import errors
from jundeng.web.auth import policy_of, routes

__all__ = ["BODY_LIMIT", "BodyLimit", "BodyTooLarge", "is_upload", "read", "safe_name", "upload_limit"]

MB = 1024 * 1024
BODY_LIMIT = 1 * MB  # JSON and form bodies of every route that takes no file
MAX_NAME = 100  # characters of an upload's file name kept
SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def upload_limit() -> int:
    """Return the largest upload in bytes: ``$JUNDENG_MAX_UPLOAD_MB`` megabytes (default 50)."""
    return int(float(os.environ.get("JUNDENG_MAX_UPLOAD_MB") or 50) * MB)


class BodyTooLarge(HTTPException):
    """A request body over its route's limit: 413 with a bilingual message."""

    def __init__(self, limit: int) -> None:
        size = f"{limit / MB:g} MB"
        zh, en = f"请求内容超过 {size} 上限", f"the request body exceeds the limit of {size}"
        super().__init__(413, {"zh": zh, "en": en, "limit_bytes": limit})


def is_upload(route: Any) -> bool:
    """Return True when a route (or an included route's context) takes a file upload."""
    dependant = getattr(route, "dependant", None)
    params: Iterable[Any] = dependant.body_params if dependant is not None else ()
    return any(isinstance(p.field_info, File) for p in params)


@dataclass(frozen=True)
class Rule:
    """What a route admits: the public (or only signed-in users) and the largest body."""

    public: bool
    limit: int


class BodyLimit:
    """Answer 401 before reading the body of a route closed to the public, and 413 above the route's limit."""

    def __init__(self, app: ASGIApp, *, upload: int | None = None, body: int = BODY_LIMIT) -> None:
        self.app, self.upload, self.body = app, upload if upload is not None else upload_limit(), body
        self._rules: list[tuple[Any, Rule]] | None = None

    def rule(self, scope: Scope) -> Rule:
        """Return the rule of the route that will answer (a public 1 MB rule when none matches)."""
        if self._rules is None:
            self._rules = [
                (r, Rule("public" in (policy_of(r) or ()), self.upload if is_upload(r) else self.body))
                for r in routes(scope["app"])
            ]
        for route, found in self._rules:
            if route.matches(scope)[0] == Match.FULL:
                return found
        return Rule(public=True, limit=self.body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the caller and the declared size, then pass the request on with its body counted."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.rule(scope)
        request = Request(scope)
        if not rule.public and not scope.get("session", {}).get("user"):
            response = await errors.http_error(request, HTTPException(401, "login required"))
            await response(scope, receive, send)
            return
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > rule.limit:
            await self.refuse(request, rule.limit, receive, send)
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > rule.limit:
                    raise BodyTooLarge(rule.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # read outside the app's own exception handling
            if started:
                raise
            await self.refuse(request, rule.limit, receive, send)

    @staticmethod
    async def refuse(request: Request, limit: int, receive: Receive, send: Send) -> None:
        """Send the 413 answer (JSON for the API, a page for the pages)."""
        response = await errors.http_error(request, BodyTooLarge(limit))
        await response(request.scope, receive, send)


def safe_name(filename: str | None, default: str) -> str:
    """Return a bare, printable file name of at most 100 characters (its suffix kept), else ``default``."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if not name.strip("."):
        return default
    if len(name) > MAX_NAME:
        found = SUFFIX.search(name) or SUFFIX.search(default)
        suffix = found.group() if found else ""
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def read(file: UploadFile, default: str) -> tuple[bytes, str]:
    """Return the bytes of an upload (its size already bounded by :class:`BodyLimit`) and a safe bare name."""
    file.file.seek(0)
    return file.file.read(), safe_name(file.filename, default)
