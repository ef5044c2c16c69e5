"""Route policies: which roles may call each route (principals and scopes: :mod:`jundeng.domain.principal`).

Every route declares its policy as a dependency, ``@router.get(path, dependencies=[allow(*OFFICE)])``;
:func:`policy_of` reads it back, so that a test can check every route against every role, and the app
refuses to start with a route that declares none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.params import Depends as DependsParam

from jundeng.domain.principal import (
    EVERYONE,
    OFFICE,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    WRITERS,
    Principal,
)
from jundeng.web.limits import client_address

if TYPE_CHECKING:
    from jundeng.domain.users import User
    from jundeng.store.db import Database

__all__ = [
    "EVERYONE",
    "OFFICE",
    "PUBLIC",
    "ROLES",
    "SIGNED_IN",
    "WRITERS",
    "Policy",
    "Principal",
    "allow",
    "current_principal",
    "policy_of",
    "routes",
    "sign_in",
]


def current_principal(request: Request) -> Principal:
    """Return the principal of the session's user (the public principal when nobody is signed in)."""
    from jundeng.services import users

    username = request.session.get("user") if "session" in request.scope else None
    if not username:
        return PUBLIC
    found = users.principal(request.app.state.db, username=username, epoch=request.session.get("epoch", 0))
    if found is None:
        request.session.clear()
        return PUBLIC
    return found


def sign_in(request: Request, db: Database, *, username: str, password: str) -> User:
    """Sign ``username`` in through the service (failures throttled per account and client address; a refusal
    raised as a JundengError) and start a fresh session for them; return the user. The API's login and the
    sign-in form both come here."""
    from jundeng.services import users

    user = users.sign_in(db, username=username, password=password, client=client_address(request))
    request.session.clear()  # a new session: nothing of the one before (session fixation)
    request.session["user"] = user.username
    request.session["epoch"] = user.session_epoch
    return user


class Policy:
    """A route's policy: the roles that may call it; as a dependency it answers 401 or 403 to anyone else."""

    def __init__(self, roles: tuple[str, ...]) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {unknown}")
        self.roles = roles

    def __call__(self, principal: Annotated[Principal, Depends(current_principal)]) -> None:
        """Let the principal through when its role may call the route (401 when anonymous, else 403)."""
        if principal.role not in self.roles:
            if principal.anonymous:
                raise HTTPException(status_code=401, detail="login required")
            raise HTTPException(status_code=403, detail="forbidden for this role")


def allow(*roles: str) -> Any:
    """Return the dependency declaring the roles that may call a route: ``dependencies=[allow(*OFFICE)]``."""
    return Depends(Policy(roles))


def policy_of(route: Any) -> tuple[str, ...] | None:
    """Return the roles a route's policy allows, or None when the route declares no policy."""
    for dependency in getattr(route, "dependencies", None) or ():
        if isinstance(dependency, DependsParam) and isinstance(dependency.dependency, Policy):
            return dependency.dependency.roles
    return None


def routes(app: Any) -> Iterator[Any]:
    """Yield every API route of ``app``, also inside included routers (each with path, methods, dependencies)."""
    from fastapi.routing import APIRoute

    for route in app.routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "effective_route_contexts"):
            yield from (c for c in route.effective_route_contexts() if getattr(c, "dependant", None) is not None)
