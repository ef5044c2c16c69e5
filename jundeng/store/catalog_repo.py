"""Catalogue persistence: plans, dimensions, domains, service items, indicators, targets and units.

Loading a catalogue upserts by code; every insert and change is written to the audit log with the
state before and after, so that an edit never silently replaces what was there.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.domain.catalog import (
    DEFAULT_DIMENSIONS,
    Catalog,
    Dimension,
    Domain,
    Indicator,
    Plan,
    ServiceItem,
    SourceRef,
    StandardAmount,
    Target,
    Unit,
)
from jundeng.store.models import (
    AuditRow,
    Base,
    DimensionRow,
    DomainRow,
    IndicatorRow,
    PlanRow,
    RegionRow,
    ServiceItemRow,
    TargetRow,
    UnitRow,
)

M = TypeVar("M", bound=BaseModel)


@dataclass
class LoadSummary:
    """How many rows of each kind a catalogue load inserted, changed or left as they were."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: str, entity: str) -> None:
        """Add one to ``bucket`` (inserted/updated/unchanged) for ``entity``."""
        counts: dict[str, int] = getattr(self, bucket)
        counts[entity] = counts.get(entity, 0) + 1


def _src(source: SourceRef | None) -> dict[str, Any]:
    return {
        "source_document": source.document if source else None,
        "source_clause": source.clause if source else None,
    }


def _row_values(obj: Any) -> dict[str, Any]:
    """Return the column values of a catalogue model as stored."""
    if isinstance(obj, ServiceItem):
        data = obj.model_dump(exclude={"amount", "source"})
        data["amount"] = obj.amount.amount if obj.amount else None
        data["amount_unit"] = obj.amount.unit if obj.amount else None
        data["amount_per"] = list(obj.amount.per) if obj.amount else None
        return {**data, **_src(obj.source)}
    if isinstance(obj, Indicator | Target):
        data = obj.model_dump(mode="json", exclude={"source"})
        return {**data, **_src(obj.source)}
    return dict(obj.model_dump(mode="json"))


def _plain(row: Base) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key != "id"}


def _upsert(
    session: Session,
    row_type: type[Base],
    key: dict[str, Any],
    values: dict[str, Any],
    *,
    user: str,
    summary: LoadSummary,
) -> None:
    entity = str(row_type.__tablename__)
    existing = session.execute(select(row_type).filter_by(**key)).scalar_one_or_none()
    key_text = "|".join(str(v) for v in key.values())
    if existing is None:
        session.add(row_type(**values))
        session.add(AuditRow(user=user, action="insert", entity=entity, key=key_text, after=values))
        summary.count("inserted", entity)
        return
    before = _plain(existing)
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        summary.count("unchanged", entity)
        return
    for name, value in changed.items():
        setattr(existing, name, value)
    session.add(
        AuditRow(
            user=user,
            action="update",
            entity=entity,
            key=key_text,
            before={k: before.get(k) for k in changed},
            after=changed,
        )
    )
    summary.count("updated", entity)


def load_catalog(session: Session, *, catalog: Catalog, user: str) -> LoadSummary:
    """Upsert every entry of ``catalog``; return counts of inserted, updated and unchanged rows."""
    summary = LoadSummary()
    plan_code = catalog.plan.code if catalog.plan else None
    if catalog.plan:
        _upsert(session, PlanRow, {"code": plan_code}, _row_values(catalog.plan), user=user, summary=summary)
    for dim in [*DEFAULT_DIMENSIONS, *catalog.dimensions]:
        _upsert(session, DimensionRow, {"code": dim.code}, _row_values(dim), user=user, summary=summary)
    for group, row_type in ((catalog.domains, DomainRow), (catalog.items, ServiceItemRow)):
        for obj in group:
            _upsert(session, row_type, {"code": obj.code}, _row_values(obj), user=user, summary=summary)
    session.flush()
    for ind in catalog.indicators:
        values = {**_row_values(ind), "plan": plan_code}
        _upsert(session, IndicatorRow, {"code": ind.code}, values, user=user, summary=summary)
    for unit in catalog.units:
        _upsert(session, UnitRow, {"code": unit.code}, _row_values(unit), user=user, summary=summary)
    session.flush()
    for tgt in catalog.targets:
        key = {"indicator": tgt.indicator, "region": tgt.region, "year": tgt.year}
        _upsert(session, TargetRow, key, _row_values(tgt), user=user, summary=summary)
    return summary


