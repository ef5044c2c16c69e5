"""The audit log for the office and the administrator: filtered, a page at a time, each change readable as
``key: value`` pairs with every secret (a password, a hash, a token) left out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from jundeng.store import audit_repo
from jundeng.store.audit_repo import AuditEntry
from jundeng.store.db import Database

SECRET = re.compile(r"password|passwd|hash|token|secret|credential", re.IGNORECASE)


@dataclass(frozen=True)
class AuditPage:
    """The entries of one page of the audit log and how many entries match the filters in all."""

    entries: list[AuditEntry]
    total: int


def readable(values: dict[str, Any] | None) -> str:
    """Return a state recorded in the audit as ``key: value; …`` without any secret field ('' when none)."""
    if not values:
        return ""
    parts = []
    for key, value in values.items():
        if SECRET.search(str(key)):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = readable(value)
        parts.append(f"{key}: {'—' if value is None or value == '' else value}")
    return "; ".join(parts)


def page(
    db: Database,
    *,
    entity: str | None = None,
    user: str | None = None,
    since: date | None = None,
    until: date | None = None,
    number: int = 1,
    size: int = 50,
) -> AuditPage:
    """Return page ``number`` (from 1, ``size`` entries, newest first) of the audit entries matching the filters."""
    with db.session() as session:
        found, total = audit_repo.entries(
            session, entity=entity, user=user, since=since, until=until, offset=(max(number, 1) - 1) * size, limit=size
        )
    return AuditPage(found, total)


def entities(db: Database) -> list[str]:
    """Return the entities that have audit entries."""
    with db.session() as session:
        return audit_repo.entities(session)
