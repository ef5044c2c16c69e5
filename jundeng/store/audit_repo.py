"""The audit log read back: who changed what and when, filtered by entity, user and date, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jundeng.store.models import AuditRow


@dataclass(frozen=True)
class AuditEntry:
    """One audited change: when, by whom, what it did to which entity and key, the state before and after."""

    id: int
    at: datetime
    user: str
    action: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _filtered(
    query: Select[Any], *, entity: str | None, user: str | None, since: date | None, until: date | None
) -> Select[Any]:
    """Return ``query`` narrowed to one entity, one user and the days from ``since`` to ``until`` (inclusive, UTC)."""
    if entity:
        query = query.where(AuditRow.entity == entity)
    if user:
        query = query.where(AuditRow.user == user)
    if since:
        query = query.where(AuditRow.at >= datetime.combine(since, time(), UTC))
    if until:
        query = query.where(AuditRow.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return query


def entries(
    session: Session,
    *,
    entity: str | None = None,
    user: str | None = None,
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], int]:
    """Return the newest entries matching the filters (``limit`` of them from ``offset``) and how many match."""
    narrow = partial(_filtered, entity=entity, user=user, since=since, until=until)
    total = session.execute(narrow(select(func.count()).select_from(AuditRow))).scalar_one()
    query = narrow(select(AuditRow)).order_by(AuditRow.at.desc(), AuditRow.id.desc()).offset(offset).limit(limit)
    found = [
        AuditEntry(
            id=row.id,
            at=row.at,
            user=row.user,
            action=row.action,
            entity=row.entity,
            key=row.key,
            before=row.before,
            after=row.after,
        )
        for row in session.execute(query).scalars()
    ]
    return found, int(total)


def entities(session: Session) -> list[str]:
    """Return the entities the audit log has entries for, sorted."""
    return sorted(session.execute(select(AuditRow.entity).distinct()).scalars())
