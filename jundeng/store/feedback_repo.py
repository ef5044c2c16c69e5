"""Comments from the public and their moderation: only inserted; the latest decision on a comment wins."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from jundeng.store.models import AuditRow, FeedbackDecisionRow, FeedbackRow

PUBLIC_AUTHOR = "public"
COLUMNS = ["id", "subject_kind", "subject", "message", "name", "contact", "language", "created_at", "status"]
COLUMNS += ["decided_by", "decided_at", "reason"]


def add(
    session: Session, *, subject_kind: str, subject: str, message: str, name: str | None, contact: str | None,
    language: str,
) -> int:  # fmt: skip
    """Store a comment from the public form; return its id."""
    row = FeedbackRow(
        subject_kind=subject_kind,
        subject=subject,
        message=message,
        name=name,
        contact=contact,
        language=language,
        created_by=PUBLIC_AUTHOR,
    )
    session.add(row)
    session.flush()
    return row.id


def exists(session: Session, feedback: int) -> bool:
    """Return True when the comment ``feedback`` is stored."""
    return session.get(FeedbackRow, feedback) is not None


def decide(session: Session, *, feedback: int, decision: str, reason: str | None, user: str) -> None:
    """Record the office's decision on a comment (a new row; earlier decisions are kept) and audit it."""
    session.add(FeedbackDecisionRow(feedback=feedback, decision=decision, reason=reason, created_by=user))
    after = {"decision": decision, "reason": reason}
    session.add(AuditRow(user=user, action="moderate", entity="feedback", key=str(feedback), after=after))


def listing(session: Session, *, status: str | None = None) -> pd.DataFrame:
    """Return every comment with its current status (new, accepted or hidden) and who decided it, newest first."""
    latest: dict[int, FeedbackDecisionRow] = {}
    for decided in session.execute(select(FeedbackDecisionRow).order_by(FeedbackDecisionRow.id)).scalars():
        latest[decided.feedback] = decided
    records = []
    for row in session.execute(select(FeedbackRow).order_by(FeedbackRow.id.desc())).scalars():
        decision = latest.get(row.id)
        current = decision.decision if decision is not None else "new"
        if status is not None and current != status:
            continue
        records.append(
            {
                "id": row.id,
                "subject_kind": row.subject_kind,
                "subject": row.subject,
                "message": row.message,
                "name": row.name,
                "contact": row.contact,
                "language": row.language,
                "created_at": row.created_at,
                "status": current,
                "decided_by": decision.created_by if decision is not None else None,
                "decided_at": decision.created_at if decision is not None else None,
                "reason": decision.reason if decision is not None else None,
            }
        )
    return pd.DataFrame(records, columns=COLUMNS)
