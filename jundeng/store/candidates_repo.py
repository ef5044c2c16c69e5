"""Staged extraction candidates: store, list and decide (the decisions are audited)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jundeng.errors import ConflictError
from jundeng.store.models import AuditRow, CandidateRow, utcnow


def staged_ids(session: Session, *, sha256: str) -> list[int]:
    """Return the ids of the candidates staged from the document with this digest."""
    return list(session.execute(select(CandidateRow.id).where(CandidateRow.sha256 == sha256)).scalars())


def add(session: Session, *, document: str, sha256: str, candidates: Iterable[dict[str, Any]], user: str) -> int:
    """Stage candidates (dicts with kind, sentence, start, end and the rest of the payload); return how many."""
    count = 0
    for data in candidates:
        session.add(
            CandidateRow(
                document=document,
                sha256=sha256,
                kind=data["kind"],
                payload=data,
                sentence=data["sentence"],
                start=data["start"],
                end=data["end"],
                created_by=user,
            )
        )
        count += 1
    return count


def listing(session: Session, *, status: str | None) -> list[dict[str, Any]]:
    """Return candidates (of one status, or all with None) as dicts, oldest first."""
    query = select(CandidateRow).order_by(CandidateRow.id)
    if status:
        query = query.where(CandidateRow.status == status)
    return [
        {"id": r.id, "document": r.document, "status": r.status, "result": r.result, **r.payload}
        for r in session.execute(query).scalars()
    ]


def get(session: Session, *, candidate: int) -> dict[str, Any] | None:
    """Return one candidate (id, document, status, sentence, payload) or None."""
    row = session.get(CandidateRow, candidate)
    if row is None:
        return None
    return {
        "id": row.id,
        "document": row.document,
        "status": row.status,
        "sentence": row.sentence,
        "payload": dict(row.payload),
    }


def decide(session: Session, *, candidate: int, status: str, result: str | None, user: str) -> None:
    """Record the decision on a staged candidate and audit it; ConflictError when it was decided meanwhile."""
    moved = session.execute(
        update(CandidateRow)
        .where(CandidateRow.id == candidate, CandidateRow.status == "staged")
        .values(status=status, result=result, decided_by=user, decided_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            f"候选 {candidate} 已由他人处理", f"candidate {candidate} was already decided, perhaps by someone else"
        )
    session.add(
        AuditRow(user=user, action=status, entity="extract_candidates", key=str(candidate), after={"result": result})
    )
