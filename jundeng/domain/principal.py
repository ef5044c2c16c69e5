"""Who is asking and what they may see: roles and the principal with its region and domain scope.

Scopes narrow what an allowed role sees:

- admin, office: everything;
- department: the indicators of its domains (and their data in every region), the tasks its unit leads or
  shares;
- district: the data of its own region subtree, the tasks decomposed to it or naming its unit;
- viewer: everything approved, read-only;
- public (also anyone not logged in): the indicators the office published, approved values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ROLES = ("admin", "office", "department", "district", "viewer", "public")
WRITERS = ("admin", "office", "department", "district")
OFFICE = ("admin", "office")
EVERYONE = ROLES
SIGNED_IN = ROLES[:-1]
APPROVED_ONLY = ("public", "viewer")  # roles that see approved values only


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

    @property
    def approved_only(self) -> bool:
        """Return True when this principal may see approved values only (the public and viewers)."""
        return self.role in APPROVED_ONLY

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