def known_codes(session: Session) -> dict[str, set[str]]:
    """Return the codes already stored, in the keyword form :func:`parse_catalog` takes."""

    def codes(column: Any) -> set[str]:
        return set(session.execute(select(column)).scalars())

    return {
        "known_domains": codes(DomainRow.code),
        "known_indicators": codes(IndicatorRow.code),
        "known_dimensions": codes(DimensionRow.code),
        "known_regions": codes(RegionRow.code),
    }


def _fields(row: Base, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in _plain(row).items() if k not in exclude and v is not None}


def _sourced(
    model: type[M], row: IndicatorRow | TargetRow | ServiceItemRow, *, exclude: Set[str] = frozenset(), **extra: Any
) -> M:
    """Build ``model`` from a row's set columns, its source document and clause becoming one SourceRef."""
    source = SourceRef(document=row.source_document, clause=row.source_clause) if row.source_document else None
    return model(**_fields(row, {"source_document", "source_clause", *exclude}), **extra, source=source)


def indicators(session: Session, *, domain: str | None = None) -> list[Indicator]:
    """Return the stored indicators (optionally of one domain), ordered by code."""
    query = select(IndicatorRow).order_by(IndicatorRow.code)
    if domain is not None:
        query = query.where(IndicatorRow.domain == domain)
    return [_sourced(Indicator, r, exclude={"plan"}) for r in session.execute(query).scalars()]


def targets(session: Session, *, indicator: str | None = None) -> list[Target]:
    """Return the stored targets (optionally of one indicator), ordered by indicator, region and year."""
    query = select(TargetRow).order_by(TargetRow.indicator, TargetRow.region, TargetRow.year)
    if indicator is not None:
        query = query.where(TargetRow.indicator == indicator)
    return [_sourced(Target, r) for r in session.execute(query).scalars()]


def dimensions(session: Session) -> dict[str, Dimension]:
    """Return the stored disaggregation dimensions by code."""
    return {
        d.code: Dimension(code=d.code, name=d.name, name_en=d.name_en, values=d.values)
        for d in session.execute(select(DimensionRow)).scalars()
    }


def plan_years(session: Session) -> dict[str, tuple[int, int]]:
    """Return the (start, end) years of the plan each stored indicator belongs to."""
    plans = {p.code: (p.start_year, p.end_year) for p in session.execute(select(PlanRow)).scalars()}
    plan_of = dict(session.execute(select(IndicatorRow.code, IndicatorRow.plan)).all())
    return {code: plans[plan] for code, plan in plan_of.items() if plan in plans}


def read_catalog(session: Session) -> Catalog:
    """Return the whole stored catalogue as one Catalog (the inverse of :func:`load_catalog`)."""
    plans = session.execute(select(PlanRow).order_by(PlanRow.code)).scalars().all()
    items = []
    for r in session.execute(select(ServiceItemRow).order_by(ServiceItemRow.code)).scalars():
        amount = (
            StandardAmount(amount=r.amount, unit=r.amount_unit or "", per=r.amount_per or [])
            if r.amount is not None
            else None
        )
        items.append(_sourced(ServiceItem, r, exclude={"amount", "amount_unit", "amount_per"}, amount=amount))
    return Catalog(
        plan=Plan(**_plain(plans[0])) if len(plans) == 1 else None,
        dimensions=[Dimension(**_plain(r)) for r in session.execute(select(DimensionRow).order_by("code")).scalars()],
        domains=[Domain(**_plain(r)) for r in session.execute(select(DomainRow).order_by("code")).scalars()],
        items=items,
        indicators=indicators(session),
        targets=targets(session),
        units=[Unit(**_fields(r, set())) for r in session.execute(select(UnitRow).order_by("code")).scalars()],
    )
