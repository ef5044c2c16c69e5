"""Public consultation (民意征询): anyone may comment on a published indicator or on a target of one (no account);
the office moderates (accept or hide, with a reason, every decision kept) and exports the list.

Nothing unpublished can be commented on, and an unpublished subject is refused exactly as an unknown one. The
commenter's contact is for the office only; the form is rate-limited per address by the web layer."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jundeng.errors import JundengError, NotFoundError
from jundeng.services import catalog
from jundeng.store import catalog_repo, feedback_repo
from jundeng.store.db import Database

KINDS = ("indicator", "target")
DECISIONS = ("accepted", "hidden")
STATUSES = ("new", *DECISIONS)
MESSAGE_CHARS = (5, 2000)
NAME_CHARS, CONTACT_CHARS = 64, 128


class ConsultationError(JundengError):
    """A comment or a decision that cannot be taken, explained in Chinese and English."""


@dataclass(frozen=True)
class Comment:
    """A comment as typed into the public form."""

    kind: str
    subject: str
    message: str
    name: str = ""
    contact: str = ""
    language: str = "zh"


def _check(db: Database, comment: Comment) -> None:
    if comment.kind not in KINDS:
        raise ConsultationError(
            f"意见对象须为指标或目标：{comment.kind!r}", f"comment on an indicator or a target, not {comment.kind!r}"
        )
    indicator = comment.subject
    if comment.kind == "target":
        indicator, region, year = catalog_repo.target_key(comment.subject)
        with db.session() as session:
            found = [
                t for t in catalog_repo.targets(session, indicator=indicator) if (t.region, t.year) == (region, year)
            ]
        if not found:
            indicator = ""  # unknown: refused below exactly as an unpublished one
    if indicator not in catalog.published(db):
        raise NotFoundError("没有该公开指标或目标", "no such published indicator or target")
    low, high = MESSAGE_CHARS
    text = comment.message.strip()
    if not low <= len(text) <= high:
        raise ConsultationError(
            f"意见须为 {low}–{high} 个字（现为 {len(text)} 个）",
            f"a comment has {low}–{high} characters ({len(text)} now)",
        )
    if len(comment.name) > NAME_CHARS or len(comment.contact) > CONTACT_CHARS:
        raise ConsultationError(
            f"称呼不超过 {NAME_CHARS} 字，联系方式不超过 {CONTACT_CHARS} 字",
            f"a name has at most {NAME_CHARS} characters and a contact at most {CONTACT_CHARS}",
        )


def submit(db: Database, comment: Comment) -> int:
    """Store a comment from the public on a published indicator or target; return its number."""
    _check(db, comment)
    with db.session(write=True) as session:
        return feedback_repo.add(
            session,
            subject_kind=comment.kind,
            subject=comment.subject,
            message=comment.message.strip(),
            name=comment.name.strip() or None,
            contact=comment.contact.strip() or None,
            language="en" if comment.language == "en" else "zh",
        )


def decide(db: Database, *, feedback: int, decision: str, user: str, reason: str = "") -> None:
    """Record the office's decision on a comment (accepted or hidden); earlier decisions are kept."""
    if decision not in DECISIONS:
        raise ConsultationError(f"处理结果须为 accepted 或 hidden：{decision!r}", "decide accepted or hidden")
    if decision == "hidden" and not reason.strip():
        raise ConsultationError("屏蔽意见须说明理由", "hiding a comment needs a reason")
    with db.session(write=True) as session:
        if not feedback_repo.exists(session, feedback):
            raise NotFoundError(f"没有第 {feedback} 条意见", f"no comment {feedback}")
        feedback_repo.decide(session, feedback=feedback, decision=decision, reason=reason.strip() or None, user=user)


def listing(db: Database, *, status: str | None = None) -> pd.DataFrame:
    """Return the comments (newest first) with their status, for the office; ``status`` new, accepted or hidden."""
    if status is not None and status not in STATUSES:
        raise ConsultationError(f"状态须为 {'、'.join(STATUSES)} 之一", f"status is one of {', '.join(STATUSES)}")
    with db.session() as session:
        return feedback_repo.listing(session, status=status)
