"""Stage the candidates extracted from a policy document, review them, and import the accepted ones.

Accepted targets become indicators (when new) and targets in the catalogue, accepted standards become
service items, accepted tasks become ledger tasks; each keeps its source document and clause. Every
decision records who made it; catalogue and ledger writes are audited like any other.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jundeng.domain.catalog import (
    SourceRef,
)
from jundeng.domain.tasks import Task
from jundeng.errors import JundengError, NotFoundError
from jundeng.extract import extract_text, read_document
from jundeng.store import candidates_repo, tasks_repo
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
        candidates_repo.save_document(session, document=path.name, sha256=digest, text=text, user=user)
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
    from jundeng.services import extraction_review

    with db.session(write=True) as session:
        _open(session, candidate)
        if edits:
            candidates_repo.edit(session, candidate=candidate, changes=edits, user=user)
        row = _open(session, candidate)
        result = extraction_review.accept_row(session, row, user=user, code=code, domain=domain, region=region)
        candidates_repo.decide(session, candidate=candidate, status="accepted", result=result, user=user)
    return Decision(candidate, "accepted", result)


def documents(db: Database) -> list[dict[str, Any]]:
    """Return the staged documents, newest first, with their candidates counted by status."""
    with db.session() as session:
        return candidates_repo.documents(session)


def document(db: Database, sha256: str) -> dict[str, Any]:
    """Return a staged document (name, text or None) with its candidates in document order; NotFoundError."""
    with db.session() as session:
        found = candidates_repo.document(session, sha256=sha256)
        if found is None:
            raise NotFoundError("没有此文件", "no such staged document")
        rows = candidates_repo.listing(session, status=None, sha256=sha256)
    return {**found, "candidates": sorted(rows, key=lambda r: (r["start"], r["id"]))}


def stage_upload(db: Database, data: bytes, name: str, *, user: str) -> tuple[str, int, bool, str]:
    """Stage an uploaded document (its bare, safe ``name`` keeps the suffix); return (document, count, newly
    staged, digest of its text)."""
    with tempfile.TemporaryDirectory(prefix="jundeng-extract-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        text = read_document(path)
        document_, count, new = stage(db, path, user=user)
    return document_, count, new, hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_task(session: Any, data: dict[str, Any], code: str, source: SourceRef, user: str) -> str:
    """Save an accepted task candidate as a ledger task with its source clause; return ``task:CODE``."""
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


def domains(db: Database) -> list[tuple[str, str]]:
    """Return the catalogue's domains as (code, name), by code: the choices of a candidate's domain."""
    with db.session() as session:
        return sorted(candidates_repo.domain_names(session).items())
