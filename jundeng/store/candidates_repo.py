"""Staged extraction candidates: store, list and decide (the decisions are audited)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jundeng.errors import ConflictError
from jundeng.store.models import AuditRow, CandidateDocumentRow, CandidateRow, DomainRow, utcnow


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


def listing(
    session: Session, *, status: str | None, sha256: str | None = None, ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Return candidates (of one status, or all with None; of one document; with these ids) as dicts, oldest
    first."""
    query = select(CandidateRow).order_by(CandidateRow.id)
    if status:
        query = query.where(CandidateRow.status == status)
    if sha256:
        query = query.where(CandidateRow.sha256 == sha256)
    if ids is not None:
        query = query.where(CandidateRow.id.in_(list(ids)))
    return [
        {
            **r.payload,
            "id": r.id,
            "document": r.document,
            "sha256": r.sha256,
            "status": r.status,
            "result": r.result,
            "decided_by": r.decided_by,
        }
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
        "sha256": row.sha256,
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


def edit(session: Session, *, candidate: int, changes: dict[str, Any], user: str) -> dict[str, Any]:
    """Change fields of a staged candidate's payload; audit the fields' values before and after; return the
    changed fields (empty when nothing changed). ConflictError when it was decided meanwhile."""
    row = session.get(CandidateRow, candidate, with_for_update=True)
    if row is None or row.status != "staged":
        raise ConflictError(f"候选 {candidate} 已处理，不能再修改", f"candidate {candidate} was decided: no more edits")
    before = dict(row.payload)
    changed = {k: v for k, v in changes.items() if before.get(k) != v}
    if not changed:
        return {}
    row.payload = {**before, **changed}
    if "kind" in changed:
        row.kind = str(changed["kind"])
    session.add(
        AuditRow(
            user=user,
            action="edit",
            entity="extract_candidates",
            key=str(candidate),
            before={k: before.get(k) for k in changed},
            after=changed,
        )
    )
    return changed


def save_document(session: Session, *, document: str, sha256: str, text: str, user: str) -> None:
    """Keep the text of a staged document (once per digest)."""
    found = session.execute(select(CandidateDocumentRow.id).where(CandidateDocumentRow.sha256 == sha256)).first()
    if found is None:
        session.add(CandidateDocumentRow(document=document, sha256=sha256, text=text, created_by=user))


def documents(session: Session) -> list[dict[str, Any]]:
    """Return the staged documents (digest, name, who staged it, when) with their candidates counted by status,
    newest first; documents staged before their text was kept have no ``text``."""
    counts: dict[str, dict[str, Any]] = {}
    for sha, name, status, created_at, created_by in session.execute(
        select(
            CandidateRow.sha256,
            CandidateRow.document,
            CandidateRow.status,
            CandidateRow.created_at,
            CandidateRow.created_by,
        ).order_by(CandidateRow.id)
    ).all():
        first = {"sha256": sha, "document": name, "at": created_at, "by": created_by}
        entry = counts.setdefault(sha, first | {"staged": 0, "accepted": 0, "rejected": 0})
        entry[status] = entry.get(status, 0) + 1
    return sorted(counts.values(), key=lambda d: d["at"], reverse=True)


def document(session: Session, *, sha256: str) -> dict[str, Any] | None:
    """Return one staged document (digest, name, text or None) or None when nothing was staged from it."""
    row = session.execute(select(CandidateDocumentRow).where(CandidateDocumentRow.sha256 == sha256)).scalar()
    if row is not None:
        return {"sha256": row.sha256, "document": row.document, "text": row.text}
    name = session.execute(select(CandidateRow.document).where(CandidateRow.sha256 == sha256).limit(1)).scalar()
    return None if name is None else {"sha256": sha256, "document": name, "text": None}


def domain_names(session: Session) -> dict[str, str]:
    """Return the catalogue's domains as {code: name} (a candidate names its domain in words)."""
    return {str(code): str(name) for code, name in session.execute(select(DomainRow.code, DomainRow.name)).all()}
