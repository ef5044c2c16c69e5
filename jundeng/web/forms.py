"""Forms that work without JavaScript: the CSRF token travels in the hidden field ``csrftoken``.

The app checks writes by the double-submit cookie (``starlette-csrf``): the ``csrftoken`` cookie must come
back in the ``x-csrftoken`` header, which app.js adds to every request it sends. A form the browser posts by
itself cannot set a header, so :class:`FormCSRF` also takes the token from the field of that name in a posted
form (URL-encoded or multipart, read up to the body limit and handed on unchanged); the check is the same.
"""

from __future__ import annotations

import http.cookies
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_csrf.middleware import CSRFMiddleware

from jundeng.web.uploads import upload_limit

FIELD = "csrftoken"
ISSUED = "jundeng.csrftoken"  # the scope key of the token issued to a request that came without the cookie
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def csrf_token(request: Request) -> str:
    """Return the CSRF token a page puts in its forms' hidden ``csrftoken`` field: the cookie's value, or on a
    first visit the token the response is about to set as the cookie."""
    return request.cookies.get(FIELD) or str(request.scope.get(ISSUED, ""))


async def _buffer(receive: Receive, limit: int) -> tuple[list[Message], bool]:
    """Return the body messages read (at most ``limit`` bytes, then stop) and whether the body is complete."""
    messages, size = [], 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, False
        size += len(message.get("body", b""))
        if size > limit:
            return messages, False
        if not message.get("more_body", False):
            return messages, True


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """Return a receive that gives the buffered messages again, then what ``receive`` gives."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _token(scope: Scope, messages: list[Message]) -> str | None:
    """Return the ``csrftoken`` field of the buffered form body, or None."""
    body = b"".join(m.get("body", b"") for m in messages)
    if Headers(scope=scope).get("content-type", "").startswith(URLENCODED):
        values = parse_qs(body.decode("latin-1")).get(FIELD)
        return values[0] if values else None
    done = False

    async def once() -> Message:
        nonlocal done
        if done:
            return {"type": "http.disconnect"}
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
    except Exception:  # a malformed body: no token, so the check refuses it
        return None
    try:
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    finally:
        await form.close()


class FormCSRF(CSRFMiddleware):
    """The double-submit CSRF check, taking the token from the ``x-csrftoken`` header or a form's field.

    A visitor without the cookie is issued one token, which the page's forms carry too (:func:`csrf_token`).
    Writes to the paths in ``always`` (the sign-in form) are checked even without a session cookie, so that
    another site cannot sign a visitor in to an account of its choosing."""

    def __init__(
        self,
        app: ASGIApp,
        /,
        secret: str,
        *,
        always: Iterable[str] = (),
        quiet: Callable[[str], bool] = lambda _path: False,
        **options: Any,
    ) -> None:
        super().__init__(app, secret, **options)
        self.always = frozenset(always)
        self.quiet = quiet  # paths whose responses carry no cookie (public, cacheable, no forms)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Copy a posted form's ``csrftoken`` field into the header the check reads, then check."""
        if scope["type"] == "http" and self.cookie_name not in Request(scope).cookies:
            scope = dict(scope, **{ISSUED: self._generate_csrf_token()})
        if scope["type"] == "http" and scope["method"] not in self.safe_methods:
            headers = Headers(scope=scope)
            kind = headers.get("content-type", "")
            request = Request(scope)
            guarded = scope["path"] in self.always
            if (
                self.header_name not in headers
                and kind.startswith((URLENCODED, MULTIPART))
                and (guarded or self._has_sensitive_cookies(request.cookies))
            ):
                messages, complete = await _buffer(receive, upload_limit())
                token = await _token(scope, messages) if complete else None
                receive = _replay(messages, receive)
                if token:
                    header = (self.header_name.encode(), token.encode("latin-1", "ignore"))
                    scope = dict(scope, headers=[*scope["headers"], header])
            if guarded and not self._has_sensitive_cookies(request.cookies):
                cookie = request.cookies.get(self.cookie_name)
                submitted = Headers(scope=scope).get(self.header_name)
                if not cookie or not submitted or not self._csrf_tokens_match(cookie, submitted):
                    await self._get_error_response(Request(scope, receive))(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)

    async def send(self, message: Message, send: Send, scope: Scope) -> None:
        """Set the cookie to the token issued to this request (the one its page's forms carry); none on a quiet
        path, so that shared caches may keep its public responses."""
        if self.quiet(str(scope.get("path", ""))):
            await send(message)
            return
        issued = scope.get(ISSUED)
        if issued is None:
            await super().send(message, send, scope)
            return
        if message["type"] == "http.response.start":
            cookie: http.cookies.BaseCookie[str] = http.cookies.SimpleCookie()
            cookie[self.cookie_name] = issued
            cookie[self.cookie_name]["path"] = self.cookie_path
            cookie[self.cookie_name]["secure"] = self.cookie_secure
            cookie[self.cookie_name]["httponly"] = self.cookie_httponly
            cookie[self.cookie_name]["samesite"] = self.cookie_samesite
            MutableHeaders(scope=message).append("set-cookie", cookie.output(header="").strip())
        await send(message)
