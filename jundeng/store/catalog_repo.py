"""Catalogue persistence: plans, dimensions, domains, service items, indicators, targets and units.

Loading a catalogue upserts by code; every insert and change is written to the audit log with the
state before and after, so that an edit never silently replaces what was there. Entries are retired (and
restored), never deleted; a target is edited field by field, each retirement and edit audited.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
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
from jundeng.errors import ConflictError, JundengError, NotFoundError
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
    utcnow,
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


def load_catalog(session: Session, *, catalog: Catalog, user: str, bind_plan: bool = True) -> LoadSummary:
    """Upsert every entry of ``catalog`` (its indicators bound to its plan's period unless not ``bind_plan``);
    return counts of inserted, updated and unchanged rows."""
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
        values = {**_row_values(ind), "plan": plan_code if bind_plan else None}
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


RETIRED = frozenset({"retired_at", "retired_by"})


def _fields(row: Base, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in _plain(row).items() if k not in exclude and k not in RETIRED and v is not None}


def _sourced(
    model: type[M], row: IndicatorRow | TargetRow | ServiceItemRow, *, exclude: Set[str] = frozenset(), **extra: Any
) -> M:
    """Build ``model`` from a row's set columns, its source document and clause becoming one SourceRef."""
    source = SourceRef(document=row.source_document, clause=row.source_clause) if row.source_document else None
    return model(**_fields(row, {"source_document", "source_clause", *exclude}), **extra, source=source)


def indicators(session: Session, *, domain: str | None = None, retired: bool = False) -> list[Indicator]:
    """Return the stored indicators in force (and the retired ones when asked), optionally of one domain."""
    query = select(IndicatorRow).order_by(IndicatorRow.code)
    if not retired:
        query = query.where(IndicatorRow.retired_at.is_(None))
    if domain is not None:
        query = query.where(IndicatorRow.domain == domain)
    return [_sourced(Indicator, r, exclude={"plan"}) for r in session.execute(query).scalars()]


def indicator_domains(session: Session) -> list[tuple[str, str]]:
    """Return (code, domain) of every indicator in force: what a scope check needs, without building models."""
    query = select(IndicatorRow.code, IndicatorRow.domain).where(IndicatorRow.retired_at.is_(None))
    return [(str(code), str(domain)) for code, domain in session.execute(query.order_by(IndicatorRow.code)).all()]


def targets(session: Session, *, indicator: str | None = None, retired: bool = False) -> list[Target]:
    """Return the stored targets in force (and the retired ones when asked), ordered by indicator, region and
    year; a target of a retired indicator is not in force."""
    query = select(TargetRow).order_by(TargetRow.indicator, TargetRow.region, TargetRow.year)
    if not retired:
        live = select(IndicatorRow.code).where(IndicatorRow.retired_at.is_(None))
        query = query.where(TargetRow.retired_at.is_(None), TargetRow.indicator.in_(live))
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
    return Catalog(
        plan=Plan(**_plain(plans[0])) if len(plans) == 1 else None,
        dimensions=[Dimension(**_plain(r)) for r in session.execute(select(DimensionRow).order_by("code")).scalars()],
        domains=[Domain(**_plain(r)) for r in session.execute(select(DomainRow).order_by("code")).scalars()],
        items=items(session),
        indicators=indicators(session),
        targets=targets(session),
        units=[Unit(**_fields(r, set())) for r in session.execute(select(UnitRow).order_by("code")).scalars()],
    )


def items(session: Session, *, retired: bool = False) -> list[ServiceItem]:
    """Return the stored service items in force (and the retired ones when asked), ordered by code."""
    query = select(ServiceItemRow).order_by(ServiceItemRow.code)
    if not retired:
        query = query.where(ServiceItemRow.retired_at.is_(None))
    found = []
    for r in session.execute(query).scalars():
        amount = (
            StandardAmount(amount=r.amount, unit=r.amount_unit or "", per=r.amount_per or [])
            if r.amount is not None
            else None
        )
        found.append(_sourced(ServiceItem, r, exclude={"amount", "amount_unit", "amount_per"}, amount=amount))
    return found


# Retiring, restoring and editing catalogue entries: never a delete, always an audit row with before and after

RetirableRow = IndicatorRow | TargetRow | ServiceItemRow
KINDS: dict[str, type[RetirableRow]] = {"indicator": IndicatorRow, "target": TargetRow, "item": ServiceItemRow}
KIND_NAMES = {"indicator": ("指标", "indicator"), "target": ("目标", "target"), "item": ("服务项目", "service item")}
TARGET_FIELDS = ("year", "comparator", "value", "low", "high", "baseline_year", "baseline_value", "kind", "start_year")


@dataclass(frozen=True)
class Retirement:
    """Who retired a catalogue entry, when, and why."""

    at: datetime
    by: str
    reason: str | None = None


def target_key(key: str) -> tuple[str, str, int]:
    """Return (indicator, region, year) of a target's key ``INDICATOR:REGION:YEAR``; JundengError when malformed."""
    parts = key.split(":")
    if len(parts) != 3 or not all(parts) or not parts[2].isdigit():
        raise JundengError(
            f"目标的键须为 指标:区划:年份，实为 {key!r}", f"a target's key is INDICATOR:REGION:YEAR, got {key!r}"
        )
    return parts[0], parts[1], int(parts[2])


def _target(session: Session, key: str) -> tuple[TargetRow, str]:
    """Return the target of ``key`` (``INDICATOR:REGION:YEAR``) and its key in the audit log."""
    indicator, region, year = target_key(key)
    row = session.execute(
        select(TargetRow).filter_by(indicator=indicator, region=region, year=year)
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"没有此目标：{key}", f"no target {key}")
    return row, f"{indicator}|{region}|{year}"


def _entry(session: Session, kind: str, key: str) -> tuple[RetirableRow, str]:
    """Return the row of the entry ``key`` of ``kind`` and its key in the audit log; NotFoundError when absent."""
    if kind == "target":
        return _target(session, key)
    if kind not in KINDS:
        raise JundengError(f"未知的目录条目类型 {kind!r}", f"unknown catalogue entry kind {kind!r}: {sorted(KINDS)}")
    row = session.get(IndicatorRow, key) if kind == "indicator" else session.get(ServiceItemRow, key)
    if row is None:
        zh, en = KIND_NAMES[kind]
        raise NotFoundError(f"没有此{zh}：{key}", f"no {en} {key}")
    return row, key


def _audit(session: Session, row: RetirableRow, action: str, key: str, user: str, **change: Any) -> None:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    before, after = (
        {k: plain(getattr(row, k)) for k in change if k != "reason"},
        {k: plain(v) for k, v in change.items()},
    )
    session.add(AuditRow(user=user, action=action, entity=row.__tablename__, key=key, before=before, after=after))


def retire(session: Session, *, kind: str, key: str, reason: str, user: str) -> None:
    """Retire a target, indicator or service item (kept, left out of listings and analyses); audited."""
    row, audit_key = _entry(session, kind, key)
    if row.retired_at is not None:
        zh, en = KIND_NAMES[kind]
        raise ConflictError(f"{zh} {key} 已于 {row.retired_at:%Y-%m-%d} 停用", f"{en} {key} is already retired")
    now = utcnow()
    _audit(session, row, "retire", audit_key, user, retired_at=now, retired_by=user, reason=reason)
    row.retired_at, row.retired_by = now, user


def restore(session: Session, *, kind: str, key: str, user: str, reason: str | None = None) -> None:
    """Put a retired entry back in force; audited."""
    row, audit_key = _entry(session, kind, key)
    if row.retired_at is None:
        zh, en = KIND_NAMES[kind]
        raise ConflictError(f"{zh} {key} 未停用", f"{en} {key} is not retired")
    _audit(session, row, "restore", audit_key, user, retired_at=None, retired_by=None, reason=reason)
    row.retired_at, row.retired_by = None, None


def edit_target(session: Session, *, key: str, changes: dict[str, Any], user: str) -> dict[str, Any]:
    """Change fields of a target in force (``year`` moves it to another year); return the changed fields' new
    values (empty when nothing changed). The result must be a valid target; the audit keeps before and after."""
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise JundengError(f"目标没有这些字段：{sorted(unknown)}", f"a target has no fields {sorted(unknown)}")
    row, audit_key = _target(session, key)
    if row.retired_at is not None:
        raise ConflictError(f"目标 {key} 已停用，请先恢复", f"target {key} is retired: restore it first")
    current = _sourced(Target, row)
    try:
        edited = Target.model_validate(current.model_dump() | changes)
    except ValidationError as exc:
        raise _refusal(exc, key) from exc
    values = _row_values(edited)
    changed = {k: v for k, v in values.items() if k in TARGET_FIELDS and _plain(row).get(k) != v}
    if not changed:
        return {}
    if "year" in changed:
        clash = select(TargetRow.id).filter_by(indicator=row.indicator, region=row.region, year=changed["year"])
        if session.execute(clash).first() is not None:
            new_key = f"{row.indicator}:{row.region}:{changed['year']}"
            raise ConflictError(f"目标 {new_key} 已存在", f"target {new_key} already exists")
    _audit(session, row, "update", audit_key, user, **changed)
    for name, value in changed.items():
        setattr(row, name, value)
    return changed


def _refusal(exc: ValidationError, key: str) -> JundengError:
    """Return the first problem of an invalid target as a bilingual refusal naming the target."""
    err = exc.errors()[0]
    cause = err.get("ctx", {}).get("error")
    field_name = ".".join(str(p) for p in err["loc"])
    if isinstance(cause, JundengError):
        zh, en = cause.zh, cause.en
    else:
        zh, en = "取值无效", err["msg"]
    where = f" {field_name}" if field_name else ""
    return JundengError(f"目标 {key}{where}: {zh}", f"target {key}{where}: {en}")


def retirements(session: Session, *, kind: str) -> dict[str, Retirement]:
    """Return the retired entries of ``kind`` by key (``INDICATOR:REGION:YEAR`` for targets), with their reason."""
    if kind == "target":
        query = select(TargetRow).where(TargetRow.retired_at.is_not(None))
        rows: list[tuple[str, RetirableRow]] = [
            (f"{t.indicator}:{t.region}:{t.year}", t) for t in session.scalars(query)
        ]
    else:
        model: Any = IndicatorRow if kind == "indicator" else ServiceItemRow
        rows = [(r.code, r) for r in session.scalars(select(model).where(model.retired_at.is_not(None)))]
    found = {key: Retirement(at=r.retired_at, by=r.retired_by or "") for key, r in rows if r.retired_at is not None}
    if not found:
        return found
    audit = select(AuditRow).where(AuditRow.action == "retire", AuditRow.entity == KINDS[kind].__tablename__)
    for entry in session.execute(audit.order_by(AuditRow.id)).scalars():
        key = entry.key.replace("|", ":")
        if key in found:
            found[key] = Retirement(at=found[key].at, by=found[key].by, reason=(entry.after or {}).get("reason"))
    return found


def history(session: Session, *, kind: str, key: str) -> list[dict[str, Any]]:
    """Return every audit entry of one catalogue entry, oldest first (loads, edits, retirements, restorations)."""
    _, audit_key = _entry(session, kind, key)
    query = select(AuditRow).where(AuditRow.entity == KINDS[kind].__tablename__, AuditRow.key == audit_key)
    return [
        {"at": a.at, "user": a.user, "action": a.action, "before": a.before, "after": a.after}
        for a in session.execute(query.order_by(AuditRow.id)).scalars()
    ]
