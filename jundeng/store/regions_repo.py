"""Regions and population persistence."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.regions import Population, Region
from jundeng.errors import NotFoundError, ScopeError
from jundeng.store.models import AuditRow, PopulationRow, RegionRow


def load_regions(session: Session, *, regions: Iterable[Region], user: str) -> tuple[int, int]:
    """Insert or update regions by code (parents first); return (inserted, updated)."""
    existing = {r.code: r for r in session.execute(select(RegionRow)).scalars()}
    inserted = updated = 0
    for region in regions:
        values = region.model_dump(mode="json")
        row = existing.get(region.code)
        if row is None:
            session.add(RegionRow(**values))
            inserted += 1
            continue
        before = {k: getattr(row, k) for k in values}
        if before != values:
            for key, value in values.items():
                setattr(row, key, value)
            session.add(
                AuditRow(user=user, action="update", entity="regions", key=region.code, before=before, after=values)
            )
            updated += 1
    if inserted:
        session.add(AuditRow(user=user, action="insert", entity="regions", key="*", after={"rows": inserted}))
    return inserted, updated


def regions(session: Session, *, level: str | None = None, under: str | None = None) -> list[Region]:
    """Return stored regions ordered by code, optionally of one level and/or within a subtree."""
    query = select(RegionRow).order_by(RegionRow.code)
    if level:
        query = query.where(RegionRow.level == level)
    rows = list(session.execute(query).scalars())
    result = [Region.model_validate(r, from_attributes=True) for r in rows]
    if under:
        keep = subtree_codes(session, root=under)
        result = [r for r in result if r.code in keep]
    return result


def region(session: Session, *, code: str) -> Region | None:
    """Return the stored region ``code``, or None."""
    row = session.get(RegionRow, code)
    return None if row is None else Region.model_validate(row, from_attributes=True)


def region_codes(session: Session) -> set[str]:
    """Return the codes of every stored region."""
    return set(session.execute(select(RegionRow.code)).scalars())


def subtree_codes(session: Session, *, root: str) -> set[str]:
    """Return the codes of ``root`` and every stored region below it."""
    children: dict[str | None, list[str]] = {}
    for code, parent in session.execute(select(RegionRow.code, RegionRow.parent)).all():
        children.setdefault(parent, []).append(code)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def load_population(session: Session, *, rows: Iterable[Population], user: str, source: str) -> int:
    """Insert or replace population figures by (region, year, group); return the number written."""
    count = inserted = 0
    for pop in rows:
        key = {"region": pop.region, "year": pop.year, "group": pop.group}
        row = session.get(PopulationRow, key)
        values = {"registered": pop.registered, "resident": pop.resident, "source": source}
        if row is None:
            session.add(PopulationRow(**key, **values))
            inserted += 1
        else:
            before = {k: getattr(row, k) for k in values}
            if before != values:
                session.add(
                    AuditRow(
                        user=user,
                        action="update",
                        entity="population",
                        key=f"{pop.region}|{pop.year}|{pop.group}",
                        before=before,
                        after=values,
                    )
                )
                for k, v in values.items():
                    setattr(row, k, v)
        count += 1
    if inserted:
        after = {"rows": inserted, "source": source}
        session.add(AuditRow(user=user, action="insert", entity="population", key="*", after=after))
    return count


def population(session: Session) -> list[Population]:
    """Return every stored population figure, ordered by region, year and group."""
    rows = session.execute(
        select(PopulationRow).order_by(PopulationRow.region, PopulationRow.year, PopulationRow.group)
    ).scalars()
    return [Population.model_validate(r, from_attributes=True) for r in rows]


def programme_codes(session: Session, *, under: str | None) -> set[str]:
    """Return the region codes a question is about: ``under``'s subtree, else every region when the database
    holds one programme; ScopeError when it holds several and none is chosen, NotFoundError for an unknown code."""
    tops = list(session.execute(select(RegionRow.code).where(RegionRow.parent.is_(None))).scalars())
    if under is None:
        if len(tops) > 1:
            raise ScopeError(
                f"本库有 {len(tops)} 个城市或区县（{'、'.join(tops)}）：请用 --under 指明哪一个",
                f"this database holds {len(tops)} programmes ({', '.join(tops)}): choose one with --under",
            )
        return region_codes(session)
    if session.get(RegionRow, under) is None:
        raise NotFoundError(f"未知的区划代码 {under}", f"unknown region code: {under}")
    return subtree_codes(session, root=under)


def tops(session: Session) -> list[Region]:
    """Return the top regions (one per programme: a region without a parent), ordered by code."""
    rows = session.execute(select(RegionRow).where(RegionRow.parent.is_(None)).order_by(RegionRow.code)).scalars()
    return [Region.model_validate(r, from_attributes=True) for r in rows]


def top_of(session: Session, code: str) -> str | None:
    """Return the top region above ``code`` (``code`` itself when it has no parent); None for an unknown code."""
    seen: set[str] = set()
    node: str | None = code
    while node is not None and node not in seen:
        row = session.get(RegionRow, node)
        if row is None:
            return None
        seen.add(node)
        if row.parent is None:
            return node
        node = row.parent
    return None
