"""The catalogue: load a catalogue YAML (file, built-in name or uploaded text), list and show indicators,
and the office's publication of indicators on the public pages.

A load is all-or-nothing: every located problem is raised at once as an :class:`~jundeng.errors.InputError`.
"""

from __future__ import annotations

from pathlib import Path

from jundeng.domain.catalog import Catalog, Indicator, Target
from jundeng.domain.principal import Principal
from jundeng.errors import InputError, NotFoundError, Problem
from jundeng.store import catalog_repo, users_repo
from jundeng.store.catalog_repo import LoadSummary
from jundeng.store.db import Database

__all__ = ["LoadSummary", "indicator", "indicators", "load_file", "load_text", "publish", "published", "read"]


def load_file(db: Database, *, source: str | Path, user: str) -> tuple[Path, LoadSummary]:
    """Load a catalogue YAML file, or a built-in catalogue by name; return its path and what changed."""
    from jundeng.catalogs import builtin_catalog
    from jundeng.io.yaml_files import read_catalog

    path = Path(source) if Path(source).exists() else builtin_catalog(str(source))
    with db.session(write=True) as session:
        catalog = read_catalog(path, **catalog_repo.known_codes(session))
        return path, catalog_repo.load_catalog(session, catalog=catalog, user=user)


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


def indicators(db: Database, *, domain: str | None = None, principal: Principal | None = None) -> list[Indicator]:
    """Return the stored indicators (of one domain; in the principal's scope when one is given)."""
    with db.session() as session:
        found = catalog_repo.indicators(session, domain=domain)
    if principal is not None:
        from jundeng.services.scope import indicator_codes

        allowed = indicator_codes(db, principal)
        found = [i for i in found if i.code in allowed]
    return found


def indicator(db: Database, *, code: str, principal: Principal | None = None) -> tuple[Indicator, list[Target]]:
    """Return one indicator with its targets; raise NotFoundError when unknown (or out of scope)."""
    with db.session() as session:
        found = [i for i in catalog_repo.indicators(session) if i.code == code]
        targets = catalog_repo.targets(session, indicator=code)
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
