"""Accounts: sign in (throttled) and out, the principal behind a session, listing, creating and editing
accounts, disabling or enabling them and resetting their passwords.

Signing in is throttled by :class:`~jundeng.domain.throttle.SignInThrottle` (failures per account and per
client address). Its counters live in the memory of the process serving the database, one set per
:class:`~jundeng.store.db.Database` object: ``jundeng serve`` runs one process, so they are exact there;
behind several worker processes each keeps its own and the limits multiply by their number, and a restart
forgets them (which at worst gives a guesser a few more free tries).
"""

from __future__ import annotations

import ipaddress
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from jundeng.domain.principal import Principal
from jundeng.domain.throttle import SignInThrottle, Wait
from jundeng.domain.users import User
from jundeng.errors import JundengError, NotFoundError, TooManyRequestsError, UnauthorizedError
from jundeng.store import catalog_repo, regions_repo, users_repo
from jundeng.store.db import Database

P = ParamSpec("P")
T = TypeVar("T")


def _in_transaction(repo_function: Callable[Concatenate[Session, P], T]) -> Callable[Concatenate[Database, P], T]:
    """Return ``repo_function`` taking a database instead of a session, run in a transaction of its own."""

    @wraps(repo_function)
    def run(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with db.session() as session:
            return repo_function(session, *args, **kwargs)

    return run


# The account functions of the store, each in its own transaction (same keyword arguments, same refusals).
authenticate = _in_transaction(users_repo.authenticate)
end_sessions = _in_transaction(users_repo.end_sessions)
users = _in_transaction(users_repo.users)
get = _in_transaction(users_repo.get_user)

_throttles: weakref.WeakKeyDictionary[Database, SignInThrottle] = weakref.WeakKeyDictionary()
_throttles_lock = threading.Lock()


def throttle(db: Database) -> SignInThrottle:
    """Return the sign-in throttle of ``db`` (one per database object, kept in this process's memory)."""
    with _throttles_lock:
        found = _throttles.get(db)
        if found is None:
            found = _throttles[db] = SignInThrottle()
        return found


def address_key(client: str) -> str:
    """Return the key a client address is counted under: the address itself, its /64 network for IPv6."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def sign_in(db: Database, *, username: str, password: str, client: str) -> User:
    """Return the account when the password is right; raise TooManyRequestsError (429) while a limit on
    the account or on the ``client`` address lasts, UnauthorizedError (401) otherwise."""
    limits, address = throttle(db), address_key(client)
    wait = limits.attempt(username, address)
    if wait is not None:
        raise _too_many(wait)
    try:
        user = authenticate(db, username=username, password=password)
    except BaseException:
        limits.cancel(username, address)
        raise
    if user is None:
        raise UnauthorizedError("用户名或密码错误", "wrong user name or password")
    limits.succeeded(username, address)
    return user


def _too_many(wait: Wait) -> TooManyRequestsError:
    """Return the 429 refusal for a sign-in while a limit on the account or on the address lasts."""
    if wait.limit == "account":
        zh, en = "该账户登录失败次数过多", "too many failed sign-ins to this account"
    else:
        zh, en = "此地址登录失败次数过多", "too many failed sign-ins from this address"
    return TooManyRequestsError(
        f"{zh}，请 {wait.seconds} 秒后再试", f"{en}; try again in {wait.seconds} s", retry_after=wait.seconds
    )


def create(
    db: Database,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    region: str | None = None,
    unit: str | None = None,
    domains: Sequence[str] = (),
    by: str,
) -> User:
    """Create an account (audited) after checking its fields: the password policy, a district's region and
    a department's domains must exist (JundengError 422); a taken name is a ConflictError (409)."""
    with db.session(write=True) as session:
        _check_scope(session, role=role, region=region, domains=domains)
        return users_repo.create_user(
            session,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            region=region,
            unit=unit,
            domains=domains,
            by=by,
        )


def _check_scope(session: Session, *, role: str, region: str | None, domains: Sequence[str]) -> None:
    """Refuse (422) a district account without a known region, a department without known domains, an unknown
    region or domain."""
    known = catalog_repo.known_codes(session)
    if role == "district" and not region:
        raise JundengError("区县用户必须指定所属区划", "a district account needs its region")
    if region and region not in known["known_regions"]:
        raise JundengError(f"未知的区划代码 {region}", f"unknown region code: {region}")
    if role == "department" and not domains:
        raise JundengError("部门用户必须指定负责的领域", "a department account needs at least one domain")
    unknown = sorted(set(domains) - known["known_domains"])
    if unknown:
        raise JundengError(f"未知的领域：{'、'.join(unknown)}", f"unknown domains: {', '.join(unknown)}")


def edit(db: Database, *, username: str, changes: Mapping[str, Any], by: str) -> bool:
    """Change an account's display name, role, region, unit or domains (audited); return False when nothing
    changed. The account as edited must pass the checks of :func:`create`; an administrator cannot demote
    themselves or the last administrator (ConflictError 409); NotFoundError (404) for an unknown name."""
    with db.session(write=True) as session:
        found = users_repo.get_user(session, username=username)
        if found is None:
            raise NotFoundError(f"没有用户 {username}", f"no user {username}")
        merged = found.model_dump() | dict(changes)
        _check_scope(session, role=merged["role"], region=merged["region"], domains=merged["domains"] or ())
        return users_repo.update_user(session, username=username, changes=changes, by=by)


def set_active(db: Database, *, username: str, active: bool, by: str) -> bool:
    """Enable or disable an account (audited; disabling ends its sessions); return False when it already was.
    An administrator cannot disable themselves nor the last administrator (ConflictError 409)."""
    with db.session(write=True) as session:
        return users_repo.set_active(session, username=username, active=active, by=by)


def reset_password(db: Database, *, username: str, password: str, by: str) -> None:
    """Set an account's password (it must meet the password policy, 422 otherwise) and end all its sessions;
    the audit records the reset, never the password."""
    with db.session(write=True) as session:
        users_repo.set_password(session, username=username, password=password, by=by)


def principal(db: Database, *, username: str, epoch: int) -> Principal | None:
    """Return the principal of a session's user, or None when the account is gone, inactive or signed out."""
    with db.session() as session:
        user = users_repo.get_user(session, username=username)
        if user is None or not user.active or epoch != user.session_epoch:
            return None
        subtree = None
        if user.role == "district" and user.region:
            subtree = frozenset(regions_repo.subtree_codes(session, root=user.region))
    return Principal(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        region=user.region,
        unit=user.unit,
        domains=tuple(user.domains),
        regions=subtree,
    )
