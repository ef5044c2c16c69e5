"""The administrator's accounts: the list (searched, filtered, 50 a page) with roles, regions, units and domains
in words; creating an account (a viewer unless chosen otherwise); editing one, disabling or enabling it and
resetting its password. Every form posts without JavaScript (the CSRF token in a hidden field) and answers
with a redirect to the page, which says what was done, or the form again with the reason it was refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jundeng.domain.users import User as Account
from jundeng.errors import JundengError, NotFoundError
from jundeng.services import catalog as catalog_service
from jundeng.services import regions as regions_service
from jundeng.services import users as users_service
from jundeng.store.db import Database
from jundeng.web.auth import ROLES, Principal, allow
from jundeng.web.deps import DB, User
from jundeng.web.forms import csrf_token
from jundeng.web.i18n import language
from jundeng.web.pages_base import LABELS, N_, Column, Table, choose, render
from jundeng.web.paging import paginate, search

router = APIRouter(include_in_schema=False)

USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,64}")  # as the API's schema asks (names appear in page addresses)
DEFAULT_ROLE = "viewer"  # a new account gets the least privilege unless the administrator picks another role
DONE = {
    "created": N_("用户已创建"),
    "edited": N_("用户已修改，修改前后的取值已记入审计日志"),
    "unchanged": N_("用户未变"),
    "disabled": N_("用户已停用，其登录会话已失效"),
    "enabled": N_("用户已启用"),
    "password": N_("密码已重置，该用户此前的登录会话已失效"),
}
STATES = {"active": N_("启用"), "disabled": N_("已停用")}
COLUMNS = [
    Column("username", N_("用户名"), link="/admin/users/{username}"),
    Column("display_name", N_("姓名")),
    Column("role", N_("角色"), "enum"),
    Column("region", N_("区划")),
    Column("unit", N_("单位")),
    Column("domains", N_("领域"), "list"),
    Column("active", N_("启用")),
]


def _choices(request: Request, db: Database) -> dict[str, Any]:
    """Return the regions (code, "name（code）") and domains (code, name) the forms offer."""
    lang = language(request)
    regions = [
        (r.code, f"{r.name}（{r.code}）") for r in regions_service.regions(db) if r.level.value in ("city", "district")
    ]
    domains = [(d.code, choose(lang, d.name, d.name_en)) for d in catalog_service.read(db).domains]
    return {"regions": regions, "domains": domains}


def _row(account: Account, regions: dict[str, str], domains: dict[str, str]) -> dict[str, Any]:
    """Return the cells of one account: its region as name and code, its domains by name."""
    region = account.region
    return {
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "region": f"{regions.get(region, region)}（{region}）" if region else None,
        "unit": account.unit,
        "domains": [domains.get(d, d) for d in account.domains],
        "active": account.active,
    }


def _message(request: Request, exc: JundengError) -> str:
    """Return a refusal's message in the page's language."""
    return exc.en if language(request) == "en" else exc.zh


def _list(request: Request, user: Principal, db: Database, form: dict[str, Any], error: str | None) -> Response:
    """Return the accounts page: the list as filtered by ``?q=&role=&state=``, a page of it, and the new-user form."""
    choices = _choices(request, db)
    names, domains = regions_service.names(db), dict(choices["domains"])
    q, role, state = (request.query_params.get(k, "") for k in ("q", "role", "state"))
    accounts = [
        a
        for a in users_service.users(db)
        if (not role or a.role == role) and (not state or a.active == (state == "active"))
    ]
    rows = [_row(a, names, domains) for a in accounts]
    found, pager = paginate(request, search(rows, q, ("username", "display_name", "unit", "region", "domains")))
    table = Table("users", N_("用户"), COLUMNS, [dict(r) for r in found], empty=N_("没有符合条件的用户"))
    response = render(
        request,
        user,
        "users.html",
        title=N_("用户管理"),
        tables=[table],
        pager=pager,
        filters={"q": q, "role": role, "state": state},
        states=STATES,
        roles=ROLES,
        form={"role": DEFAULT_ROLE, "domains": []} | form,
        csrf=csrf_token(request),
        error=error,
        done=DONE.get(request.query_params.get("done", "")),
        **choices,
    )
    if error:
        response.status_code = 422
    return response


@router.get("/admin/users", dependencies=[allow("admin")])
def users_page(request: Request, user: User, db: DB) -> Response:
    """The accounts (search, filter by role and state, 50 a page), and the form creating one."""
    return _list(request, user, db, {}, None)


@router.post("/admin/users", dependencies=[allow("admin")])
def create_user(
    request: Request,
    user: User,
    db: DB,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = DEFAULT_ROLE,
    display_name: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    domains: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Create an account from the form (audited); a refusal shows the form again, filled, with its reason."""
    fields: dict[str, Any] = {"username": username.strip(), "role": role, "display_name": display_name.strip() or None}
    fields |= {"region": region or None, "unit": unit.strip() or None, "domains": domains or []}
    try:
        if not USERNAME.fullmatch(fields["username"]):
            raise JundengError("用户名须为 2–64 个字母、数字或 _ . -", "a user name has 2–64 letters, digits or _ . -")
        users_service.create(
            db,
            username=fields["username"],
            password=password,
            role=role,
            display_name=fields["display_name"],
            region=fields["region"],
            unit=fields["unit"],
            domains=fields["domains"],
            by=user.username,
        )
    except JundengError as exc:
        return _list(request, user, db, fields, _message(request, exc))
    return RedirectResponse(f"/admin/users?done=created&q={fields['username']}", status_code=303)


