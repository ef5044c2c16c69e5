"""Who is asking and what they may see: principals, role policies per route, region and domain scopes.

Every route declares its policy with :func:`allow` (the roles that may call it); the policy is kept in
``POLICIES`` so that a test can enumerate every route of the app and check each role against it — a new
route without a policy fails that test. Scopes narrow what an allowed role sees:

- admin, office: everything;
- department: the indicators of its domains (and their data in every region), the tasks its unit leads or
  shares;
- district: the data of its own region subtree, the tasks decomposed to it or naming its unit;
- viewer: everything approved, read-only;
- public (also anyone not logged in): the indicators the office published, approved values only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request

ROLES = ("admin", "office", "department", "district", "viewer", "public")
WRITERS = ("admin", "office", "department", "district")
OFFICE = ("admin", "office")
EVERYONE = ROLES
SIGNED_IN = ROLES[:-1]

POLICIES: dict[Callable[..., Any], tuple[str, ...]] = {}


@dataclass(frozen=True)
class Principal:
    """The user behind a request, with role and scope (the region subtree is filled by the app)."""

    username: str
    display_name: str
    role: str
    region: str | None = None
    unit: str | None = None
    domains: tuple[str, ...] = ()
    regions: frozenset[str] | None = field(default=None, compare=False)  # the subtree; None = all

    @property
    def is_office(self) -> bool:
        """Return True for the equalization office and administrators."""
        return self.role in OFFICE

    @property
    def anonymous(self) -> bool:
        """Return True for a visitor who is not logged in."""
        return self.username == ""

    def sees_region(self, code: str) -> bool:
        """Return True when the region lies in this principal's scope."""
        return self.role != "district" or (self.regions is not None and code in self.regions)

    def sees_domain(self, domain: str | None) -> bool:
        """Return True when indicators of ``domain`` are in scope."""
        return self.role != "department" or (domain is not None and domain in self.domains)

    def sees_task(self, lead: Iterable[str], responsible: Iterable[str], districts: Iterable[str]) -> bool:
        """Return True when a task is in scope (department: its unit; district: its region or unit)."""
        if self.role == "department":
            return self.unit is not None and self.unit in [*lead, *responsible]
        if self.role == "district":
            names = [*lead, *responsible]
            return any(self.sees_region(d) for d in districts) or (self.unit is not None and self.unit in names)
        return self.role != "public"


PUBLIC = Principal(username="", display_name="公众 Public", role="public")


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
