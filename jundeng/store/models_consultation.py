"""Tables of public consultation (民意征询): comments from the public on an indicator or a draft target, and the
office's moderation decisions (only inserted: the latest decision on a comment wins)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jundeng.store.models import Authored, Base, SerialKey


class FeedbackRow(SerialKey, Authored, Base):
    """A comment sent through the public form (no account: ``created_by`` is ``public``)."""

    __tablename__ = "feedback"
    subject_kind: Mapped[str] = mapped_column(String(16))  # indicator | target
    subject: Mapped[str] = mapped_column(String(128), index=True)
    message: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(64))
    contact: Mapped[str | None] = mapped_column(String(128))  # for the office only; never shown publicly
    language: Mapped[str] = mapped_column(String(8))


class FeedbackDecisionRow(SerialKey, Authored, Base):
    """The office's moderation of a comment: accepted (kept on the list) or hidden (spam, abuse), with a reason."""

    __tablename__ = "feedback_decisions"
    feedback: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # accepted | hidden
    reason: Mapped[str | None] = mapped_column(Text)
