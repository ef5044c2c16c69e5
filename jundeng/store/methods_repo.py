"""Appraisal methods stored per programme (the top region of a subtree): every upload is kept, one is chosen.

Each upload and each choice is written to the audit log; a method is never overwritten or deleted, so an
earlier choice can always be chosen again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jundeng.errors import NotFoundError, ScopeError
from jundeng.store import regions_repo
from jundeng.store.models import AuditRow, MethodRow


@dataclass(frozen=True)
class StoredMethod:
    """An appraisal method stored for a programme: its YAML, name, version, whether it is chosen, who uploaded it."""

    id: int
    programme: str
    name: str
    version: str
    yaml: str
    chosen: bool
    created_by: str
    created_at: datetime


def _stored(row: MethodRow) -> StoredMethod:
    return StoredMethod(
        id=row.id,
        programme=row.programme,
        name=row.name,
        version=row.version,
        yaml=row.yaml,
        chosen=row.chosen,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def programme(session: Session, *, under: str | None) -> str | None:
    """Return the programme (top region) ``under`` belongs to, or the only one when ``under`` is None (None when
    no region is stored); ScopeError when several are stored and none is named, NotFoundError for an unknown code."""
    if under is None:
        tops = [r.code for r in regions_repo.tops(session)]
        if len(tops) > 1:
            raise ScopeError(
                f"本库有 {len(tops)} 个城市或区县（{'、'.join(tops)}）：请用 --under 指明哪一个",
                f"this database holds {len(tops)} programmes ({', '.join(tops)}): choose one with --under",
            )
        return tops[0] if tops else None
    top = regions_repo.top_of(session, under)
    if top is None:
        raise NotFoundError(f"未知的区划代码 {under}", f"unknown region code: {under}")
    return top


def methods(session: Session, *, programme: str) -> list[StoredMethod]:
    """Return the methods stored for ``programme``, newest first."""
    query = select(MethodRow).where(MethodRow.programme == programme).order_by(MethodRow.id.desc())
    return [_stored(r) for r in session.scalars(query)]


def get(session: Session, *, method_id: int) -> StoredMethod:
    """Return the stored method ``method_id``; NotFoundError when there is none."""
    row = session.get(MethodRow, method_id)
    if row is None:
        raise NotFoundError(f"没有编号为 {method_id} 的考评方法", f"no appraisal method {method_id}")
    return _stored(row)


def chosen(session: Session, *, programme: str) -> StoredMethod | None:
    """Return the method chosen for ``programme``, or None."""
    query = select(MethodRow).where(MethodRow.programme == programme, MethodRow.chosen.is_(True))
    row = session.scalars(query.order_by(MethodRow.id.desc())).first()
    return None if row is None else _stored(row)


def add(session: Session, *, programme: str, name: str, version: str, yaml: str, user: str) -> StoredMethod:
    """Store a method for ``programme`` (audited); the same version uploaded again returns the stored one."""
    query = select(MethodRow).where(MethodRow.programme == programme, MethodRow.version == version)
    existing = session.scalars(query).first()
    if existing is not None:
        return _stored(existing)
    row = MethodRow(programme=programme, name=name, version=version, yaml=yaml, chosen=False, created_by=user)
    session.add(row)
    session.flush()
    after = {"id": row.id, "programme": programme, "name": name, "version": version}
    session.add(AuditRow(user=user, action="insert", entity="appraisal_methods", key=str(row.id), after=after))
    return _stored(row)


def choose(session: Session, *, method_id: int, user: str) -> StoredMethod:
    """Make ``method_id`` its programme's chosen method (the earlier choice is kept, no longer chosen); audited."""
    row = session.get(MethodRow, method_id)
    if row is None:
        raise NotFoundError(f"没有编号为 {method_id} 的考评方法", f"no appraisal method {method_id}")
    before = chosen(session, programme=row.programme)
    if before is not None and before.id == row.id:
        return _stored(row)
    session.execute(update(MethodRow).where(MethodRow.programme == row.programme).values(chosen=False))
    row.chosen = True
    session.add(
        AuditRow(
            user=user,
            action="choose",
            entity="appraisal_methods",
            key=row.programme,
            before={"chosen": None if before is None else before.id},
            after={"chosen": row.id, "version": row.version},
        )
    )
    session.flush()
    return _stored(row)
