"""HTML form routes: what the sign-in and upload forms post when JavaScript is off (or has not
loaded yet). Each takes form fields (the CSRF token in the hidden ``csrftoken`` field, :mod:`jundeng.web.forms`),
calls the same code as the API route app.js posts to, and answers with a page or a redirect, never JSON.

The progress-report form posts to :mod:`.pages_tasks`. The password travels in the body of a POST only: the
sign-in form never puts it in a URL, a redirect or a log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jundeng.errors import JundengError
from jundeng.web import api
from jundeng.web import auth as auth_
from jundeng.web.auth import EVERYONE, OFFICE, WRITERS, allow
from jundeng.web.deps import DB, User
from jundeng.web.i18n import language, translator
from jundeng.web.pages import safe_next
from jundeng.web.pages_base import N_, render
from jundeng.web.schemas import ImportResult

router = APIRouter(include_in_schema=False)

MISSING = ("请输入用户名和密码", "enter the user name and the password")


def _in(request: Request, zh: str, en: str) -> str:
    """Return the message in the page's language."""
    return en if language(request) == "en" else zh


def _login_again(
    request: Request, user: User, *, next: str, username: str, error: str, status: int, headers: dict[str, str]
) -> Response:
    """Return the sign-in page again with the error (and the user name typed, never the password)."""
    response = render(request, user, "login.html", title=N_("登录"), next=next, username=username[:64], error=error)
    response.status_code = status
    response.headers.update(headers)
    return response


@router.post("/login", dependencies=[allow(*EVERYONE)])
def sign_in(
    request: Request,
    user: User,
    db: DB,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Sign in from the form (throttled as the API's login is) and go to ``next`` (a path of this site only)."""
    target = safe_next(next)
    if not username.strip() or not password:
        error = _in(request, *MISSING)
        return _login_again(request, user, next=target, username=username, error=error, status=422, headers={})
    try:
        auth_.sign_in(request, db, username=username, password=password)
    except JundengError as exc:
        headers = dict(exc.headers or {})
        error = _in(request, exc.zh, exc.en)
        return _login_again(
            request, user, next=target, username=username, error=error, status=exc.status, headers=headers
        )
    return RedirectResponse(target, status_code=303)


def _result(
    request: Request, user: User, result: ImportResult, *, dry_run: bool, back: str, back_label: str
) -> Response:
    """Return the page saying what an upload did, in sentences, with its located errors and warnings."""
    lang = language(request)
    _ = translator(lang)
    if result.errors:
        summary = _(N_("文件有错误，未写入任何数据：共 {errors} 个错误。")).format(errors=result.errors_total)
    elif dry_run:
        summary = _(N_("仅校验，未写入：文件无误，{written} 个数值可以写入，{unchanged} 个数值未变化。")).format(
            written=result.written, unchanged=result.unchanged
        )
    else:
        summary = _(N_("已写入 {written} 个数值，{unchanged} 个数值未变化。")).format(
            written=result.written, unchanged=result.unchanged
        )
    response = render(
        request,
        user,
        "form_result.html",
        title=N_("上传结果"),
        summary=summary,
        failed=bool(result.errors),
        errors=result.messages.get(lang, result.errors),  # sentences in the page's language
        warnings=result.notes.get(lang, result.warnings),
        back=back,
        back_label=back_label,
    )
    response.status_code = 422 if result.errors else 200
    return response


@router.post("/data/upload", dependencies=[allow(*WRITERS)])
def upload_data(
    request: Request,
    user: User,
    db: DB,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """Import an uploaded data file (all-or-nothing, as the API's import) and show the result or the located
    errors."""
    result = api.import_observations(user, db, file, dry_run)
    return _result(request, user, result, dry_run=dry_run, back="/data", back_label=N_("返回数据报送"))


@router.post("/admin/catalog/upload", dependencies=[allow(*OFFICE)])
def upload_catalog(
    request: Request,
    user: User,
    db: DB,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """Load an uploaded catalogue file (all-or-nothing, as the API's) and show the result or the located errors."""
    result = api.load_catalog_file(user, db, file, dry_run)
    return _result(request, user, result, dry_run=dry_run, back="/admin/catalog", back_label=N_("返回目录管理"))