def _edit(request: Request, user: Principal, db: Database, username: str, error: str | None, status: int) -> Response:
    """Return the page editing one account, with the reason of a refusal when there is one."""
    account = users_service.get(db, username=username)
    if account is None:
        raise NotFoundError(f"没有用户 {username}", f"no user {username}")
    response = render(
        request,
        user,
        "user_edit.html",
        title=N_("修改用户"),
        account=account,
        roles=ROLES,
        role_label=LABELS.get(account.role, account.role),
        myself=account.username == user.username,
        csrf=csrf_token(request),
        error=error,
        done=DONE.get(request.query_params.get("done", "")),
        **_choices(request, db),
    )
    response.status_code = status
    return response


@router.get("/admin/users/{username}", dependencies=[allow("admin")])
def user_page(request: Request, user: User, db: DB, username: str) -> Response:
    """The forms editing an account, disabling or enabling it and resetting its password."""
    return _edit(request, user, db, username, None, 200)


def _after(
    request: Request, user: Principal, db: Database, username: str, run: Callable[[], Any], done: str
) -> Response:
    """Run a change; redirect to the account's page saying ``done``, or show the page with the refusal."""
    try:
        changed = run()
    except NotFoundError:
        raise
    except JundengError as exc:
        return _edit(request, user, db, username, _message(request, exc), exc.status)
    if changed is False:
        done = "unchanged"
    return RedirectResponse(f"/admin/users/{username}?done={done}", status_code=303)


@router.post("/admin/users/{username}", dependencies=[allow("admin")])
def edit_user(
    request: Request,
    user: User,
    db: DB,
    username: str,
    role: Annotated[str, Form()],
    display_name: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    domains: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the account's form: display name, role, region, unit and domains (audited before and after)."""
    changes: dict[str, Any] = {"display_name": display_name.strip(), "role": role, "region": region or None}
    changes |= {"unit": unit.strip() or None, "domains": domains or []}
    run = partial(users_service.edit, db, username=username, changes=changes, by=user.username)
    return _after(request, user, db, username, run, "edited")


@router.post("/admin/users/{username}/disable", dependencies=[allow("admin")])
def disable_user(request: Request, user: User, db: DB, username: str) -> Response:
    """Disable an account and end its sessions (not one's own, nor the last administrator)."""
    run = partial(users_service.set_active, db, username=username, active=False, by=user.username)
    return _after(request, user, db, username, run, "disabled")


@router.post("/admin/users/{username}/enable", dependencies=[allow("admin")])
def enable_user(request: Request, user: User, db: DB, username: str) -> Response:
    """Enable a disabled account."""
    run = partial(users_service.set_active, db, username=username, active=True, by=user.username)
    return _after(request, user, db, username, run, "enabled")


@router.post("/admin/users/{username}/password", dependencies=[allow("admin")])
def reset_password(
    request: Request,
    user: User,
    db: DB,
    username: str,
    password: Annotated[str, Form()],
    confirm: Annotated[str, Form()],
) -> Response:
    """Set a new password that meets the policy, typed twice; the account's earlier sessions end."""

    def run() -> None:
        if password != confirm:
            raise JundengError("两次输入的密码不一致", "the two passwords differ")
        users_service.reset_password(db, username=username, password=password, by=user.username)

    return _after(request, user, db, username, run, "password")
