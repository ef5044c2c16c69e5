"""Route policies: which roles may call each route (principals and scopes: :mod:`jundeng.domain.principal`).

Every route declares its policy with :func:`allow` (the roles that may call it); the policy is kept in
``POLICIES`` so that a test can enumerate every route of the app and check each role against it — a new
route without a policy fails that test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request

from jundeng.domain.principal import (
    EVERYONE,
    OFFICE,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    WRITERS,
    Principal,
)

__all__ = ["EVERYONE", "OFFICE", "POLICIES", "PUBLIC", "ROLES", "SIGNED_IN", "WRITERS", "Principal", "allow", "enforce"]

POLICIES: dict[Callable[..., Any], tuple[str, ...]] = {}


def allow(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator recording the roles that may call an endpoint (enforced by :func:`enforce`)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        POLICIES[endpoint] = tuple(roles)
        return endpoint

    return mark


def enforce(request: Request) -> Principal:
    """Return the request's principal after checking the route's policy (401 when anonymous, else 403)."""
    principal: Principal = getattr(request.state, "principal", PUBLIC)
    endpoint = request.scope.get("endpoint")
    roles = POLICIES.get(endpoint) if endpoint is not None else None
    if roles is None:
        raise HTTPException(status_code=403, detail="route without a policy")
    if principal.role not in roles:
        if principal.anonymous:
            raise HTTPException(status_code=401, detail="login required")
        raise HTTPException(status_code=403, detail="forbidden for this role")
    return principal
