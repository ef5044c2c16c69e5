"""The catalogue: load a catalogue YAML (file, built-in name or uploaded text), list and show indicators,
and the office's publication of indicators on the public pages.

A load is all-or-nothing: every located problem is raised at once as an :class:`~jundeng.errors.InputError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jundeng.domain.catalog import Catalog, Indicator, ServiceItem, Target
from jundeng.domain.principal import Principal
from jundeng.errors import InputError, JundengError, NotFoundError, Problem
from jundeng.store import catalog_repo, users_repo
from jundeng.store.catalog_repo import KINDS, TARGET_FIELDS, LoadSummary, Retirement
from jundeng.store.db import Database

__all__ = [
    "KINDS",
    "TARGET_FIELDS",
    "LoadSummary",
    "Retirement",
    "edit_target",
    "history",
    "indicator",
    "indicators",
    "items",
    "load_file",
    "load_text",
    "publish",
    "published",
    "read",
    "restore",
    "retire",
    "target",
    "retirements",
    "targets",
]


def load_file(db: Database, *, source: str | Path, user: str, bind_plan: bool = True) -> tuple[Path, LoadSummary]:
    """Load a catalogue YAML file, or a built-in catalogue by name; return its path and what changed. With
    ``bind_plan`` False the indicators take values of any year (a standing list, not one plan's period)."""
    from jundeng.catalogs import builtin_catalog
    from jundeng.io.yaml_files import read_catalog

    path = Path(source) if Path(source).exists() else builtin_catalog(str(source))
    with db.session(write=True) as session:
        catalog = read_catalog(path, **catalog_repo.known_codes(session))
        return path, catalog_repo.load_catalog(session, catalog=catalog, user=user, bind_plan=bind_plan)


def load_text(db: Database, *, content: bytes, name: str, user: str, dry_run: bool = False) -> LoadSummary:
    """Check (and unless ``dry_run`` load) an uploaded catalogue YAML; raise InputError with located problems."""
    from jundeng.io.yaml_files import parse_catalog

    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, 1, 1, "文件须为 UTF-8 编码", "the file must be UTF-8")]) from exc
    with db.session(write=True) as session:
        catalog = parse_catalog(text, name, **catalog_repo.known_codes(session))
        if dry_run:
            return LoadSummary()
        return catalog_repo.load_catalog(session, catalog=catalog, user=user)


def read(db: Database) -> Catalog:
    """Return the whole stored catalogue."""
    with db.session() as session:
        return catalog_repo.read_catalog(session)


def indicators(
    db: Database, *, domain: str | None = None, principal: Principal | None = None, retired: bool = False
) -> list[Indicator]:
    """Return the stored indicators in force, and the retired ones when ``retired`` (of one domain; in the
    principal's scope when one is given)."""
    with db.session() as session:
        found = catalog_repo.indicators(session, domain=domain, retired=retired)
    if principal is not None:
        from jundeng.services.scope import indicator_codes

        allowed = indicator_codes(db, principal)
        found = [i for i in found if i.code in allowed]
    return found


def indicator(
    db: Database, *, code: str, principal: Principal | None = None, retired: bool = False
) -> tuple[Indicator, list[Target]]:
    """Return one indicator with its targets (retired ones too when ``retired``); raise NotFoundError when unknown
    (or out of scope, or retired)."""
    with db.session() as session:
        found = [i for i in catalog_repo.indicators(session, retired=retired) if i.code == code]
        targets = catalog_repo.targets(session, indicator=code, retired=retired)
    if principal is not None and found:
        from jundeng.services.scope import indicator_codes

        found = found if code in indicator_codes(db, principal) else []
    if not found:
        raise NotFoundError(f"未知的指标代码：{code}", f"unknown indicator code: {code}")
    return found[0], targets


def published(db: Database) -> set[str]:
    """Return the codes of the indicators the office has published."""
    with db.session() as session:
        return users_repo.published(session)


def publish(db: Database, *, code: str, by: str, on: bool = True) -> None:
    """Publish an indicator on the public pages (or withdraw it); raise NotFoundError for an unknown code."""
    with db.session(write=True) as session:
        if code not in {i.code for i in catalog_repo.indicators(session)}:
            raise NotFoundError(f"未知的指标代码：{code}", f"unknown indicator code: {code}")
        users_repo.publish(session, indicator=code, by=by, on=on)


def targets(db: Database, *, indicator: str | None = None, retired: bool = False) -> list[Target]:
    """Return the stored targets in force (and the retired ones when ``retired``), optionally of one indicator."""
    with db.session() as session:
        return catalog_repo.targets(session, indicator=indicator, retired=retired)


def target(db: Database, *, key: str) -> Target:
    """Return the target of ``key`` (``INDICATOR:REGION:YEAR``, retired or not); NotFoundError when absent."""
    indicator, region, year = catalog_repo.target_key(key)
    found = [t for t in targets(db, indicator=indicator, retired=True) if (t.region, t.year) == (region, year)]
    if not found:
        raise NotFoundError(f"没有此目标：{key}", f"no target {key}")
    return found[0]


def items(db: Database, *, retired: bool = False) -> list[ServiceItem]:
    """Return the stored service items in force (and the retired ones when ``retired``)."""
    with db.session() as session:
        return catalog_repo.items(session, retired=retired)


def retirements(db: Database, *, kind: str) -> dict[str, Retirement]:
    """Return the retired entries of ``kind`` (target, indicator, item) by key, with who, when and why."""
    with db.session() as session:
        return catalog_repo.retirements(session, kind=kind)


def retire(db: Database, *, kind: str, key: str, reason: str, user: str) -> None:
    """Retire a target (key ``INDICATOR:REGION:YEAR``), an indicator or a service item: it is kept, with the
    audit, but left out of listings, appraisals and attainment; a reason is required."""
    if not reason.strip():
        raise JundengError("停用须说明原因", "retiring needs a reason")
    with db.session(write=True) as session:
        catalog_repo.retire(session, kind=kind, key=key, reason=reason.strip(), user=user)


def restore(db: Database, *, kind: str, key: str, user: str, reason: str | None = None) -> None:
    """Put a retired target, indicator or service item back in force (audited)."""
    with db.session(write=True) as session:
        catalog_repo.restore(session, kind=kind, key=key, user=user, reason=(reason or "").strip() or None)


def edit_target(db: Database, *, key: str, changes: dict[str, Any], user: str) -> dict[str, Any]:
    """Edit a target (``changes``: any of :data:`TARGET_FIELDS`, None clearing one; ``year`` moves it); return
    the fields changed with their new values. A change that leaves an invalid target is refused whole."""
    with db.session(write=True) as session:
        return catalog_repo.edit_target(session, key=key, changes=changes, user=user)


def history(db: Database, *, kind: str, key: str) -> list[dict[str, Any]]:
    """Return the audit trail of one catalogue entry, oldest first (retired entries included)."""
    with db.session() as session:
        return catalog_repo.history(session, kind=kind, key=key)
