"""Public consultation (民意征询): the public form's target (``POST /open/feedback``, no account, rate-limited per
address, CSRF-checked like the sign-in form) and the office's moderation list (``/consultation``: every comment
with its status, accept or hide with a reason, the list downloadable as CSV/XLSX). Forms work without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from jundeng.errors import JundengError
from jundeng.services import consultation
from jundeng.web.auth import EVERYONE, OFFICE, allow
from jundeng.web.deps import DB, User
from jundeng.web.i18n import language, translator
from jundeng.web.limits import limiter
from jundeng.web.pages_base import N_, Column, Table, frame_rows, render
from jundeng.web.pages_tasks import back

router = APIRouter(include_in_schema=False)
FEEDBACK_LIMIT = "5/minute"  # comments per client address (jundeng.web.limits)
Text = Annotated[str, Form(max_length=4000)]
STATUS_LABELS = {"new": N_("待处理"), "accepted": N_("已采纳"), "hidden": N_("已屏蔽")}
KIND_LABELS = {"indicator": N_("指标"), "target": N_("目标")}
COLUMNS = [
    Column("id", N_("编号"), "int"),
    Column("created_at", N_("提交时间")),
    Column("subject_kind", N_("对象类型")),
    Column("subject", N_("对象")),
    Column("message", N_("意见内容")),
    Column("name", N_("称呼")),
    Column("contact", N_("联系方式")),
    Column("status", N_("状态")),
    Column("decided_by", N_("处理人")),
    Column("reason", N_("理由")),
]


@router.post("/open/feedback", dependencies=[allow(*EVERYONE)])
@limiter.limit(FEEDBACK_LIMIT)
def send_feedback(
    request: Request,
    user: User,
    db: DB,
    message: Text,
    kind: Text = "",
    subject: Text = "",
    about: Text = "",
    name: Text = "",
    contact: Text = "",
) -> Response:
    """Take a comment from the public on a published indicator or target (``about`` = ``indicator:CODE`` or
    ``target:CODE:REGION:YEAR``, or ``kind`` and ``subject``) and say it was received."""
    if about:
        kind, _, subject = about.partition(":")
    indicator = subject.split(":", 1)[0]
    lang = language(request)
    comment = consultation.Comment(kind, subject, message, name, contact, lang)
    error, number = None, None
    try:
        number = consultation.submit(db, comment)
    except JundengError as exc:
        error = exc.zh if lang == "zh" else exc.en
    return render(
        request,
        user,
        "feedback_sent.html",
        title=N_("意见反馈"),
        error=error,
        number=number,
        back=f"/open/indicators/{indicator}" if indicator.replace("_", "").replace("-", "").isalnum() else "/open",
    )


@router.get("/consultation", dependencies=[allow(*OFFICE)])
def consultation_page(
    request: Request, user: User, db: DB, status: Annotated[str, Query(max_length=16)] = ""
) -> Response:
    """Every comment from the public (newest first) with its status; the office accepts or hides each."""
    error = None
    try:
        frame = consultation.listing(db, status=status or None)
    except JundengError as exc:
        error = exc.zh if language(request) == "zh" else exc.en
        frame = consultation.listing(db)
    _ = translator(language(request))
    rows = [
        r
        | {
            "state": r["status"],
            "status": _(STATUS_LABELS[r["status"]]),
            "subject_kind": _(KIND_LABELS[r["subject_kind"]]),
        }
        for r in frame_rows(frame)
    ]
    table = Table("comments", N_("公众意见"), COLUMNS, rows, empty=N_("暂无公众意见"))
    return render(
        request,
        user,
        "consultation.html",
        title=N_("民意征询"),
        tables=[table],
        rows=rows,
        status=status,
        statuses=[("", N_("全部"))] + list(STATUS_LABELS.items()),
        error=error,
    )


@router.post("/consultation/{feedback}", dependencies=[allow(*OFFICE)])
def decide(
    request: Request,
    user: User,
    db: DB,
    feedback: int,
    decision: Text,
    reason: Text = "",
) -> Response:
    """Accept or hide one comment (a reason is needed to hide); every decision is kept and audited."""
    try:
        consultation.decide(db, feedback=feedback, decision=decision, user=user.username, reason=reason)
    except JundengError as exc:
        return back(request, "/consultation", exc)
    return back(request, "/consultation", (f"已处理第 {feedback} 条意见", f"comment {feedback} decided"))
