"""Stage the candidates extracted from a policy document, review them, and import the accepted ones.

Accepted targets become indicators (when new) and targets in the catalogue, accepted standards become
service items, accepted tasks become ledger tasks; each keeps its source document and clause. Every
decision records who made it; catalogue and ledger writes are audited like any other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jundeng.domain.catalog import (
    Catalog,
    Comparator,
    Direction,
    Indicator,
    ServiceItem,
    SourceRef,
    StandardAmount,
    Target,
)
from jundeng.domain.tasks import Task
from jundeng.errors import JundengError
from jundeng.extract import extract_text, read_document
from jundeng.store import candidates_repo, catalog_repo, regions_repo, tasks_repo
from jundeng.store.db import Database


@dataclass(frozen=True)
class Decision:
    """What accepting or rejecting a candidate did."""

    id: int
    status: str
    result: str | None


class ReviewError(JundengError):
    """A decision that cannot be carried out, in Chinese and English."""


def stage(db: Database, path: str | Path, *, user: str) -> tuple[str, int, bool]:
    """Extract ``path`` and stage its candidates; return (document, count, newly staged)."""
    path = Path(path)
    text = read_document(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with db.session(write=True) as session:
        existing = candidates_repo.staged_ids(session, sha256=digest)
        if existing:
            return path.name, len(existing), False
        found = [c.to_dict() for c in extract_text(text, source=path.name)]
        count = candidates_repo.add(session, document=path.name, sha256=digest, candidates=found, user=user)
    return path.name, count, True


def staged(db: Database, *, status: str | None = "staged") -> list[dict[str, Any]]:
    """Return staged candidates (or those with another status, or all with None), oldest first."""
    with db.session() as session:
        return candidates_repo.listing(session, status=status)


def _open(session: Any, candidate: int) -> dict[str, Any]:
    """Return a candidate still awaiting a decision, or raise ReviewError."""
    row = candidates_repo.get(session, candidate=candidate)
    if row is None:
        raise ReviewError(f"没有编号为 {candidate} 的候选项", f"no candidate {candidate}")
    if row["status"] != "staged":
        raise ReviewError(
            f"候选项 {candidate} 已处理（{row['status']}）", f"candidate {candidate} was already {row['status']}"
        )
    return row


def reject(db: Database, candidate: int, *, user: str) -> Decision:
    """Reject a staged candidate."""
    with db.session(write=True) as session:
        _open(session, candidate)
        candidates_repo.decide(session, candidate=candidate, status="rejected", result=None, user=user)
    return Decision(candidate, "rejected", None)


def accept(
    db: Database,
    candidate: int,
    *,
    user: str,
    code: str | None = None,
    domain: str | None = None,
    region: str | None = None,
    edits: dict[str, Any] | None = None,
) -> Decision:
    """Accept a candidate (with optional edits) and import it into the catalogue or the ledger."""
    with db.session(write=True) as session:
        row = _open(session, candidate)
        data = {**row["payload"], **(edits or {})}
        source = SourceRef(document=row["document"], clause=row["sentence"])
        kind = str(data["kind"])
        if kind == "task":
            result = _import_task(session, data, code or f"X-{candidate:04d}", source, user)
        elif kind in ("target", "standard"):
            if not code or not domain:
                raise ReviewError(
                    "接受目标或标准须给出代码和领域", "accepting a target or standard needs a code and a domain"
                )
            known = catalog_repo.known_codes(session)
            if domain not in known["known_domains"]:
                raise ReviewError(f"未知的领域代码 {domain!r}", f"unknown domain code {domain!r}")
            tops = [r.code for r in regions_repo.regions(session) if r.parent is None]  # one per programme
            if region is None and len(tops) > 1:
                raise ReviewError(
                    f"本库有 {len(tops)} 个城市或区县（{'、'.join(tops)}）：请指明目标或标准适用的区划",
                    f"this database holds {len(tops)} programmes ({', '.join(tops)}): say which region it is for",
                )
            scope = region or (tops[0] if tops else None)
            if kind == "target" and scope is None:
                raise ReviewError("须给出目标适用的区划", "the target needs a region")
            catalog = _catalog_entry(kind, data, code, domain, scope, source, known["known_indicators"])
            catalog_repo.load_catalog(session, catalog=catalog, user=user)
            result = f"{kind}:{code}"
        else:  # a baseline is evidence for review, kept with the decision
            result = "baseline:recorded"
        candidates_repo.decide(session, candidate=candidate, status="accepted", result=result, user=user)
    return Decision(candidate, "accepted", result)


def _catalog_entry(
    kind: str, data: dict[str, Any], code: str, domain: str, region: str | None, source: SourceRef, known: set[str]
) -> Catalog:
    """Return the catalogue fragment for an accepted target (indicator when new, plus target) or standard."""
    if kind == "standard":
        parts = str(data.get("unit") or "").split("/")
        amount = StandardAmount(amount=float(data["value"]), unit=parts[0] or "元", per=parts[1:])
        item = ServiceItem(
            code=code,
            domain=domain,
            name=str(data["indicator"]),
            standard=data["sentence"],
            amount=amount,
            source=source,
        )
        return Catalog(items=[item])
    comparator = str(data.get("comparator") or ">=")
    indicators = []
    if code not in known:
        direction = Direction.LOWER if comparator in ("<=", "<") else Direction.HIGHER
        indicators.append(
            Indicator(
                code=code,
                name=str(data["indicator"]),
                domain=domain,
                unit=str(data.get("unit") or ""),
                direction=direction,
                source=source,
            )
        )
    is_range = data.get("low") is not None and data.get("high") is not None and data["low"] != data["high"]
    target = Target(
        indicator=code,
        region=str(region),
        year=int(data.get("year") or date.today().year),
        comparator=Comparator.RANGE if is_range else Comparator(comparator),
        value=None if is_range else float(data["value"]),
        low=float(data["low"]) if is_range else None,
        high=float(data["high"]) if is_range else None,
        source=source,
    )
    return Catalog(domains=[], indicators=indicators, targets=[target])


def _import_task(session: Any, data: dict[str, Any], code: str, source: SourceRef, user: str) -> str:
    year = data.get("year")
    task = Task(
        code=code,
        title=str(data.get("sentence") or data["indicator"])[:500],
        domain=data.get("domain"),
        year=int(year) if year else None,
        lead_units=list(data.get("lead_units") or []),
        responsible_units=list(data.get("responsible_units") or []),
        target_value=float(data["value"]) if data.get("value") is not None else None,
        target_unit=data.get("unit") or None,
        deadline=date(int(year), 12, 31) if year else None,
        source_document=source.document,
        source_clause=source.clause,
    )
    tasks_repo.save_tasks(session, tasks=[task], user=user)
    return f"task:{code}"
